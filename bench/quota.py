"""Quota fidelity and live quota moves, measured from the kernel's own CPU counter of the
container's cgroup (cpuacct.usage on v1, cpu.stat usage_usec on v2).

  quota.py fidelity CORRAL ROOTFS NAME OUT.json [--window S] [--windows N] [--quotas a,b,..]
      For each quota: a burner container limited to it (two busy loops, so a quota above one
      core is the binding limit too), 1 s to settle, then N windows of S seconds each:
      achieved cores = Δusage / Δwall; throttled share of CFS periods; how busy the rest of
      the host was (other work competes for the same two cores).
  quota.py timeline CORRAL ROOTFS NAME OUT.json
      One burner, its quota moved with `corral update` every 2 s while its counter is read
      every 5 ms: how long each update takes, and in which CFS period after it returned the
      container runs at the new rate.
"""
import json
import os
import subprocess
import sys
import threading
import time

BURNER = ["/bin/sh", "-c", "while :; do :; done & while :; do :; done"]
PERIOD_S = 0.1  # corral's CFS period (the default)


def corral(binary, *args, check=True):
    return subprocess.run([binary, *args], check=check, capture_output=True, text=True)


def usage_file(binary, name):
    """The file holding the container's cumulative CPU time, and how to read it (ns)."""
    ps = json.loads(corral(binary, "ps", "--json").stdout)
    group = next(c["cgroup"] for c in ps if c["name"] == name).strip("/")
    with open("/proc/self/mounts") as f:
        mounts = [line.split() for line in f]
    for dev, point, fstype, opts, *_ in mounts:
        if fstype == "cgroup" and "cpuacct" in opts.split(","):
            return os.path.join(point, group, "cpuacct.usage"), lambda text: int(text)
    for dev, point, fstype, *_ in mounts:
        if fstype == "cgroup2":
            def usec(text):
                for line in text.splitlines():
                    if line.startswith("usage_usec "):
                        return int(line.split()[1]) * 1000
                raise ValueError("no usage_usec")
            return os.path.join(point, group, "cpu.stat"), usec
    raise SystemExit("no cpuacct or cgroup2 mount")


def cpu_stat_file(usage_path):
    d = os.path.dirname(usage_path)
    v1 = d.replace("/cpuacct/", "/cpu/", 1)
    return os.path.join(v1 if os.path.exists(os.path.join(v1, "cpu.stat")) else d, "cpu.stat")


def read_text(path):
    with open(path) as f:
        return f.read()


def throttling(path):
    fields = dict(line.split()[:2] for line in read_text(path).splitlines() if line.strip())
    return int(fields.get("nr_periods", 0)), int(fields.get("nr_throttled", 0))


def host_busy_jiffies():
    parts = read_text("/proc/stat").splitlines()[0].split()[1:]
    values = [int(x) for x in parts]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle


def start_burner(binary, rootfs, name, cores):
    corral(binary, "rm", "-f", name, check=False)
    corral(binary, "run", "-d", "--name", name, "--cpus", str(cores), "--rootfs", rootfs, "--", *BURNER)


def fidelity(binary, rootfs, name, out, window, windows, quotas):
    tick = os.sysconf("SC_CLK_TCK")
    ncpu = os.cpu_count()
    rows = []
    for q in quotas:
        start_burner(binary, rootfs, name, q)
        path, parse = usage_file(binary, name)
        stat_path = cpu_stat_file(path)
        time.sleep(1.0)
        for w in range(windows):
            u0, t0, h0, p0 = parse(read_text(path)), time.monotonic_ns(), host_busy_jiffies(), throttling(stat_path)
            time.sleep(window)
            u1, t1, h1, p1 = parse(read_text(path)), time.monotonic_ns(), host_busy_jiffies(), throttling(stat_path)
            achieved = (u1 - u0) / (t1 - t0)
            host = (h1 - h0) / tick / ((t1 - t0) / 1e9)
            periods = p1[0] - p0[0]
            rows.append({
                "quota": q, "window": w, "seconds": (t1 - t0) / 1e9, "achieved": achieved,
                "errorPercent": (achieved - q) / q * 100,
                "throttledPercent": (p1[1] - p0[1]) / periods * 100 if periods else 0.0,
                "hostBusyCores": host, "otherBusyCores": max(0.0, host - achieved), "cores": ncpu,
            })
        corral(binary, "rm", "-f", name, check=False)
    with open(out, "w") as f:
        json.dump({"fidelity": rows}, f)


