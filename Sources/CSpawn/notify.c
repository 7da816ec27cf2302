// The one line a supervisor sends back to whoever forked it:
//   "ok <pid>\n"  or  "error <errno> <step>\t<path>\n"
// (steps contain spaces, so a tab separates step from path).
#define _GNU_SOURCE
#include "internal.h"
#include "notify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cs_notify_ok(int fd, pid_t pid) {
    char line[32];
    int n = snprintf(line, sizeof line, "ok %d\n", (int)pid);
    cs_write_all(fd, line, (size_t)n);
}

void cs_notify_error(int fd, const cspawn_error *e) {
    char line[sizeof e->step + sizeof e->path + 32];
    int n = snprintf(line, sizeof line, "error %d %s\t%s\n", e->err, e->step, e->path);
    cs_write_all(fd, line, (size_t)n);
}

int cspawn_read_notify(int fd, pid_t *pid, cspawn_error *error) {
    char line[sizeof error->step + sizeof error->path + 32];
    size_t len = 0;
    char *end, *tab;
    long v;
    memset(error, 0, sizeof *error);
    *pid = -1;
    while (len < sizeof line - 1) {
        ssize_t n = read(fd, line + len, sizeof line - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
        if (memchr(line, '\n', len)) break;
    }
    line[len] = '\0';
    if ((end = strchr(line, '\n'))) *end = '\0';
    if (strncmp(line, "ok ", 3) == 0) {
        v = strtol(line + 3, &end, 10);
        if (v > 0 && *end == '\0') {
            *pid = (pid_t)v;
            return 0;
        }
    } else if (strncmp(line, "error ", 6) == 0) {
        v = strtol(line + 6, &end, 10);
        if (*end == ' ') {
            tab = strchr(end + 1, '\t');
            if (tab) *tab = '\0';
            cs_set_error(error, (int)v, end + 1, tab ? tab + 1 : "");
            return -1;
        }
    }
    cs_set_error(error, EPROTO, "supervisor exited without reporting", "");
    return -1;
}
