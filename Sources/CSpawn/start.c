// cspawn_start: clone the container init into new namespaces and learn over the report socket
// whether it reached execve.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

// The child's stack. CLONE_VFORK keeps the parent in clone() until the child has exec'd or
// exited, so it is unmapped only once nothing runs on it.
enum { CHILD_STACK = 256 * 1024 };

static pid_t fail_child(pid_t pid, cs_plan *plan, int sock, int master) {
    if (pid > 0) {
        kill(pid, SIGKILL);
        cs_waitpid(pid, NULL, 0);
    }
    if (master >= 0) close(master);
    if (sock >= 0) close(sock);
    cs_plan_release(plan);
    return -1;
}

pid_t cspawn_start(const cspawn_config *cfg, int *pty_master, cspawn_error *error) {
    cspawn_error scratch;
    cs_plan plan;
    cs_result r;
    sigset_t old;
    void *stack;
    int sv[2], flags, err;
    pid_t pid;

    if (!error) error = &scratch;
    memset(error, 0, sizeof *error);
    if (pty_master) *pty_master = -1;
    if (cs_plan_prepare(&plan, cfg, error) < 0) return -1;
    if (cfg->tty && !pty_master) {
        cs_set_error(error, EINVAL, "tty without a place for the pty master", "");
        return fail_child(-1, &plan, -1, -1);
    }
    if (cs_socketpair(sv, error) < 0) return fail_child(-1, &plan, -1, -1);
    plan.peer = sv[0];
    plan.sock = sv[1];

    stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        cs_set_error(error, errno, "mmap", "child stack");
        close(sv[1]);
        return fail_child(-1, &plan, sv[0], -1);
    }
    // CLONE_VM | CLONE_VFORK, as posix_spawn does: the init runs in this address space until
    // execve instead of a copy of it, which saves copying the caller's page tables, the
    // copy-on-write faults after it, and tearing the copy down again at execve. The child side
    // only makes system calls on memory prepared before the clone (internal.h), uses raw
    // syscalls where glibc would act for the whole process (caps.c), and its fd table, signal
    // handlers and cwd are its own (no CLONE_FILES, CLONE_SIGHAND, CLONE_FS).
    flags = CLONE_VM | CLONE_VFORK | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | SIGCHLD;
    if (!cfg->share_host_net && !cfg->join_netns && !cfg->netns_at_gate) flags |= CLONE_NEWNET;

    cs_block_signals(&old);
    pid = clone(cs_container_init, (char *)stack + CHILD_STACK, flags, &plan);
    err = errno;
    cs_restore_signals(&old);
    munmap(stack, CHILD_STACK);
    close(sv[1]);
    if (pid < 0) {
        cs_set_error(error, err, "clone", "");
        return fail_child(-1, &plan, sv[0], -1);
    }

    if (cs_collect(sv[0], &r, error) < 0) return fail_child(pid, &plan, sv[0], r.master);
    if (r.failed) {
        *error = r.error;
        return fail_child(pid, &plan, sv[0], r.master);
    }
    if (cfg->tty && r.master < 0) {
        cs_set_error(error, EPROTO, "receive pty master", "");
        return fail_child(pid, &plan, sv[0], -1);
    }
    close(sv[0]);
    cs_plan_release(&plan);
    if (pty_master) *pty_master = r.master;
    return pid;
}