def timeline(binary, rootfs, name, out):
    steps = [(2.0, 1.0), (4.0, 0.5), (6.0, 1.5), (8.0, 0.25)]
    end_s, first = 10.0, 0.2
    start_burner(binary, rootfs, name, first)
    path, parse = usage_file(binary, name)
    time.sleep(1.0)
    samples, stop = [], threading.Event()

    def sample():
        fd = os.open(path, os.O_RDONLY)
        try:
            while not stop.is_set():
                samples.append((time.monotonic_ns(), parse(os.pread(fd, 256, 0).decode())))
                time.sleep(0.005)
        finally:
            os.close(fd)

    t_zero = time.monotonic_ns()
    thread = threading.Thread(target=sample)
    thread.start()
    updates = []
    for at, cores in steps:
        while (time.monotonic_ns() - t_zero) / 1e9 < at:
            time.sleep(0.001)
        t0 = time.monotonic_ns()
        corral(binary, "update", "--cpus", str(cores), name)
        t1 = time.monotonic_ns()
        updates.append({"cores": cores, "startS": (t0 - t_zero) / 1e9, "endS": (t1 - t_zero) / 1e9})
    while (time.monotonic_ns() - t_zero) / 1e9 < end_s:
        time.sleep(0.01)
    stop.set()
    thread.join()
    corral(binary, "rm", "-f", name, check=False)
    pts = [((t - t_zero) / 1e9, u) for t, u in samples]

    def usage_at(ts):
        """Counter at time ts, linearly interpolated between the samples around it."""
        for (ta, ua), (tb, ub) in zip(pts, pts[1:]):
            if ta <= ts <= tb:
                return ua + (ub - ua) * ((ts - ta) / (tb - ta) if tb > ta else 0)
        return None

    for u in updates:
        # Rate over whole CFS periods after the command returned: the kernel applies the new
        # quota at the write and restarts the period timer, so period 1 should already match.
        u["periodRates"] = []
        for k in range(5):
            a, b = u["endS"] + k * PERIOD_S, u["endS"] + (k + 1) * PERIOD_S
            ua, ub = usage_at(a), usage_at(b)
            if ua is None or ub is None:
                break
            u["periodRates"].append((ub - ua) / 1e9 / PERIOD_S)
        within = [i + 1 for i, r in enumerate(u["periodRates"]) if abs(r - u["cores"]) <= 0.1 * u["cores"]]
        u["firstPeriodWithin10Percent"] = within[0] if within else None
    bins = []
    t = 0.0
    while t + PERIOD_S <= pts[-1][0]:
        ua, ub = usage_at(t), usage_at(t + PERIOD_S)
        if ua is not None and ub is not None:
            bins.append((t + PERIOD_S / 2, (ub - ua) / 1e9 / PERIOD_S))
        t += PERIOD_S
    with open(out, "w") as f:
        json.dump({"initialCores": first, "updates": updates, "bins": bins, "samples": len(pts)}, f)


def main():
    mode, binary, rootfs, name, out = sys.argv[1:6]
    opts = dict(zip(sys.argv[6::2], sys.argv[7::2]))
    if mode == "fidelity":
        quotas = [float(x) for x in opts.get("--quotas", "0.1,0.25,0.5,1.0,1.5").split(",")]
        fidelity(binary, rootfs, name, out, float(opts.get("--window", 5)), int(opts.get("--windows", 1)), quotas)
    elif mode == "timeline":
        timeline(binary, rootfs, name, out)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
