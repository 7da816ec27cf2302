"""What corral keeps per container: the supervisor process (PSS from smaps_rollup, page
tables from VmPTE) and the state directory (bytes on disk), next to what the container's own
program costs (its PSS), for every container whose name starts with a prefix.

usage: footprint.py STATE_ROOT PREFIX  -> one JSON object on stdout
"""
import json
import os
import sys


def kb_fields(path, wanted):
    out = {}
    try:
        with open(path) as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in wanted:
                    out[key] = int(rest.split()[0])
    except OSError:
        pass
    return out


def live_pid(path):
    """pid from a '<pid> <starttime>' file, if that process still has that start time."""
    try:
        with open(path) as f:
            pid, start = f.read().split()[:2]
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        fields = stat[stat.rindex(")") + 2:].split()
        return int(pid) if fields[19] == start else None
    except (OSError, ValueError, IndexError):
        return None


def disk_bytes(directory):
    total = 0
    for dirpath, dirnames, filenames in os.walk(directory):
        for name in filenames + dirnames:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                pass
    return total + os.lstat(directory).st_blocks * 512


def main():
    root, prefix = sys.argv[1], sys.argv[2]
    rows = []
    for name in sorted(os.listdir(root)):
        if not name.startswith(prefix):
            continue
        d = os.path.join(root, name)
        sup = live_pid(os.path.join(d, "supervisor"))
        ctr = live_pid(os.path.join(d, "pid"))
        if sup is None or ctr is None:
            continue
        s = kb_fields(f"/proc/{sup}/smaps_rollup", {"Pss", "Pss_Anon", "Pss_File", "Rss"})
        s.update(kb_fields(f"/proc/{sup}/status", {"VmPTE"}))
        c = kb_fields(f"/proc/{ctr}/smaps_rollup", {"Pss"})
        rows.append({
            "name": name,
            "supervisorPssKiB": s.get("Pss", 0),
            "supervisorPssAnonKiB": s.get("Pss_Anon", 0),
            "supervisorPssFileKiB": s.get("Pss_File", 0),
            "supervisorRssKiB": s.get("Rss", 0),
            "supervisorPteKiB": s.get("VmPTE", 0),
            "stateDirBytes": disk_bytes(d),
            "containerPssKiB": c.get("Pss", 0),
        })
    json.dump({"containers": rows}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
