#!/usr/bin/env bash
# Installs the Debian packages corral builds and tests with, only those missing.
set -euo pipefail
need=(busybox-static libcap-dev libncursesw5-dev libarchive-dev tmux "$@")
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "corral: missing packages: ${missing[*]} (run as root, or apt-get install them)" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
