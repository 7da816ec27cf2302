// The log of a detached container, capped so a chatty container cannot fill the disk:
// past max bytes the file is replaced by its newest half (from a line start when there is
// one), written to a temp file and renamed over the log. A follower (`logs -f`) must
// therefore reopen the file when it is replaced, like `tail -F`.
#define _GNU_SOURCE
#include "internal.h"
#include "supervisor_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cs_log_open(cs_log *log, const char *path, int64_t max_bytes) {
    struct stat st;
    log->path = path;
    log->fd = -1;
    log->size = 0;
    log->max = max_bytes;
    if (!path) return 0;
    log->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log->fd < 0) return -1;
    if (fstat(log->fd, &st) == 0) log->size = st.st_size;
    return 0;
}

int64_t cspawn_log_kept_from(int fd, int64_t size, int64_t max) {
    char buf[65536];
    int64_t from = size - max / 2;
    ssize_t n;
    if (from < 0) from = 0;
    n = pread(fd, buf, sizeof buf, from);
    if (n > 0) {
        char *nl = memchr(buf, '\n', (size_t)n);
        if (nl && nl + 1 < buf + n) from += nl + 1 - buf;   // start at a whole line
    }
    return from;
}

// Copies [from, size) of the current log into a new file and renames it over the log.
static void trim(cs_log *log) {
    char tmp[PATH_MAX], buf[65536];
    int64_t from, copied = 0;
    ssize_t n;
    int in, out;
    if (snprintf(tmp, sizeof tmp, "%s.trim", log->path) >= (int)sizeof tmp) return;
    in = open(log->path, O_RDONLY | O_CLOEXEC);
    if (in < 0) return;
    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (out < 0) {
        close(in);
        return;
    }
    from = cspawn_log_kept_from(in, log->size, log->max);
    while ((n = pread(in, buf, sizeof buf, from + copied)) > 0) {
        if (cs_write_all(out, buf, (size_t)n) < 0) break;
        copied += n;
    }
    close(in);
    if (n != 0 || close(out) < 0 || rename(tmp, log->path) < 0) {
        if (n != 0) close(out);
        unlink(tmp);
        return;
    }
    close(log->fd);
    log->fd = open(log->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    log->size = copied;
}

void cs_log_append(cs_log *log, const char *buf, size_t n) {
    if (log->fd < 0) return;
    // Trimmed before a write that would pass max, not after: the file never exceeds max,
    // not even while a trim copies it.
    if (log->max > 0 && log->size + (int64_t)n > log->max && log->size > log->max / 2) trim(log);
    if (cs_write_all(log->fd, buf, n) < 0) return;   // a full disk drops output, not the container
    log->size += (int64_t)n;
    // Only a single write larger than half of max gets here (tiny caps).
    if (log->max > 0 && log->size > log->max) trim(log);
}

void cs_log_close(cs_log *log) {
    if (log->fd >= 0) close(log->fd);
    log->fd = -1;
}
