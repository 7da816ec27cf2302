// Reaching host processes by pid: the test passes its own pid, which is not in the
// container's pid namespace, so every way of naming it (kill, ptrace, pidfd, process_vm,
// /proc) must fail with ESRCH. pid 1 and every pid that is visible must be the container's
// own: its root is our root, its pid namespace ours.
// Usage: ptrace_host HOST_PID
#include "hostile.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static struct stat our_root, our_pidns;

static int same(const struct stat *a, const struct stat *b) {
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

// A process we can see must live in our root and our pid namespace.
static void check_visible(const char *pid) {
    char path[128];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%s/root/", pid);
    if (stat(path, &st) == 0 && !same(&st, &our_root)) escaped("pid %s has another root", pid);
    snprintf(path, sizeof path, "/proc/%s/ns/pid", pid);
    if (stat(path, &st) == 0 && !same(&st, &our_pidns)) escaped("pid %s is in another pid namespace", pid);
}

int main(int argc, char **argv) {
    pid_t host;
    char buf[64], label[128];
    struct iovec local = {buf, sizeof buf}, remote = {(void *)0x400000, sizeof buf};
    DIR *d;
    struct dirent *e;
    long pidfd;
    int fd, seen = 0;

    if (argc < 2) broken("usage");
    host = (pid_t)atoi(argv[1]);
    if (stat("/", &our_root) != 0 || stat("/proc/self/ns/pid", &our_pidns) != 0) broken("stat");

    expect_fail("kill(host pid, 0)", kill(host, 0));
    expect_fail("ptrace(PTRACE_ATTACH, host pid)", ptrace(PTRACE_ATTACH, host, 0, 0));
    expect_fail("ptrace(PTRACE_SEIZE, host pid)", ptrace(PTRACE_SEIZE, host, 0, 0));
    expect_fail("pidfd_open(host pid)", syscall(SYS_pidfd_open, host, 0));
    expect_fail("process_vm_readv(host pid)", process_vm_readv(host, &local, 1, &remote, 1, 0));
    snprintf(label, sizeof label, "/proc/%d", (int)host);
    if (access(label, F_OK) == 0) check_visible(argv[1] );
    else refused(label, errno);

    // pid 1 is the container's init: tracing it stays inside.
    if (ptrace(PTRACE_SEIZE, 1, 0, 0) == 0) {
        check_visible("1");
        ptrace(PTRACE_DETACH, 1, 0, 0);
        printf("ok ptrace of pid 1 reaches only the container's own init\n");
    } else {
        refused("ptrace(PTRACE_SEIZE, 1)", errno);
    }
    pidfd = syscall(SYS_pidfd_open, 1, 0);
    if (pidfd >= 0) {
        for (fd = 0; fd < 64; fd++) {
            struct stat st;
            long got = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
            if (got < 0) continue;
            if (fstat((int)got, &st) == 0 && S_ISDIR(st.st_mode)) escaped("pidfd_getfd took directory fd %d from pid 1", fd);
            close((int)got);
        }
        close((int)pidfd);
        printf("ok pidfd_getfd of pid 1 found no directory\n");
    } else {
        refused("pidfd_open(1)", errno);
    }

    d = opendir("/proc");
    if (!d) broken("opendir /proc");
    while ((e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        seen++;
        check_visible(e->d_name);
    }
    closedir(d);
    printf("ok %d visible pids, all the container's own\n", seen);
    return finish();
}
