// The kernel work of one `corral run --rm -- /bin/true`, done by C with nothing around it: the
// container's cgroups made (the five v1 hierarchies corral uses, or one cgroup2 directory),
// the same cspawn_start corral calls (new UTS, PID, mount, IPC and network namespaces,
// pivot_root, /proc, /dev, runc's default capabilities, seccomp), the wait, the cgroups
// removed. No Swift, no state record, no cgroup limits written. `make bench` times it next to
// bwrap and unshare: what corral spends above it is the cost of being a Swift program with a
// state record; what it spends in it, no front end can take off.
// With --host-net the container keeps the host's network namespace: the part of the floor a
// front end can take off its path by making the namespace ahead, on another core, as corral does.
// Usage: floor_probe ROOTFS CGROUP_PARENT [--host-net]   (the parent must exist in every hierarchy used)
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cspawn.h"

static const char *const v1_hierarchies[] = {"cpu", "cpuacct", "freezer", "pids", "memory", NULL};

static const int runc_caps[] = {
    CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FSETID,  CAP_FOWNER,           CAP_MKNOD,
    CAP_NET_RAW, CAP_SETGID,      CAP_SETUID,  CAP_SETFCAP,          CAP_SETPCAP,
    CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

int main(int argc, char **argv) {
    static char dirs[6][512], procs[6][560];
    const char *procs_list[7] = {NULL};
    const char *const child_argv[] = {"/bin/true", NULL};
    const char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    int n = 0, status = 0, failed = 0;
    cspawn_config c;
    cspawn_error err;
    pid_t pid;

    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--host-net") != 0)) {
        fprintf(stderr, "usage: floor_probe ROOTFS CGROUP_PARENT [--host-net]\n");
        return 2;
    }
    // What corral's drivers give cspawn to enter (CgroupDriver.joinFiles).
    const char *join = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? "cgroup.procs" : "tasks";
    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
        snprintf(dirs[n++], sizeof dirs[0], "/sys/fs/cgroup/%s/floor-%d", argv[2], (int)getpid());
    } else {
        for (const char *const *h = v1_hierarchies; *h; h++)
            snprintf(dirs[n++], sizeof dirs[0], "/sys/fs/cgroup/%s/%s/floor-%d", *h, argv[2],
                     (int)getpid());
    }
    for (int i = 0; i < n; i++) {
        if (mkdir(dirs[i], 0755) < 0) {
            fprintf(stderr, "floor_probe: mkdir %s: %s\n", dirs[i], strerror(errno));
            n = i;
            failed = 1;
            break;
        }
        snprintf(procs[i], sizeof procs[0], "%s/%s", dirs[i], join);
        procs_list[i] = procs[i];
    }
    if (!failed) {
        memset(&c, 0, sizeof c);
        c.rootfs = argv[1];
        c.hostname = "floor";
        c.argv = child_argv;
        c.envp = envp;
        c.workdir = "/";
        c.caps = runc_caps;
        c.ncaps = (int)(sizeof runc_caps / sizeof runc_caps[0]);
        c.cgroup_join = procs_list;
        c.stdin_fd = c.stdout_fd = c.stderr_fd = -1;
        c.share_host_net = argc == 4;
        pid = cspawn_start(&c, NULL, &err);
        if (pid < 0) {
            fprintf(stderr, "floor_probe: %s %s: %s\n", err.step, err.path, strerror(err.err));
            failed = 1;
        } else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "floor_probe: /bin/true did not exit 0 (status %d)\n", status);
            failed = 1;
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        if (rmdir(dirs[i]) < 0) {
            fprintf(stderr, "floor_probe: rmdir %s: %s\n", dirs[i], strerror(errno));
            failed = 1;
        }
    }
    return failed;
}
