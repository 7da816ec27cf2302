// cspawn_wait_foreground: the caller of a foreground container waits for it, passes its
// signals on, and with a pty relays the terminal both ways.
//
// Signal handlers only write the signal number into a self-pipe; one poll() loop then
// forwards, relays and notices the exit (through a pidfd, or a short poll timeout on
// kernels without one). Handlers rather than signalfd because in a multithreaded caller a
// signal may land on any thread that does not block it.
#define _GNU_SOURCE
#include "internal.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// Once the reader of our output is gone, how long the container has to end by itself before
// it is killed. A writer in a shell pipeline dies of SIGPIPE at its next write; a container's
// pid 1 can't (the kernel keeps default-action signals from a namespace's init), so a shell
// loop there would write into the void for ever. With a pty the hang-up makes its writes fail
// quietly and the grace is 2 s; without one the container writes into the broken pipe itself
// and its stderr is still the user's terminal, where a shell loop prints "write error" half a
// million times a second: it is killed at once, as the host's SIGPIPE would have killed it.
enum { READER_GONE_GRACE_MS = 2000 };

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
enum { NFORWARDED = sizeof forwarded / sizeof forwarded[0] };

static volatile int signal_pipe = -1;

static void on_signal(int sig) {
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (signal_pipe >= 0) (void)!write(signal_pipe, &b, 1);
    errno = saved;
}

typedef struct relay {
    int master;              // -1 without pty, or once the slave side is gone
    int stdin_open;
    int stdout_open;
    long long reader_gone_ms; // when the reader of our stdout went away; 0 while it is there
    int grace_ms;            // from then until the kill
    char in[4096];           // read from stdin, not yet written to the pty
    size_t in_len, in_off;
} relay;

static long long monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void note_reader_gone(relay *r) {
    if (!r->reader_gone_ms) r->reader_gone_ms = monotonic_ms();
}

// Whoever read our stdout is gone (`corral run -t ... | head -1`): hang up the container's
// terminal, as a closed terminal window would, so its writes fail with EIO and a program that
// only writes (`yes`) ends instead of running on with its output thrown away; what is still
// running READER_GONE_GRACE_MS later is killed. The master's fd number stays open (on
// /dev/null) because the caller closes it afterwards.
static void hang_up(relay *r) {
    int null;
    r->stdout_open = 0;
    note_reader_gone(r);
    if (r->master < 0) return;
    null = open("/dev/null", O_RDWR | O_CLOEXEC);
    // Closes the master (the slave side sees the hangup) while its number stays open on
    // something harmless; without /dev/null, on our own (broken) stdout.
    dup2(null >= 0 ? null : STDOUT_FILENO, r->master);
    if (null >= 0) close(null);
    r->master = -1;
}

