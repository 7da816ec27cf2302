// A new user namespace gives root inside a full capability set over it (the first step of
// most kernel exploits from containers); other namespaces need CAP_SYS_ADMIN. Tries
// unshare and clone with CLONE_NEWUSER, clone3, the 32-bit (int 0x80) and x32 entry points
// that a filter keyed on x86_64 numbers would miss, and setns/unshare of the rest.
// Usage: userns
#include "hostile.h"

#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

// In a child: a successful unshare must not change this process; the child reports what
// it got (its CapEff in the new namespace) through its exit code.
static void child_unshare(const char *label, long (*attempt)(void)) {
    pid_t pid = fork();
    int status;
    if (pid < 0) broken("fork");
    if (pid == 0) {
        long r = attempt();
        if (r < 0) {
            refused(label, errno);
            _exit(0);
        }
        escaped("%s succeeded (returned %ld)", label, r);
        _exit(1);
    }
    if (waitpid(pid, &status, 0) != pid) broken("waitpid");
    if (WIFSIGNALED(status)) {
        // int 0x80 without IA32 emulation faults: the call never ran.
        printf("ok %s: killed by signal %d before it could run\n", label, WTERMSIG(status));
    } else if (WEXITSTATUS(status) == 1) {
        hostile_escapes++;
    }
}

static long do_unshare(void) { return unshare(CLONE_NEWUSER); }
static long do_unshare_raw(void) { return syscall(SYS_unshare, CLONE_NEWUSER); }
static long do_unshare_all(void) { return unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID); }

static long do_clone_newuser(void) {
    long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (r == 0) _exit(0);
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    return r;
}

struct clone_args_v0 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static long do_clone3_newuser(void) {
    struct clone_args_v0 a;
    long r;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_NEWUSER;
    a.exit_signal = SIGCHLD;
    r = syscall(435, &a, sizeof a);
    if (r == 0) _exit(0);
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    return r;
}

#if defined(__x86_64__)
// i386 unshare is 310 (arch/x86/entry/syscalls/syscall_32.tbl).
static long do_int80_unshare(void) {
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(310L), "b"((long)CLONE_NEWUSER) : "memory");
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

// x32 numbers are the x86_64 ones with bit 30 set.
static long do_x32_unshare(void) { return syscall(0x40000000L | SYS_unshare, CLONE_NEWUSER); }
#endif

static long do_newns(void) { return unshare(CLONE_NEWNS); }
static long do_newcgroup(void) { return unshare(CLONE_NEWCGROUP); }
static long do_newnet(void) { return unshare(CLONE_NEWNET); }
static long do_newtime(void) { return unshare(CLONE_NEWTIME); }

int main(void) {
    child_unshare("unshare(CLONE_NEWUSER)", do_unshare);
    child_unshare("raw unshare syscall (CLONE_NEWUSER)", do_unshare_raw);
    child_unshare("unshare(CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID)", do_unshare_all);
    child_unshare("clone(CLONE_NEWUSER)", do_clone_newuser);
    child_unshare("clone3(CLONE_NEWUSER)", do_clone3_newuser);
#if defined(__x86_64__)
    child_unshare("int 0x80 unshare(CLONE_NEWUSER)", do_int80_unshare);
    child_unshare("x32 unshare(CLONE_NEWUSER)", do_x32_unshare);
#endif
    child_unshare("unshare(CLONE_NEWNS)", do_newns);
    child_unshare("unshare(CLONE_NEWCGROUP)", do_newcgroup);
    child_unshare("unshare(CLONE_NEWNET)", do_newnet);
    child_unshare("unshare(CLONE_NEWTIME)", do_newtime);
    return finish();
}
