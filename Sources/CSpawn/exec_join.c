// cspawn_exec: run a new process inside a running container (`corral exec`).
//
// The calling process never changes namespaces: a helper forked from it joins them, and
// clones the final process with CLONE_PARENT so that process is the caller's own child
// (waitpid works, the exit code comes back) and lives in the container's pid namespace.
//
// CVE-2019-5736: while the helper and the final process are still copies of the host
// binary, a process in the container could open /proc/<pid>/exe and write the host binary.
// Both are made non-dumpable before joining anything: without CAP_SYS_PTRACE (not in the
// default set) /proc/<pid>/exe of a non-dumpable process cannot be opened. The helper is
// never visible in the container's /proc at all (it stays in the host pid namespace).
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// Joined in this order: user first (it grants rights over the others), mnt last because
// setns(mnt) also moves root and cwd into the container. pid only affects children.
static const struct {
    const char *name;
    int type;
} kinds[] = {
    {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},  {"net", CLONE_NEWNET},
    {"pid", CLONE_NEWPID},   {"cgroup", CLONE_NEWCGROUP}, {"mnt", CLONE_NEWNS},
};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };

typedef struct joins {
    int fd[NKINDS];          // -1 when the target shares that namespace with us
    char path[NKINDS][64];
} joins;

static void close_joins(joins *j) {
    int i;
    for (i = 0; i < NKINDS; i++)
        if (j->fd[i] >= 0) close(j->fd[i]);
}

static int open_joins(pid_t target, joins *j, cspawn_error *error) {
    int i;
    for (i = 0; i < NKINDS; i++) j->fd[i] = -1;
    for (i = 0; i < NKINDS; i++) {
        char self[64] = "/proc/self/ns/";
        struct stat theirs, ours;
        size_t len = 6;
        cs_copy(j->path[i], sizeof j->path[i], "/proc/");
        len += cs_utoa(j->path[i] + len, (unsigned long)target);
        len += cs_copy(j->path[i] + len, sizeof j->path[i] - len, "/ns/");
        cs_copy(j->path[i] + len, sizeof j->path[i] - len, kinds[i].name);
        cs_copy(self + 14, sizeof self - 14, kinds[i].name);
        j->fd[i] = open(j->path[i], O_RDONLY | O_CLOEXEC);
        if (j->fd[i] < 0) {
            // A kernel without this namespace type has it for nobody: nothing to join.
            if (errno == ENOENT && stat(self, &ours) < 0) continue;
            cs_set_error(error, errno, "open namespace", j->path[i]);
            goto fail;
        }
        if (fstat(j->fd[i], &theirs) < 0) {
            cs_set_error(error, errno, "stat namespace", j->path[i]);
            goto fail;
        }
        if (stat(self, &ours) == 0 && ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev) {
            close(j->fd[i]);
            j->fd[i] = -1;
        }
    }
    return 0;
fail:
    close_joins(j);
    return -1;
}

__attribute__((noreturn))
static void run_helper(cs_plan *p, joins *j) {
    cspawn_error e;
    long pid;
    int i;
    close(p->peer);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) cs_child_fail(p->sock, errno, "set non-dumpable", "");
    if (cs_enter_cgroups(p->cfg->cgroup_join, &e) < 0)
        cs_child_fail(p->sock, e.err, e.step, e.path);
    for (i = 0; i < NKINDS; i++) {
        if (j->fd[i] < 0) continue;
        if (setns(j->fd[i], kinds[i].type) < 0) cs_child_fail(p->sock, errno, "setns", j->path[i]);
        close(j->fd[i]);
    }
    pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
    if (pid < 0) cs_child_fail(p->sock, errno, "clone", "");
    if (pid == 0) cs_launch(p, p->cfg->tty ? cs_open_pty(p, 0) : -1);
    if (cs_send_pid(p->sock, (pid_t)pid) < 0) {
        kill((pid_t)pid, SIGKILL);
        _exit(127);
    }
    _exit(0);
}

pid_t cspawn_exec(pid_t target_pid, const cspawn_config *cfg, int *pty_master, cspawn_error *error) {
    cspawn_error scratch;
    cs_plan plan;
    cs_result r;
    joins j;
    sigset_t old;
    int sv[2], err;
    long helper;

    if (!error) error = &scratch;
    memset(error, 0, sizeof *error);
    if (pty_master) *pty_master = -1;
    if (target_pid <= 0) {
        cs_set_error(error, ESRCH, "no container process", "");
        return -1;
    }
    if (cs_plan_prepare(&plan, cfg, error) < 0) return -1;
    if (cfg->tty && !pty_master) {
        cs_set_error(error, EINVAL, "tty without a place for the pty master", "");
        cs_plan_release(&plan);
        return -1;
    }
    if (open_joins(target_pid, &j, error) < 0) {
        cs_plan_release(&plan);
        return -1;
    }
    if (cs_socketpair(sv, error) < 0) {
        close_joins(&j);
        cs_plan_release(&plan);
        return -1;
    }
    plan.peer = sv[0];
    plan.sock = sv[1];

    // A raw clone, like fork() minus the atfork handlers of the calling (Swift) process.
    cs_block_signals(&old);
    helper = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
    if (helper == 0) run_helper(&plan, &j);
    err = errno;
    cs_restore_signals(&old);
    close(sv[1]);
    close_joins(&j);
    if (helper < 0) {
        cs_set_error(error, err, "clone", "");
        close(sv[0]);
        cs_plan_release(&plan);
        return -1;
    }

    if (cs_collect(sv[0], &r, error) < 0) r.failed = 2;
    close(sv[0]);
    cs_plan_release(&plan);
    cs_waitpid((pid_t)helper, NULL, 0);
    if (r.failed == 1) *error = r.error;
    else if (r.failed) { /* cs_collect filled *error */ }
    else if (r.pid <= 0) cs_set_error(error, EPROTO, "exec helper died", "");
    else if (cfg->tty && r.master < 0) cs_set_error(error, EPROTO, "receive pty master", "");
    else {
        if (pty_master) *pty_master = r.master;
        else if (r.master >= 0) close(r.master);
        return r.pid;
    }
    if (r.pid > 0) {
        kill(r.pid, SIGKILL);
        cs_waitpid(r.pid, NULL, 0);
    }
    if (r.master >= 0) close(r.master);
    return -1;
}