// stdout may be non-blocking (shared with other processes): wait for room instead of
// dropping output.
static void write_out(relay *r, const char *buf, size_t n) {
    while (r->stdout_open && n > 0) {
        ssize_t w = write(STDOUT_FILENO, buf, n);
        if (w > 0) {
            buf += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EAGAIN) {
            struct pollfd pf = {.fd = STDOUT_FILENO, .events = POLLOUT};
            poll(&pf, 1, 1000);
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (errno == EPIPE) {
            hang_up(r);
        } else {
            r->stdout_open = 0;   // a full disk or I/O error on a file: drain the pty, discard
        }
    }
}

static void pump_master(relay *r) {
    char buf[8192];
    for (;;) {
        ssize_t n = read(r->master, buf, sizeof buf);
        if (n > 0) {
            write_out(r, buf, (size_t)n);
            if (r->master < 0) return;   // hung up: the reader is gone
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        // EIO: every slave fd is closed, the container side is gone.
        r->master = -1;
        return;
    }
}

static void pump_stdin(relay *r) {
    ssize_t n = read(STDIN_FILENO, r->in, sizeof r->in);
    if (n > 0) {
        r->in_len = (size_t)n;
        r->in_off = 0;
    } else if (n == 0 || errno != EINTR) {
        // End of a non-terminal stdin: pass it on as the EOF character (^D), as a terminal
        // would, so a shell reading from the pty ends too.
        r->stdin_open = 0;
        r->in[0] = 4;
        r->in_len = 1;
        r->in_off = 0;
    }
}

static void pump_to_master(relay *r) {
    ssize_t n = write(r->master, r->in + r->in_off, r->in_len - r->in_off);
    if (n > 0) r->in_off += (size_t)n;
    else if (n < 0 && errno != EAGAIN && errno != EINTR) r->in_off = r->in_len;
    if (r->in_off >= r->in_len) r->in_len = r->in_off = 0;
}

// A hung-up terminal polls as POLLHUP (the kernel swaps in its hung-up file operations;
// isatty can't tell, its ioctl fails with EIO then).
static int terminal_gone(void) {
    int fd;
    for (fd = STDIN_FILENO; fd <= STDOUT_FILENO; fd++) {
        struct stat st;
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && poll(&pf, 1, 0) > 0 && (pf.revents & POLLHUP)) return 1;
    }
    return 0;
}

static void handle_signals(int rd, pid_t pid, relay *r) {
    unsigned char sigs[64];
    ssize_t n, i;
    while ((n = read(rd, sigs, sizeof sigs)) > 0) {
        for (i = 0; i < n; i++) {
            if (sigs[i] == SIGWINCH && r->master >= 0) {
                cs_terminal_copy_size(r->master);
                continue;
            }
            kill(pid, sigs[i]);
            // A SIGHUP because our terminal is gone (its window closed), not one sent to
            // reload a daemon: nobody reads us any more, and a pid 1 without a SIGHUP handler
            // never sees the one passed on.
            if (sigs[i] == SIGHUP && terminal_gone()) hang_up(r);
        }
    }
}

int cspawn_wait_foreground(pid_t pid, int pty_master) {
    struct sigaction sa, old[NFORWARDED], old_pipe;
    sigset_t set, old_mask;
    cs_terminal term = {.active = 0};
    relay r = {.master = pty_master, .stdin_open = pty_master >= 0, .stdout_open = 1, .grace_ms = READER_GONE_GRACE_MS};
    int sp[2], pidfd, status = -1, i, killed = 0;
    struct stat out;
    // A pipe tells when its reader has gone (POLLERR on the write end) even if nothing is
    // written; a terminal or a file has no reader to lose.
    int watch_stdout = fstat(STDOUT_FILENO, &out) == 0 && S_ISFIFO(out.st_mode);

    if (pipe2(sp, O_CLOEXEC | O_NONBLOCK) < 0) {
        // Without the self-pipe nothing can be forwarded; still return the exit status.
        return cs_waitpid(pid, &status, 0) == pid ? status : -1;
    }
    signal_pipe = sp[1];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    sigemptyset(&set);
    for (i = 0; i < NFORWARDED; i++) {
        sigaction(forwarded[i], &sa, &old[i]);
        sigaddset(&set, forwarded[i]);
    }
    pthread_sigmask(SIG_UNBLOCK, &set, &old_mask);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old_pipe);

    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (r.master >= 0) {
        cs_terminal_raw(&term);
        cs_terminal_copy_size(r.master);
        fcntl(r.master, F_SETFL, fcntl(r.master, F_GETFL) | O_NONBLOCK);
    }

    for (;;) {
        struct pollfd pf[5];
        int n = 0, at_sig, at_master = -1, at_stdin = -1, at_stdout = -1, timeout = pidfd >= 0 ? -1 : 100;
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) {
            status = -1;
            break;
        }
        at_sig = n;
        pf[n++] = (struct pollfd){.fd = sp[0], .events = POLLIN};
        if (pidfd >= 0) pf[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        if (r.master >= 0) {
            at_master = n;
            pf[n++] = (struct pollfd){.fd = r.master, .events = (short)(POLLIN | (r.in_len ? POLLOUT : 0))};
        }
        if (r.master >= 0 && r.stdin_open && !r.in_len) {
            at_stdin = n;
            pf[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        }
        if (watch_stdout && !r.reader_gone_ms) {
            at_stdout = n;
            pf[n++] = (struct pollfd){.fd = STDOUT_FILENO, .events = 0};
        }
        if (r.reader_gone_ms && !killed) {
            long long left = r.reader_gone_ms + r.grace_ms - monotonic_ms();
            if (left <= 0) {
                // For run, pid 1 of the namespace (the rest dies with it); for exec, the
                // command and its process group (it is a session leader).
                kill(pid, SIGKILL);
                kill(-pid, SIGKILL);
                killed = 1;
                continue;
            }
            if (timeout < 0 || left < timeout) timeout = (int)left;
        }
        if (poll(pf, (nfds_t)n, timeout) < 0) continue;
        if (at_stdout >= 0 && (pf[at_stdout].revents & POLLERR)) {
            if (r.master < 0) r.grace_ms = 0;
            hang_up(&r);
        }
        if (pf[at_sig].revents) handle_signals(sp[0], pid, &r);
        if (at_master >= 0 && (pf[at_master].revents & (POLLIN | POLLHUP | POLLERR))) pump_master(&r);
        if (at_master >= 0 && r.master >= 0 && (pf[at_master].revents & POLLOUT)) pump_to_master(&r);
        if (at_stdin >= 0 && (pf[at_stdin].revents & (POLLIN | POLLHUP | POLLERR))) pump_stdin(&r);
    }
    // The pty may still hold the last output of the container.
    if (r.master >= 0) pump_master(&r);

    cs_terminal_restore(&term);
    sigaction(SIGPIPE, &old_pipe, NULL);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    for (i = 0; i < NFORWARDED; i++) sigaction(forwarded[i], &old[i], NULL);
    signal_pipe = -1;
    close(sp[0]);
    close(sp[1]);
    if (pidfd >= 0) close(pidfd);
    return status;
}
