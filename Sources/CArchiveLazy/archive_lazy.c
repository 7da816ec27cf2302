// Lazy binding of libarchive: see include/carchive_lazy.h for why.
#include "carchive_lazy.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *library;
static char load_error[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    const char *e;
    library = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (library) return;
    e = dlerror();
    strncpy(load_error, e ? e : "dlopen libarchive.so.13 failed", sizeof load_error - 1);
}

int carchive_load(void) {
    pthread_once(&load_once, load);
    return library ? 0 : -1;
}

const char *carchive_load_error(void) {
    carchive_load();
    return load_error;
}

// Only reached after archive_read_new/archive_write_disk_new returned an archive, i.e. with
// the library loaded: a symbol missing from it means a libarchive older than its headers.
static void *resolve(const char *name) {
    void *fn = carchive_load() == 0 ? dlsym(library, name) : NULL;
    if (!fn) {
        static const char msg[] = "corral: libarchive.so.13 lacks a function corral needs\n";
        (void)!write(2, msg, sizeof msg - 1);
        abort();
    }
    return fn;
}

// One forwarding definition per libarchive function Engine calls. The pointer is cached
// after the first call (a racing first call resolves the same address twice: harmless).
#define FORWARD(ret, name, params, args)                               \
    ret name params {                                                  \
        static ret (*fn) params;                                       \
        if (!fn) fn = (ret (*) params)resolve(#name);                  \
        return fn args;                                                \
    }

// The two constructors return NULL when libarchive can't be loaded; callers already treat
// NULL as a failure.
struct archive *archive_read_new(void) {
    static struct archive *(*fn)(void);
    if (carchive_load() < 0) return NULL;
    if (!fn) fn = (struct archive *(*)(void))resolve("archive_read_new");
    return fn();
}

struct archive *archive_write_disk_new(void) {
    static struct archive *(*fn)(void);
    if (carchive_load() < 0) return NULL;
    if (!fn) fn = (struct archive *(*)(void))resolve("archive_write_disk_new");
    return fn();
}

FORWARD(int, archive_read_free, (struct archive *a), (a))
FORWARD(int, archive_read_support_format_tar, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_gzip, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_bzip2, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_xz, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_lzma, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_zstd, (struct archive *a), (a))
FORWARD(int, archive_read_open_fd, (struct archive *a, int fd, size_t block), (a, fd, block))
FORWARD(int, archive_read_next_header, (struct archive *a, struct archive_entry **e), (a, e))
FORWARD(int, archive_read_data_block, (struct archive *a, const void **b, size_t *s, la_int64_t *o), (a, b, s, o))
FORWARD(int, archive_write_disk_set_options, (struct archive *a, int flags), (a, flags))
FORWARD(int, archive_write_header, (struct archive *a, struct archive_entry *e), (a, e))
FORWARD(la_ssize_t, archive_write_data_block, (struct archive *a, const void *b, size_t s, la_int64_t o), (a, b, s, o))
FORWARD(int, archive_write_finish_entry, (struct archive *a), (a))
FORWARD(int, archive_write_close, (struct archive *a), (a))
FORWARD(int, archive_write_free, (struct archive *a), (a))
FORWARD(int, archive_errno, (struct archive *a), (a))
FORWARD(const char *, archive_error_string, (struct archive *a), (a))
FORWARD(__LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), (e))
FORWARD(__LA_MODE_T, archive_entry_perm, (struct archive_entry *e), (e))
FORWARD(const char *, archive_entry_pathname, (struct archive_entry *e), (e))
FORWARD(const char *, archive_entry_hardlink, (struct archive_entry *e), (e))
FORWARD(void, archive_entry_set_perm, (struct archive_entry *e, __LA_MODE_T m), (e, m))
FORWARD(void, archive_entry_copy_pathname, (struct archive_entry *e, const char *p), (e, p))
FORWARD(void, archive_entry_copy_hardlink, (struct archive_entry *e, const char *p), (e, p))
