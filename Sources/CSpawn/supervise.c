// cspawn_supervise: the small per-container process behind `run -d`. It holds the
// container as its child, writes its output to the capped log, reaps it, records the exit
// and then runs the on-exit command (e.g. `corral rm -f` for --rm).
#define _GNU_SOURCE
#include "internal.h"
#include "notify.h"
#include "supervisor_files.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

__attribute__((noreturn))
static void fail(int notify_fd, int err, const char *step, const char *path) {
    cspawn_error e;
    cs_set_error(&e, err, step, path);
    cs_notify_error(notify_fd, &e);
    _exit(1);
}

static void set_signals(void (*handler)(int)) {
    static const int session_signals[] = {SIGHUP, SIGINT, SIGTERM, SIGPIPE};
    struct sigaction sa;
    sigset_t none;
    size_t i;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    for (i = 0; i < sizeof session_signals / sizeof session_signals[0]; i++)
        sigaction(session_signals[i], &sa, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

// Leaves only 0-2 and the notify fd: a lock or pipe of the forking CLI must not be held
// for the container's whole life.
// Moves `fd` above stdio (it may be 0-2 in a caller without stdio).
static int above_stdio(int fd) {
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (moved < 0) return fd;
    close(fd);
    return moved;
}

// stdio onto /dev/null and every inherited fd closed but the notify socket and, when
// *keep >= 0, *keep (a prepared netns): both moved above stdio first.
static int detach_fds(int notify_fd, int *keep) {
    int devnull, lo, hi, moved = above_stdio(notify_fd);
    if (*keep >= 0) *keep = above_stdio(*keep);
    devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
        if (devnull > 2) close(devnull);
    }
    lo = *keep >= 0 && *keep < moved ? *keep : moved;
    hi = *keep > moved ? *keep : moved;
    if (lo > 3) syscall(SYS_close_range, 3U, (unsigned)lo - 1, 0);
    if (hi > lo + 1) syscall(SYS_close_range, (unsigned)lo + 1, (unsigned)hi - 1, 0);
    syscall(SYS_close_range, (unsigned)hi + 1, ~0U, 0);
    return moved;
}

static int reap(pid_t pid, int *status) {
    int st, found = 0;
    pid_t r;
    while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
        if (r == pid) {
            *status = st;
            found = 1;
        }
    }
    return found;
}

static int pump(int src, cs_log *log) {
    char buf[16384];
    for (;;) {
        ssize_t n = read(src, buf, sizeof buf);
        if (n > 0) {
            cs_log_append(log, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 1;
        return 0;   // EOF, or EIO from a pty whose slave side is gone
    }
}

// Relays until the container is reaped; its output is read to the end (by the time pid 1
// of a pid namespace can be reaped, every other process in it has exited).
static int relay_and_reap(int src, pid_t pid, cs_log *log) {
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int status = 0;
    fcntl(src, F_SETFL, fcntl(src, F_GETFL) | O_NONBLOCK);
    for (;;) {
        struct pollfd pf[2];
        int n = 0;
        if (src >= 0) pf[n++] = (struct pollfd){.fd = src, .events = POLLIN};
        if (pidfd >= 0) pf[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        if (n == 0) {   // no pidfd (old kernel) and the output is done: just wait
            int st;
            pid_t r;
            while ((r = cs_waitpid(-1, &st, 0)) > 0 && r != pid) {}
            if (r == pid) status = st;
            break;
        }
        if (poll(pf, (nfds_t)n, -1) < 0 && errno != EINTR) break;
        if (src >= 0 && !pump(src, log)) {
            close(src);
            src = -1;
        }
        if (reap(pid, &status)) break;
    }
    if (src >= 0) {
        pump(src, log);
        close(src);
    }
    if (pidfd >= 0) close(pidfd);
    return status;
}

// A decimal number at *p, then one space; *p moves past both.
static int read_number(const char **p, unsigned long *out) {
    unsigned long n = 0;
    const char *s = *p;
    if (*s < '0' || *s > '9') return 0;
    while (*s >= '0' && *s <= '9') n = n * 10 + (unsigned long)(*s++ - '0');
    if (*s == ' ') s++;
    *p = s;
    *out = n;
    return 1;
}

// A short command line (`corral start web`) has no room for the title: as setproctitle does,
// the environment strings that follow it are copied away (environ pointed at the copy; the
// on-exit command is exec'd with it) and their memory joins the line. The kernel reads a line
// whose last byte is no longer NUL on into that memory, up to the first NUL. mmap, not malloc:
// this is a child forked from a threaded process.
static unsigned long grow_into_environment(unsigned long room, unsigned long start, unsigned long end,
                                           unsigned long env_start, unsigned long env_end) {
    struct iovec local, remote;
    unsigned long size = env_end - env_start;
    char *copy, **e;
    if (env_start != end || env_end <= env_start || size > (1UL << 20)) return room;
    copy = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (copy == MAP_FAILED) return room;
    local = (struct iovec){.iov_base = copy, .iov_len = size};
    remote = (struct iovec){.iov_base = (void *)env_start, .iov_len = size};
    if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)size) {
        munmap(copy, size);
        return room;
    }
    for (e = environ; e && *e; e++) {
        unsigned long at = (unsigned long)*e;
        if (at >= env_start && at < env_end) *e = copy + (at - env_start);
    }
    return env_end - start;
}

// `ps` and `pgrep -f` show a supervisor as what it is, not as the command it was forked from
// (`corral top`, `corral run -d ...`): a `pkill -f 'corral top'` must not take the containers
// that command started with it. The kernel reports as the command line the memory between
// arg_start and arg_end (/proc/self/stat fields 48 and 49), ours in this copy of the caller.
// PR_SET_MM could move them, but needs CAP_SYS_RESOURCE, which this VM's root lacks; so the
// line is overwritten in place, through process_vm_readv/writev on ourselves: a wrong address
// fails with EFAULT instead of crashing, and the bytes found there must be the current line.
static void set_title(const char *title) {
    char stat[4096], now[256], seen[256];
    const char *p;
    unsigned long start = 0, end = 0, env_start = 0, env_end = 0, room, len;
    int fd, field;
    ssize_t n, have;
    struct iovec local, remote;

    if (!title) return;
    fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    n = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (n <= 0 || !(p = memrchr(stat, ')', (size_t)n))) return;
    stat[n] = '\0';
    // p is at the ")" that ends field 2; each space starts the next field.
    for (field = 2; *p && field < 48; p++)
        if (*p == ' ') field++;
    // By hand rather than with sscanf, whose locale and stdio machinery may hold a lock taken
    // by another thread of the process this child was forked from.
    if (!read_number(&p, &start) || !read_number(&p, &end) || !read_number(&p, &env_start) || !read_number(&p, &env_end)
        || end <= start + 1) return;
    room = end - start;

    fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    have = read(fd, now, sizeof now);
    close(fd);
    if (have <= 0) return;
    if ((unsigned long)have > room) have = (ssize_t)room;
    local = (struct iovec){.iov_base = seen, .iov_len = (size_t)have};
    remote = (struct iovec){.iov_base = (void *)start, .iov_len = (size_t)have};
    if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != have || memcmp(seen, now, (size_t)have) != 0) return;

    len = strlen(title);
    if (len + 1 > room) room = grow_into_environment(room, start, end, env_start, env_end);
    if (len > room - 1) len = room - 1;
    for (unsigned long off = 0; off < room; off += sizeof seen) {
        unsigned long chunk = room - off < sizeof seen ? room - off : sizeof seen;
        memset(seen, 0, chunk);
        if (off < len) memcpy(seen, title + off, len - off < chunk ? len - off : chunk);
        local = (struct iovec){.iov_base = seen, .iov_len = chunk};
        remote = (struct iovec){.iov_base = (void *)(start + off), .iov_len = chunk};
        if (process_vm_writev(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)chunk) return;
    }
}

