#!/usr/bin/env bash
# `make bench`: corral side by side with runc, bubblewrap and the kernel floor (unshare), then
# corral's own costs (Engine API start, per-container memory, `corral top` CPU, stats sweep,
# quota fidelity, live quota moves). Writes BENCHMARKS.md and bench/*.png; raw numbers go to
# bench/results/. Peers are measured in the same run, interleaved round by round, so the
# ratios hold even when absolute times drift; with them, the floors corral itself stands on
# (bench/floor_probe.c: its kernel work from C; a static Swift hello). Needs root. Takes about
# 3 minutes here.
#
# Environment: CORRAL_BIN (default .build/release/corral), BENCH_ROUNDS (startup rounds,
# default 10), BENCH_RUNS (runs per command per round, default 15), BENCH_TOP_SECONDS (default
# 20), BENCH_CONTAINERS (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BIN=${CORRAL_BIN:-$REPO/.build/release/corral}
ROUNDS=${BENCH_ROUNDS:-10}
RUNS=${BENCH_RUNS:-15}
COLD_RUNS=${BENCH_COLD_RUNS:-10}   # lone starts of each runtime, every one after COLD_IDLE s idle
COLD_IDLE=0.5
TOP_SECONDS=${BENCH_TOP_SECONDS:-20}
MANY=${BENCH_CONTAINERS:-200}
PY=/usr/bin/python3   # Debian's, where python3-matplotlib is installed

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (namespaces, cgroups, mounts)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "bench: $BIN not built (make release)" >&2; exit 1; }
scripts/install-deps.sh runc bubblewrap hyperfine python3-matplotlib gcc
# crun is measured only to show why it can't run here; a failed install just skips it.
scripts/install-deps.sh crun >/dev/null 2>&1 || true

WORK=$(mktemp -d /tmp/corral-bench.XXXXXX)
RES=$WORK/results
mkdir -p "$RES"
ROOTFS=$WORK/rootfs
# Own state root and cgroup parent: other corral users on the machine are left alone. The
# state root sits next to the default /run/corral, on the same file system.
export CORRAL_ROOT=/run/corral-bench-$$
export CORRAL_CGROUP_PARENT=corral-bench-$$
TMUX_SOCKET=corral-bench-$$
RUNC_ROOT=$WORK/runc-state

cleanup() {
    set +e
    tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null
    rm -f "/tmp/tmux-$(id -u)/$TMUX_SOCKET"   # a killed server leaves its socket file
    if [ -d "$CORRAL_ROOT" ]; then
        names=$(ls "$CORRAL_ROOT" 2>/dev/null | grep -v '^\.' || true)
        [ -n "$names" ] && "$BIN" rm -f $names >/dev/null 2>&1
        rm -rf "$CORRAL_ROOT"
    fi
    runc --root "$RUNC_ROOT" delete -f "cb-runc-$$" >/dev/null 2>&1
    for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
        rmdir "$h/corral-bench-mp-$$" "$h/corral-bench-floor-$$" "$h/$CORRAL_CGROUP_PARENT" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }
ms_now() { date +%s%3N; }
T_BEGIN=$(ms_now)

# --- the rootfs every runtime runs on: a static busybox --------------------------------------
busybox=$(command -v busybox)
mkdir -p "$ROOTFS"/{bin,proc,dev,sys,tmp,etc,root}
cp "$busybox" "$ROOTFS/bin/busybox"
for applet in sh true sleep cat; do ln -s busybox "$ROOTFS/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS/etc/passwd"
echo 'root:x:0:' >"$ROOTFS/etc/group"

