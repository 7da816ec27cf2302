// Calls the system calls the container's seccomp filter refuses (and one it must allow)
// and prints "<name> <errno name>" for each, "ok" for success.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *name, long r) {
    if (r >= 0) printf("%s ok\n", name);
    else printf("%s %s\n", name, errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS" : strerror(errno));
}

int main(void) {
    struct clone_args args;
    long r;
    report("unshare-user", unshare(CLONE_NEWUSER));
    r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, NULL, NULL, 0);
    if (r == 0) _exit(0);
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    report("clone-user", r);
    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    r = syscall(SYS_clone3, &args, sizeof args);
    if (r == 0) _exit(0);
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    report("clone3", r);
    report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0));
    report("add_key", syscall(SYS_add_key, "user", "corral-test", "x", 1, KEY_SPEC_PROCESS_KEYRING));
    r = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
    if (r == 0) _exit(0);
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    report("clone-plain", r);
    report("unshare-uts", unshare(CLONE_NEWUTS));
    return 0;
}