void cspawn_supervise(const cspawn_config *cfg, int notify_fd) {
    char line[64];
    cspawn_config c;
    cspawn_error err;
    cs_log log;
    int pipefd[2], held_stdin[2] = {-1, -1}, master = -1, src, status, n, netns;
    pid_t pid;

    // A session of its own, ignoring the signals a closing terminal or a Ctrl-C sends to
    // it: `corral stop` signals the container, never the supervisor.
    setsid();
    set_signals(SIG_IGN);
    prctl(PR_SET_NAME, "corral-sup", 0, 0, 0);
    set_title(cfg->title);
    c = *cfg;
    netns = c.join_netns ? c.netns_fd : -1;
    notify_fd = detach_fds(notify_fd, &netns);
    c.netns_fd = netns;
    if (chdir("/") < 0) fail(notify_fd, errno, "chdir", "/");

    if (cs_log_open(&log, cfg->log_file, cfg->log_max_bytes) < 0)
        fail(notify_fd, errno, "open log", cfg->log_file);
    if (pipe2(pipefd, O_CLOEXEC) < 0) fail(notify_fd, errno, "pipe", "");
    c.stdin_fd = -1;
    // The write end stays open here, unwritten, until the supervisor ends (CLOEXEC: not into
    // the on-exit command either).
    if (cfg->hold_stdin) {
        if (pipe2(held_stdin, O_CLOEXEC) < 0) fail(notify_fd, errno, "pipe", "stdin");
        c.stdin_fd = held_stdin[0];
    }
    c.stdout_fd = pipefd[1];
    c.stderr_fd = pipefd[1];
    pid = cspawn_start(&c, &master, &err);
    close(pipefd[1]);
    if (netns >= 0) close(netns);
    if (held_stdin[0] >= 0) close(held_stdin[0]);
    if (pid < 0) {
        cs_notify_error(notify_fd, &err);
        _exit(1);
    }
    if (master >= 0) {
        close(pipefd[0]);
        src = master;
    } else {
        src = pipefd[0];
    }
    if (cfg->pid_file) {
        n = snprintf(line, sizeof line, "%d %llu\n", (int)pid,
                     (unsigned long long)cspawn_process_starttime(pid));
        if (cs_write_file_atomic(cfg->pid_file, line, (size_t)n) < 0) {
            int e = errno;
            kill(pid, SIGKILL);
            cs_waitpid(pid, NULL, 0);
            fail(notify_fd, e, "write pid file", cfg->pid_file);
        }
    }
    cs_notify_ok(notify_fd, pid);
    close(notify_fd);

    status = relay_and_reap(src, pid, &log);
    cs_log_close(&log);
    if (WIFSIGNALED(status))
        n = snprintf(line, sizeof line, "%d %d\n", 128 + WTERMSIG(status), WTERMSIG(status));
    else
        n = snprintf(line, sizeof line, "%d 0\n", WEXITSTATUS(status));
    if (cfg->exit_file) cs_write_file_atomic(cfg->exit_file, line, (size_t)n);

    if (cfg->on_exit_argv && cfg->on_exit_argv[0]) {
        set_signals(SIG_DFL);
        execve(cfg->on_exit_argv[0], (char *const *)cfg->on_exit_argv, environ);
    }
    _exit(0);
}