# --- machine ---------------------------------------------------------------------------------
log "machine facts"
{
    echo "date=$(date -u '+%Y-%m-%d %H:%M') UTC"
    echo "kernel=$(uname -r)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "cores=$(nproc)"
    echo "memory_mib=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)"
    echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "hz=$(getconf CLK_TCK)"
    echo "cgroup_mounts=$(awk '$3 ~ /^cgroup/ {print $2 "(" $4 ")"}' /proc/mounts | tr '\n' ' ')"
    echo "state_root_fs=$(findmnt -n -o FSTYPE -T /run 2>/dev/null || stat -f -c %T /run)"
    echo "corral=$BIN ($(stat -c %s "$BIN") bytes; links: $(ldd "$BIN" | awk '{print $1}' | grep -v -E 'vdso|ld-linux' | tr '\n' ' '))"
    echo "runc=$(runc --version | head -1)"
    echo "bwrap=$(bwrap --version)"
    echo "hyperfine=$(hyperfine --version)"
    echo "unshare=$(unshare --version)"
    echo "swift=$(swift --version 2>/dev/null | head -1 || echo unknown)"
    echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RES/machine.txt"

# --- cgroup migration cost on this kernel (see bench/migrate_probe.c) -----------------------
gcc -O2 -o "$WORK/migrate_probe" bench/migrate_probe.c
cpu_mount=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/ {print $2; exit}' /proc/mounts)
[ -n "$cpu_mount" ] || cpu_mount=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
"$WORK/migrate_probe" "$cpu_mount/corral-bench-mp-$$" 10 100 cgroup.procs >"$RES/migrate.txt"
[ -f /sys/fs/cgroup/cgroup.controllers ] || "$WORK/migrate_probe" "$cpu_mount/corral-bench-mp-$$" 10 100 tasks >"$RES/migrate-tasks.txt"

# --- floors: what corral's start is made of (see bench/floor_probe.c) --------------------------
# The same kernel work from C with nothing else; a static Swift program that only prints; a C
# program that only returns. corral's time above the first plus the Swift program's extra start
# is what corral itself adds (record, parsing, its bigger binary).
gcc -O2 -ISources/CSpawn/include -o "$WORK/floor_probe" bench/floor_probe.c Sources/CSpawn/*.c \
    -L "$REPO/.build/static-libs" -lcap -lpthread
printf 'print("hello")\n' >"$WORK/hello.swift"
# Linked as the release corral is (Makefile: RELEASE_FLAGS), so it is the start corral stands on.
swiftc -O -static-stdlib -L "$REPO/.build/static-libs" -Xclang-linker -static-libgcc \
    -o "$WORK/swift-hello" "$WORK/hello.swift" 2>/dev/null
printf 'int main(void) { return 0; }\n' >"$WORK/c-true.c"
gcc -O2 -o "$WORK/c-true" "$WORK/c-true.c"
FLOOR_PARENT=corral-bench-floor-$$
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then floor_hierarchies=/sys/fs/cgroup
else floor_hierarchies="/sys/fs/cgroup/cpu /sys/fs/cgroup/cpuacct /sys/fs/cgroup/freezer /sys/fs/cgroup/pids /sys/fs/cgroup/memory"; fi
for h in $floor_hierarchies; do mkdir -p "$h/$FLOOR_PARENT"; done

# --- peers: runc bundle on the same rootfs, crun's refusal ------------------------------------
mkdir -p "$WORK/bundle" "$RUNC_ROOT"
(cd "$WORK/bundle" && runc spec)
$PY - "$WORK/bundle/config.json" "$ROOTFS" <<'EOF'
import json, sys
path, rootfs = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["root"]["path"] = rootfs
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
json.dump(c, open(path, "w"), indent=1)
EOF
if command -v crun >/dev/null; then
    echo "crun=$(crun --version | head -1)" >>"$RES/machine.txt"
    crun --root "$WORK/crun-state" run --bundle "$WORK/bundle" "cb-crun-$$" >"$RES/crun.txt" 2>&1 \
        && echo "(crun ran)" >>"$RES/crun.txt" || true
fi

# --- start-up: whole process, /bin/true, peers interleaved ------------------------------------
CMD_CORRAL="$BIN run --rm --rootfs $ROOTFS -- /bin/true"
CMD_RUNC="runc --root $RUNC_ROOT run --bundle $WORK/bundle cb-runc-$$"
CMD_BWRAP="bwrap --unshare-all --bind $ROOTFS / --proc /proc --dev /dev /bin/true"
CMD_UNSHARE="unshare -fpiunm --mount-proc=$ROOTFS/proc chroot $ROOTFS /bin/true"
CMD_FLOOR="$WORK/floor_probe $ROOTFS $FLOOR_PARENT"
CMD_FLOOR_HOSTNET="$WORK/floor_probe $ROOTFS $FLOOR_PARENT --host-net"
CMD_SWIFT_HELLO="$WORK/swift-hello"
CMD_C_TRUE="$WORK/c-true"
CMD_DETACH="$BIN run -d --name cb-detach --rootfs $ROOTFS -- /bin/sleep 100000"
PREP_DETACH="sh -c '$BIN rm -f cb-detach >/dev/null 2>&1 || true'"
for c in "$CMD_CORRAL" "$CMD_RUNC" "$CMD_BWRAP" "$CMD_UNSHARE" "$CMD_FLOOR" "$CMD_FLOOR_HOSTNET"; do $c >/dev/null || { echo "bench: failed: $c" >&2; exit 1; }; done
{
    echo "corral=$CMD_CORRAL"
    echo "runc=$CMD_RUNC"
    echo "bwrap=$CMD_BWRAP"
    echo "unshare=$CMD_UNSHARE"
    echo "floor=$CMD_FLOOR"
    echo "floor_hostnet=$CMD_FLOOR_HOSTNET"
    echo "swift_hello=$CMD_SWIFT_HELLO"
    echo "c_true=$CMD_C_TRUE"
    echo "corral_detach=$CMD_DETACH"
    echo "corral_detach_prepare=$PREP_DETACH"
} >"$RES/commands.txt"
log "start-up: $ROUNDS rounds x $RUNS runs of corral, runc, bwrap, unshare, corral run -d, the floors"
cat /proc/stat | head -1 >"$RES/startup-hoststat-before.txt"
# Each round in another order (shuffled, seeded by the round's number, so a run can be
# repeated): a command's first runs pay for what the one before it left the kernel to finish
# (namespaces and cgroups torn down; runc leaves the most), so none always follows the same one.
STARTUP_NAMES=(corral runc bwrap unshare corral-detach floor floor-hostnet swift-hello c-true)
STARTUP_CMDS=("$CMD_CORRAL" "$CMD_RUNC" "$CMD_BWRAP" "$CMD_UNSHARE" "$CMD_DETACH" "$CMD_FLOOR" "$CMD_FLOOR_HOSTNET" "$CMD_SWIFT_HELLO" "$CMD_C_TRUE")
for r in $(seq 1 "$ROUNDS"); do
    args=()
    order=$($PY -c "import random; o = list(range(${#STARTUP_NAMES[@]})); random.Random($r).shuffle(o); print(*o)")
    for j in $order; do
        if [ "${STARTUP_NAMES[$j]}" = corral-detach ]; then args+=(--prepare "$PREP_DETACH"); else args+=(--prepare true); fi
    done
    for j in $order; do args+=(-n "${STARTUP_NAMES[$j]}" "${STARTUP_CMDS[$j]}"); done
    hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-json "$RES/startup-$r.json" "${args[@]}" >/dev/null
done
cat /proc/stat | head -1 >"$RES/startup-hoststat-after.txt"
"$BIN" rm -f cb-detach >/dev/null

# --- a lone start after a quiet spell: what one typed `run` takes ------------------------------
log "lone starts: $COLD_RUNS x corral, runc, bwrap, unshare, each after ${COLD_IDLE} s idle"
python3 bench/cold_start.py "$COLD_RUNS" "$COLD_IDLE" "corral=$CMD_CORRAL" "runc=$CMD_RUNC" \
    "bwrap=$CMD_BWRAP" "unshare=$CMD_UNSHARE" >"$RES/cold-start.json"
echo "$COLD_IDLE" >"$RES/cold-idle.txt"

has_bench_engine=1
"$BIN" bench-engine --help >/dev/null 2>&1 || has_bench_engine=0

# --- many idle containers: started through the Engine API, then through the CLI --------------
if [ $has_bench_engine = 1 ]; then
    log "Engine API: $MANY starts in one process"
    "$BIN" bench-engine --start "$MANY" --prefix cb-api --rootfs "$ROOTFS" -- /bin/sleep 100000 >"$RES/api-start.json"
    $PY bench/footprint.py "$CORRAL_ROOT" cb-api- >"$RES/footprint-api.json"
    "$BIN" rm -f $(ls "$CORRAL_ROOT" | grep '^cb-api-') >/dev/null
fi
log "CLI: $MANY x corral run -d"
: >"$RES/cli-detach-many.txt"
for i in $(seq 0 $((MANY - 1))); do
    t0=$(date +%s%N)
    "$BIN" run -d --name "cb-idle-$i" --rootfs "$ROOTFS" -- /bin/sleep 100000 >/dev/null
    echo $(( ($(date +%s%N) - t0) / 1000 )) >>"$RES/cli-detach-many.txt"
done
$PY bench/footprint.py "$CORRAL_ROOT" cb-idle- >"$RES/footprint-cli.json"

# --- corral top's own CPU and one refresh, at MANY, 100 and 10 containers ---------------------
top_cpu() {  # $1 = number of containers running
    local pid t0 t1 s0 s1
    tmux -L "$TMUX_SOCKET" new-session -d -x 160 -y 50 \
        "exec env CORRAL_ROOT=$CORRAL_ROOT CORRAL_CGROUP_PARENT=$CORRAL_CGROUP_PARENT $BIN top --interval 1"
    sleep 3
    pid=$(tmux -L "$TMUX_SOCKET" display-message -p '#{pane_pid}')
    s0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); t0=$(date +%s%N)
    sleep "$TOP_SECONDS"
    s1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); t1=$(date +%s%N)
    tmux -L "$TMUX_SOCKET" capture-pane -p >"$RES/top-$1-screen.txt"
    # Quit it the way a person does; a top left behind on a dead pty would spin.
    tmux -L "$TMUX_SOCKET" send-keys q
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true  # gone with its only pane
    echo "$1 $((s1 - s0)) $(( (t1 - t0) / 1000000 )) $(getconf CLK_TCK)" >>"$RES/top-cpu.txt"
}
shrink_to() {  # keep cb-idle-0 .. cb-idle-($1-1)
    local doomed
    doomed=$(ls "$CORRAL_ROOT" | grep '^cb-idle-' | awk -F- -v n="$1" '$3 >= n')
    [ -n "$doomed" ] && "$BIN" rm -f $doomed >/dev/null
    return 0
}
: >"$RES/top-cpu.txt"
for n in "$MANY" 100 10; do
    [ "$n" -le "$MANY" ] || continue
    shrink_to "$n"
    if [ $has_bench_engine = 1 ]; then
        log "one refresh (sweep + frame layout) at $n containers"
        "$BIN" bench-engine --sweep 30 >"$RES/sweep-$n.json"
    fi
    log "corral top CPU at $n containers (${TOP_SECONDS} s)"
    top_cpu "$n"
done
shrink_to 0

# --- quota fidelity and live quota moves -------------------------------------------------------
log "quota fidelity: 0.1 0.25 0.5 1.0 1.5 cores, 5 s windows"
$PY bench/quota.py fidelity "$BIN" "$ROOTFS" cb-burn "$RES/quota-fidelity.json" --window 5 --windows 2
log "quota moved live with corral update"
$PY bench/quota.py timeline "$BIN" "$ROOTFS" cb-move "$RES/quota-timeline.json"

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES/machine.txt"
echo "bench_seconds=$(( ($(ms_now) - T_BEGIN) / 1000 ))" >>"$RES/machine.txt"

# --- report --------------------------------------------------------------------------------------
rm -rf bench/results
mkdir -p bench/results
cp "$RES"/* bench/results/
$PY bench/report.py bench/results BENCHMARKS.md bench
log "wrote BENCHMARKS.md, bench/*.png, bench/results/ in $(( ($(ms_now) - T_BEGIN) / 1000 )) s"
