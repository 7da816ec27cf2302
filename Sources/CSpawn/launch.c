// The last steps of every container process (the init from cspawn_start and each process
// from cspawn_exec): session and terminal, stdio, fds, no_new_privs, capabilities and user,
// workdir, seccomp filter, signal dispositions, then execve with argv[0] looked up in the
// container's PATH.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static const char *path_from_env(const char *const *envp) {
    for (; *envp; envp++)
        if (strncmp(*envp, "PATH=", 5) == 0) return *envp + 5;
    return default_path;
}

// Handlers of the calling process are meaningless here, and an ignored signal would stay
// ignored across execve (the supervisor ignores SIGTERM; the container must not).
static void reset_signals(void) {
    struct sigaction sa;
    sigset_t none;
    int sig;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++) sigaction(sig, &sa, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

// execvpe would allocate; this walks PATH with a stack buffer and keeps execvp's rules: an
// EACCES on the way is reported if nothing else is found.
__attribute__((noreturn))
static void exec_program(const cs_plan *p) {
    char *const *argv = (char *const *)p->cfg->argv;
    char *const *envp = (char *const *)p->cfg->envp;
    const char *file = argv[0];
    const char *dir = path_from_env(p->cfg->envp);
    size_t flen = strlen(file);
    int saw_eacces = 0;
    char buf[4096];

    if (strchr(file, '/')) {
        execve(file, argv, envp);
        cs_child_fail(p->sock, errno, "exec", file);
    }
    for (;;) {
        const char *end = strchr(dir, ':');
        size_t dlen = end ? (size_t)(end - dir) : strlen(dir);
        if (dlen + flen + 3 <= sizeof buf) {
            size_t at = 0;
            if (dlen == 0) buf[at++] = '.';   // an empty PATH entry means the cwd
            memcpy(buf + at, dir, dlen);
            at += dlen;
            buf[at++] = '/';
            memcpy(buf + at, file, flen + 1);
            execve(buf, argv, envp);
            switch (errno) {
            case EACCES: saw_eacces = 1; break;
            case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT:
            case ELOOP: case ENAMETOOLONG: break;
            default: cs_child_fail(p->sock, errno, "exec", file);
            }
        }
        if (!end) break;
        dir = end + 1;
    }
    cs_child_fail(p->sock, saw_eacces ? EACCES : ENOENT, "exec", file);
}

void cs_launch(const cs_plan *p, int tty_slave) {
    const cspawn_config *cfg = p->cfg;
    const char *workdir = cfg->workdir && cfg->workdir[0] ? cfg->workdir : "/";
    int sock = p->sock;
    char cwd[4096];

    // Its own session: terminal signals of the caller's session don't reach it twice
    // (the caller forwards them), and a pty can become its controlling terminal.
    if (setsid() < 0) cs_child_fail(sock, errno, "setsid", "");
    if (tty_slave >= 0 && ioctl(tty_slave, TIOCSCTTY, 0) < 0)
        cs_child_fail(sock, errno, "set controlling terminal", "");
    cs_install_stdio(p, tty_slave);
    if (tty_slave > 2) close(tty_slave);
    cs_mark_fds_cloexec(sock);
    umask(022);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) cs_child_fail(sock, errno, "no_new_privs", "");
    cs_apply_identity(p);
    if (chdir(workdir) < 0) cs_child_fail(sock, errno, "chdir to workdir", workdir);
    // CVE-2024-21626: a workdir through /proc/self/fd/N (fds are only close-on-exec yet) can
    // land outside the root; the kernel's getcwd then does not start with "/".
    if (syscall(SYS_getcwd, cwd, sizeof cwd) < 0 || cwd[0] != '/')
        cs_child_fail(sock, EPERM, "workdir outside the container", workdir);
    cs_seccomp_install(p);
    reset_signals();
    exec_program(p);
}
