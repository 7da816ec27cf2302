// In a .c file of its own, not a header: the flag the handler sets and the loop reads must be
// one object. As a static in a header's inline function, the release build emitted two copies
// (one per Swift module that inlined it) and Ctrl-C set the one nobody read.
#define _GNU_SOURCE
#include "terminal_signals.h"

#include <ncursesw/curses.h>
#include <signal.h>
#include <string.h>

#define HANDLED_SIGNAL_COUNT 9
#define QUIT_SIGNAL_COUNT 3

static const int handled_signals[HANDLED_SIGNAL_COUNT] = {
    SIGINT, SIGTERM, SIGHUP,                            // quit: set a flag
    SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP,  // crash: restore the terminal, re-raise
};

// A signal handler may only touch a volatile sig_atomic_t.
static volatile sig_atomic_t quit_signal;
static int saved_valid;
static struct sigaction saved[HANDLED_SIGNAL_COUNT];

static void on_quit_signal(int sig) { quit_signal = sig; }

// On a crash, give the terminal back first, then die of the same signal (core dump and exit
// status intact). endwin is not async-signal-safe, but the process is dying anyway; htop does
// the same. Swift traps (array bounds, force unwrap, fatalError) arrive as SIGILL or SIGTRAP.
static void on_crash_signal(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

void cts_install_signal_handlers(void) {
    quit_signal = 0;
    for (int i = 0; i < HANDLED_SIGNAL_COUNT; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        if (i < QUIT_SIGNAL_COUNT) {
            sa.sa_handler = on_quit_signal;
        } else {
            sa.sa_handler = on_crash_signal;
            sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        }
        sigaction(handled_signals[i], &sa, &saved[i]);
    }
    saved_valid = 1;
}

void cts_restore_signal_handlers(void) {
    if (!saved_valid) return;
    for (int i = 0; i < HANDLED_SIGNAL_COUNT; i++) sigaction(handled_signals[i], &saved[i], NULL);
    saved_valid = 0;
}

int cts_take_quit_signal(void) {
    int sig = quit_signal;
    quit_signal = 0;
    return sig;
}
