// Runs as root inside a container (default capabilities) while the host joins it with
// `exec`: for MS milliseconds it scans /proc for a process whose /proc/<pid>/exe is a host
// binary (its path contains NEEDLE) and tries to open it, the first step of CVE-2019-5736.
// Prints "seen=<n> opened=<n> denied=<n>": denied counts exe links it was refused, which
// only happens for a process in the middle of joining (every container process is open to
// root in the container). Usage: exe-watch MS NEEDLE
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv) {
    long deadline;
    int seen = 0, opened = 0, denied = 0, self = getpid();
    if (argc < 3) return 2;
    deadline = now_ms() + atol(argv[1]);
    printf("watching\n");
    fflush(stdout);
    while (now_ms() < deadline) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        if (!d) return 2;
        while ((e = readdir(d))) {
            char path[64], link[4096];
            ssize_t n;
            int pid = atoi(e->d_name);
            if (pid <= 1 || pid == self) continue;
            snprintf(path, sizeof path, "/proc/%d/exe", pid);
            n = readlink(path, link, sizeof link - 1);
            if (n < 0) {
                if (errno == EACCES || errno == EPERM) denied++;
                continue;
            }
            link[n] = '\0';
            if (strstr(link, argv[2])) {
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                seen++;
                if (fd >= 0) {
                    opened++;
                    close(fd);
                }
            }
        }
        closedir(d);
    }
    printf("seen=%d opened=%d denied=%d\n", seen, opened, denied);
    return 0;
}
