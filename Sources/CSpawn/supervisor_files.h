// Files the supervisor keeps: the capped log (log_file.c) and small state files replaced
// atomically (atomic_file.c).
#ifndef CSPAWN_SUPERVISOR_FILES_H
#define CSPAWN_SUPERVISOR_FILES_H

#include <stddef.h>
#include <stdint.h>

typedef struct cs_log {
    const char *path;        // NULL: output is read and dropped
    int fd;
    int64_t size;
    int64_t max;             // <= 0: no cap
} cs_log;

int cs_log_open(cs_log *log, const char *path, int64_t max_bytes);
void cs_log_append(cs_log *log, const char *buf, size_t n);
void cs_log_close(cs_log *log);

// Writes data to path + ".tmp" and renames it over path: readers see the old file or the
// whole new one, never a half-written line.
int cs_write_file_atomic(const char *path, const char *data, size_t n);

#endif
