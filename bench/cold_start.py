#!/usr/bin/env python3
"""Each start alone, after a quiet spell, as a person typing one `run` sees it (hyperfine's
back-to-back runs keep the kernel warm: see bench/migrate_probe.c).

Usage: cold_start.py RUNS IDLE_SECONDS NAME=COMMAND... > result.json
The commands take turns; before each start the machine is left idle IDLE_SECONDS. Prints
{"NAME": [ms, ...], ...}: wall time from spawn to exit, stdout to /dev/null.
"""
import json
import os
import shlex
import sys
import time

runs, idle = int(sys.argv[1]), float(sys.argv[2])
commands = [arg.split("=", 1) for arg in sys.argv[3:]]
devnull = os.open(os.devnull, os.O_WRONLY)
times = {name: [] for name, _ in commands}
for _ in range(runs):
    for name, command in commands:
        argv = shlex.split(command)
        time.sleep(idle)
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            sys.exit(f"cold_start: {command} failed ({status})")
        times[name].append(elapsed * 1000)
json.dump(times, sys.stdout)
