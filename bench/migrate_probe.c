// How long one write of a pid into a cgroup.procs file takes after the cgroup core has been
// idle for a while: the step every runtime that places a container into a cgroup pays (runc,
// corral), and bwrap and unshare don't. Without the `favordynmods` cgroup mount option the
// kernel takes cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period
// (several ms at HZ=250); with it (kernel >= 6.18: per-threadgroup lock) the write is cheap.
// Usage: migrate_probe <cgroup dir to create> <samples> <idle ms between samples>
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
    char procs[4096], pid[32];
    int samples, idle_ms, i, status = 0;

    if (argc != 4) {
        fprintf(stderr, "usage: %s <new cgroup dir> <samples> <idle ms>\n", argv[0]);
        return 2;
    }
    samples = atoi(argv[2]);
    idle_ms = atoi(argv[3]);
    if (mkdir(argv[1], 0755) < 0) {
        fprintf(stderr, "mkdir %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    snprintf(procs, sizeof procs, "%s/cgroup.procs", argv[1]);
    for (i = 0; i < samples && status == 0; i++) {
        pid_t child = fork();
        double t0, t1;
        int fd, n;
        if (child < 0) { status = 1; break; }
        if (child == 0) {
            pause();
            _exit(0);
        }
        usleep((useconds_t)idle_ms * 1000);
        n = snprintf(pid, sizeof pid, "%d", (int)child);
        t0 = now_ms();
        fd = open(procs, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, pid, (size_t)n) != n) {
            fprintf(stderr, "write %s: %s\n", procs, strerror(errno));
            status = 1;
        }
        t1 = now_ms();
        if (fd >= 0) close(fd);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        if (status == 0) printf("%.3f\n", t1 - t0);
    }
    // The killed children leave the group empty a moment after they are reaped.
    for (i = 0; i < 100 && rmdir(argv[1]) < 0 && errno == EBUSY; i++) usleep(10000);
    return status;
}
