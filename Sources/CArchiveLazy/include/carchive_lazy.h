// libarchive, loaded on first use. The functions Engine calls are defined in
// archive_lazy.c with libarchive's own prototypes (archive.h, archive_entry.h); each resolves
// its real counterpart from libarchive.so.13 the first time it runs. `corral` links no
// libarchive, so commands that never touch an image archive (run, ps, top, ...) don't pay for
// loading it and its dependencies (libxml2, ICU, libstdc++, nettle, zstd, ...) at every start.
#ifndef CARCHIVE_LAZY_H
#define CARCHIVE_LAZY_H

// 0 once libarchive is loaded (or loads now), -1 when it can't be (see carchive_load_error).
int carchive_load(void);
// dlerror()'s text for a failed load, or "" if it loaded.
const char *carchive_load_error(void);

#endif
