#!/bin/sh
# Makes screenshots/*.png from a real run: `corral demo` in a 132x40 tmux window, with its own
# state root and image store under /tmp and its own cgroup parent, captured with colours
# (`tmux capture-pane -e -p`) and drawn by scripts/ansi2png.py. Needs root, tmux, python3 and
# ImageMagick. Removes everything it started, also when it fails.
#
#   scripts/screenshots.sh                  # uses .build/release/corral (builds it if missing)
#   CORRAL_BIN=path/to/corral scripts/screenshots.sh
#   KEEP_CAPTURES=dir scripts/screenshots.sh  # also keeps the captures (*.ans) to debug rendering
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/screenshots
corral=${CORRAL_BIN:-$repo/.build/release/corral}
if [ ! -x "$corral" ]; then
    (cd "$repo" && make release)   # the binary `make demo` runs
fi
for tool in tmux python3 convert; do
    command -v "$tool" >/dev/null || { echo "screenshots.sh: needs $tool" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "screenshots.sh: needs root (containers and cgroups)" >&2; exit 1; }

# A fixed cgroup parent, so the paths on the screenshots are the same at every run (and short
# enough for the status line); a second run at the same time would share it, so refuse.
parent=corral-shots
if ls -d /sys/fs/cgroup/*/"$parent" >/dev/null 2>&1; then
    echo "screenshots.sh: cgroup $parent exists: another run, or one that died; rmdir it" >&2
    exit 1
fi
cols=132 rows=40
work=$(mktemp -d /tmp/corral-screenshots.XXXXXX)
socket=corral-screenshots-$$
export CORRAL_ROOT=$work/state CORRAL_IMAGES=$work/images CORRAL_CGROUP_PARENT=$parent
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX NO_COLOR

t() { tmux -u -f /dev/null -L "$socket" "$@"; }

# This run's containers, one name a line.
names() {
    "$corral" ps -a --json 2>/dev/null |
        python3 -c 'import json, sys; print("\n".join(c["name"] for c in json.load(sys.stdin)))' 2>/dev/null || true
}

cleanup() {
    set +e
    t kill-server 2>/dev/null
    rm -f "/tmp/tmux-$(id -u)/$socket"
    # Whatever the demo did not remove itself (it does on q and on SIGHUP).
    for name in $(names); do
        "$corral" rm -f "$name" >/dev/null 2>&1 || true
    done
    for dir in /sys/fs/cgroup/*/"$CORRAL_CGROUP_PARENT"; do
        [ -d "$dir" ] && rmdir "$dir" 2>/dev/null || true
    done
    [ -z "${KEEP_CAPTURES:-}" ] || cp "$work"/*.ans "$KEEP_CAPTURES"/ 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Polls the screen (every 0.1 s, up to $2 seconds) until it matches the extended regex $1.
wait_for() {
    i=0
    while ! t capture-pane -p -t demo | grep -Eq -- "$1"; do
        i=$((i + 1))
        if [ "$i" -gt $(($2 * 10)) ]; then
            echo "screenshots.sh: timed out waiting for /$1/; the screen:" >&2
            t capture-pane -p -t demo >&2
            exit 1
        fi
        sleep 0.1
    done
}

# Polls until the screen no longer matches $1 (an Esc has been handled: a key sent right after
# Esc could be read as Alt+key).
wait_gone() {
    i=0
    while t capture-pane -p -t demo | grep -Eq -- "$1"; do
        i=$((i + 1))
        [ "$i" -le $(($2 * 10)) ] || { echo "screenshots.sh: /$1/ stays on screen" >&2; exit 1; }
        sleep 0.1
    done
}

# $1.png from the screen once two captures 0.2 s apart agree, so no frame is half drawn
# (-N: with trailing blanks, which carry the bars' colours).
shoot() {
    t capture-pane -e -p -N -t demo >"$work/$1.ans"
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        sleep 0.2
        t capture-pane -e -p -N -t demo >"$work/$1.next"
        cmp -s "$work/$1.ans" "$work/$1.next" && break
        mv "$work/$1.next" "$work/$1.ans"
    done
    python3 "$repo/scripts/ansi2png.py" "$work/$1.ans" "$out/$1.png" --cols "$cols" --rows "$rows"
    echo "screenshots/$1.png"
}

mkdir -p "$out"
t new-session -d -s demo -x "$cols" -y "$rows" \
    -e CORRAL_ROOT="$CORRAL_ROOT" -e CORRAL_IMAGES="$CORRAL_IMAGES" -e CORRAL_CGROUP_PARENT="$CORRAL_CGROUP_PARENT" \
    -e LANG="$LANG" -e LC_ALL="$LC_ALL" \
    "$corral" demo

# The rows sort by name: demo-bursty, demo-fifth, demo-half, demo-unlimited.
wait_for '^demo-unlimited .*▏' 60
t send-keys -t demo Down
# Let the sparklines and the throttling counters build up.
sleep 12

# The demo under throttling, just after → raised demo-half's quota: the status line shows the
# write. Shot at a refresh where demo-fifth is throttled in most periods: other load on the
# machine can starve the burners so that none reaches its quota.
t send-keys -t demo Down Right
wait_for 'cpu.cfs_quota_us ← 55000' 5
sleep 1.2
wait_for '^demo-fifth .* (8[0-9]|9[0-9]|100)% ' 120
shoot demo

# The detail view of demo-fifth.
t send-keys -t demo Up Enter
wait_for 'KERNEL FILES' 5
wait_for 'nr_throttled' 5
sleep 10
wait_for 'Throttled, % of periods +now (8[0-9]|9[0-9]|100)%' 120
shoot detail
t send-keys -t demo Escape
wait_gone 'KERNEL FILES' 5

# The new-container form, filled in (the image field starts as busybox).
t send-keys -t demo n
wait_for 'New container' 5
t send-keys -t demo Tab
t send-keys -t demo -l "sh -c 'while :; do :; done'"
t send-keys -t demo Tab
t send-keys -t demo -l web
t send-keys -t demo Tab
t send-keys -t demo -l 0.3
wait_for 'CPUs +0\.3' 5
shoot form
t send-keys -t demo Escape
wait_gone 'New container' 5

# Help.
t send-keys -t demo '?'
wait_for 'quit; removes the demo containers' 5
wait_for 'Esc close help' 5
shoot help

# q: the demo removes its containers.
t send-keys -t demo Escape
wait_gone 'close help' 5
t send-keys -t demo q
i=0
while [ -n "$(names)" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
left=$(names)
[ -z "$left" ] || { echo "screenshots.sh: the demo left containers: $left" >&2; exit 1; }
