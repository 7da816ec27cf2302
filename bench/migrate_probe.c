// How long a process takes to move itself into a cgroup after the cgroup core has been idle
// for a while: the step every runtime that places a container into a cgroup pays (runc,
// corral), and bwrap and unshare don't. Written to `cgroup.procs` (what runc writes), the
// kernel takes cgroup_threadgroup_rwsem for writing, which without the `favordynmods` mount
// option waits for an RCU grace period (several ms at HZ=250). "0" written to a v1 `tasks`
// file by a process of one thread (what corral's init writes, CgroupDriver.joinFiles) moves
// only the writer, and the kernel skips that lock.
// Usage: migrate_probe <cgroup dir to create> <samples> <idle ms between samples> <file>
// Prints one line per sample: milliseconds.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    char path[4096];
    int samples, idle_ms, i, status = 0, fds[2];

    if (argc != 5) {
        fprintf(stderr, "usage: %s <new cgroup dir> <samples> <idle ms> <cgroup.procs|tasks>\n", argv[0]);
        return 2;
    }
    samples = atoi(argv[2]);
    idle_ms = atoi(argv[3]);
    if (mkdir(argv[1], 0755) < 0) {
        fprintf(stderr, "mkdir %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/%s", argv[1], argv[4]);
    for (i = 0; i < samples && status == 0; i++) {
        double ms = -1;
        pid_t child;
        int st;
        if (pipe(fds) < 0) { status = 1; break; }
        child = fork();
        if (child < 0) { status = 1; break; }
        if (child == 0) {
            // The only process of this probe alive during the idle spell; it moves itself.
            double t0;
            int fd;
            close(fds[0]);
            usleep((useconds_t)idle_ms * 1000);
            t0 = now_ms();
            fd = open(path, O_WRONLY | O_CLOEXEC);
            if (fd >= 0 && write(fd, "0", 1) == 1) ms = now_ms() - t0;
            if (write(fds[1], &ms, sizeof ms) != sizeof ms) _exit(1);
            _exit(0);
        }
        close(fds[1]);
        if (read(fds[0], &ms, sizeof ms) != sizeof ms || ms < 0) {
            fprintf(stderr, "write 0 to %s failed\n", path);
            status = 1;
        }
        close(fds[0]);
        waitpid(child, &st, 0);
        if (status == 0) printf("%.3f\n", ms);
    }
    // The children leave the group empty a moment after they are reaped.
    for (i = 0; i < 100 && rmdir(argv[1]) < 0 && errno == EBUSY; i++) usleep(10000);
    return status;
}
