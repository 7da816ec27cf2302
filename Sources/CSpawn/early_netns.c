// `corral run` starts making its network namespace from the program's first constructor.
//
// Before main runs, the dynamic loader relocates the 30 MB binary and the Swift runtime and
// its libraries initialise (~1.3 ms here). The namespace takes ~0.6 ms of kernel work on the
// other CPU, and longer right after another start, whose namespace the kernel is still tearing
// down; begun after the arguments were parsed, the start waited for it (~0.3 ms at the median
// of back-to-back runs). Begun here, it is made while the runtime starts. The Swift side
// decides whether it is used (SpareNetns.adoptingEarlyStart): the scan below only avoids
// making one for a command line that plainly won't want it.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

static pthread_t early_thread;
static int32_t early_result = -EAGAIN;
static int early_started;

static int option_value_is_host(const char *arg, const char *next) {
    static const char *const names[] = {"--net", "--network"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(arg, names[i], n) != 0) continue;
        if (arg[n] == '=') return strcmp(arg + n + 1, "host") == 0;
        if (arg[n] == 0) return next != NULL && strcmp(next, "host") == 0;
    }
    return 0;
}

int cspawn_early_netns_wanted(int argc, char *const argv[]) {
    int i = 1;
    // The global options corral takes before its verb, each with a value.
    while (i < argc && (strcmp(argv[i], "--root") == 0 || strcmp(argv[i], "--cgroup-parent") == 0
                        || strncmp(argv[i], "--root=", 7) == 0 || strncmp(argv[i], "--cgroup-parent=", 16) == 0))
        i += strchr(argv[i], '=') ? 1 : 2;
    if (i >= argc || strcmp(argv[i], "run") != 0) return 0;
    for (i++; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (option_value_is_host(argv[i], i + 1 < argc ? argv[i + 1] : NULL)) return 0;
    return 1;
}

// glibc passes a program's own constructors its argc and argv. Priority 101: in the static
// release binary, before the Swift runtime's and the libraries' constructors, which take most
// of the time it overlaps (linked as shared libraries, theirs run first).
__attribute__((constructor(101))) static void start_early_netns(int argc, char **argv, char **envp) {
    (void)envp;
    if (argv == NULL || !cspawn_early_netns_wanted(argc, argv)) return;
    if (cspawn_start_netns_thread(&early_thread, &early_result) == 0) early_started = 1;
}

int32_t *cspawn_claim_early_netns(pthread_t *thread) {
    if (!early_started) return NULL;
    early_started = 0;
    *thread = early_thread;
    return &early_result;
}
