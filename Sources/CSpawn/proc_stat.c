// Is a container's pid 1 still the process that was recorded: its start time (a recycled pid has
// another), and a pidfd that a long-running reader polls instead of reading /proc again.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

uint64_t cspawn_process_starttime(pid_t pid) {
    char path[64] = "/proc/";
    char buf[2048];
    size_t len = 6;
    ssize_t n, got = 0;
    const char *s;
    int fd, field;

    if (pid <= 0) return 0;
    len += cs_utoa(path + len, (unsigned long)pid);
    cs_copy(path + len, sizeof path - len, "/stat");
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    while ((size_t)got < sizeof buf - 1) {
        n = read(fd, buf + got, sizeof buf - 1 - (size_t)got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += n;
    }
    close(fd);
    buf[got] = '\0';
    // comm (field 2) may hold spaces and parentheses: count fields after the LAST ')'.
    s = strrchr(buf, ')');
    if (!s) return 0;
    s++;
    // A zombie has ended: nobody may be waiting for it to reap it (an init that doesn't reap,
    // as in some sandboxes, leaves double-forked supervisors as zombies forever).
    while (*s == ' ') s++;
    if (*s == 'Z' || *s == 'X' || *s == 'x') return 0;
    // After ") " comes field 3 (state); starttime is field 22.
    for (field = 3; field < 22; field++) {
        while (*s == ' ') s++;
        if (!*s) return 0;
        while (*s && *s != ' ') s++;
    }
    while (*s == ' ') s++;
    if (*s < '0' || *s > '9') return 0;
    return strtoull(s, NULL, 10);
}

int cspawn_pidfd_open(pid_t pid) {
    if (pid <= 0) return -1;
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

// include/uapi/linux/pidfd.h of Linux 6.15; Debian 12's headers predate it.
struct cspawn_pidfd_info {
    uint64_t mask;
    uint64_t cgroupid;
    uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
    int32_t exit_code;
};
#define CSPAWN_PIDFD_INFO_EXIT (1UL << 3)
#define CSPAWN_PIDFD_GET_INFO _IOWR(0xFF, 11, struct cspawn_pidfd_info)

int cspawn_pidfd_exit_status(int pidfd, int *status) {
    struct cspawn_pidfd_info info;
    memset(&info, 0, sizeof info);
    info.mask = CSPAWN_PIDFD_INFO_EXIT;
    if (ioctl(pidfd, CSPAWN_PIDFD_GET_INFO, &info) != 0) return -1;
    if (!(info.mask & CSPAWN_PIDFD_INFO_EXIT)) return -1;
    *status = info.exit_code;
    return 0;
}

int cspawn_pidfd_keeps_exit_status(void) {
    int fd, status = -1, got;
    pid_t child = fork();
    if (child < 0) return 0;
    if (child == 0) _exit(7);
    fd = cspawn_pidfd_open(child);
    waitpid(child, NULL, 0);
    if (fd < 0) return 0;
    got = cspawn_pidfd_exit_status(fd, &status);
    close(fd);
    return got == 0 && status == (7 << 8);
}
