// Small helpers that are safe to call between clone() and execve(): no allocation, no locks.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

size_t cs_copy(char *dst, size_t cap, const char *src) {
    size_t n = 0;
    if (cap == 0) return 0;
    if (src) {
        while (src[n] && n + 1 < cap) {
            dst[n] = src[n];
            n++;
        }
    }
    dst[n] = '\0';
    return n;
}

void cs_set_error(cspawn_error *e, int err, const char *step, const char *path) {
    if (!e) return;
    e->err = err;
    cs_copy(e->step, sizeof e->step, step);
    cs_copy(e->path, sizeof e->path, path);
}

size_t cs_utoa(char *buf, unsigned long v) {
    char tmp[24];
    size_t n = 0, i;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

int cs_write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int cs_open_cgroup_files(const char *const *files, int fds[CS_MAX_CGROUP_FILES], cspawn_error *error) {
    int n = 0, err = 0;
    for (; files && files[n]; n++) {
        if (n == CS_MAX_CGROUP_FILES) {
            err = E2BIG;
            break;
        }
        fds[n] = open(files[n], O_WRONLY | O_CLOEXEC);
        if (fds[n] < 0) {
            err = errno;
            break;
        }
    }
    if (!err) return n;
    cs_set_error(error, err, "open cgroup file", files[n]);
    while (n > 0) close(fds[--n]);
    return -1;
}

int cs_enter_open_cgroups(const int *fds, int n, const char *const *files, cspawn_error *error) {
    int i, failed = -1;
    for (i = 0; i < n; i++) {
        // "0": the writer itself (see cgroup_join).
        if (failed < 0 && cs_write_all(fds[i], "0", 1) < 0) {
            cs_set_error(error, errno, "enter cgroup", files[i]);
            failed = i;
        }
        close(fds[i]);
    }
    return failed < 0 ? 0 : -1;
}

// Called by the container init and by the exec helper, each single-threaded: the process must
// be in every hierarchy before it may run user code.
int cs_enter_cgroups(const char *const *files, cspawn_error *error) {
    int fds[CS_MAX_CGROUP_FILES];
    int n = cs_open_cgroup_files(files, fds, error);
    return n < 0 ? -1 : cs_enter_open_cgroups(fds, n, files, error);
}

pid_t cs_waitpid(pid_t pid, int *status, int flags) {
    pid_t r;
    do {
        r = waitpid(pid, status, flags);
    } while (r < 0 && errno == EINTR);
    return r;
}

// Blocks every signal around clone()/fork() so no handler of the calling (Swift) process runs
// in the child before it has reset the dispositions.
void cs_block_signals(sigset_t *old) {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, old);
}

void cs_restore_signals(const sigset_t *old) {
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

static volatile sig_atomic_t noted_signal;

static void note_signal(int sig) { noted_signal = sig; }

void cspawn_note_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = note_signal;   // no SA_RESTART: a blocking read returns EINTR at once
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int cspawn_noted_signal(void) { return noted_signal; }
