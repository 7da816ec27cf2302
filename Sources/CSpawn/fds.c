// File descriptors of a container process: its stdio, and nothing else once it execs
// (an inherited host fd is a way out of the rootfs, see CVE-2024-21626).
#define _GNU_SOURCE
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

// Copies the sources above 2 first, so that installing one cannot overwrite another that
// happens to sit on 0, 1 or 2 already.
void cs_install_stdio(const cs_plan *p, int tty_slave) {
    int copy[3], i;
    for (i = 0; i < 3; i++) {
        int src = tty_slave >= 0 ? tty_slave : p->stdio[i];
        copy[i] = fcntl(src, F_DUPFD_CLOEXEC, 3);
        if (copy[i] < 0) cs_child_fail(p->sock, errno, "dup stdio", "");
    }
    for (i = 0; i < 3; i++) {
        if (dup2(copy[i], i) < 0) cs_child_fail(p->sock, errno, "dup2 stdio", "");
        close(copy[i]);
    }
}

// Fallback for kernels without CLOSE_RANGE_CLOEXEC: walk /proc/self/fd with getdents64 and a
// stack buffer (opendir would allocate).
static void cloexec_by_listing(int sock) {
    char buf[4096];
    int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) cs_child_fail(sock, errno, "open", "/proc/self/fd");
    for (;;) {
        long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
        long off = 0;
        if (n < 0) cs_child_fail(sock, errno, "getdents64", "/proc/self/fd");
        if (n == 0) break;
        while (off < n) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            const char *s = d->d_name;
            int fd = 0;
            off += d->d_reclen;
            if (*s < '0' || *s > '9') continue;
            while (*s >= '0' && *s <= '9') fd = fd * 10 + (*s++ - '0');
            if (fd > 2 && fd != dir && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
                cs_child_fail(sock, errno, "mark fd close-on-exec", "");
        }
    }
    close(dir);
}

// Marks rather than closes: the report socket must stay open until execve succeeds, and
// execve then closes every one of them.
void cs_mark_fds_cloexec(int sock) {
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    if (errno != ENOSYS && errno != EINVAL) cs_child_fail(sock, errno, "close_range", "");
    cloexec_by_listing(sock);
}
