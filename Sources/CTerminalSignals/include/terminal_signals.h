// The TUI's signal handlers: SIGINT/SIGTERM/SIGHUP noted for the key loop, crash signals
// turned into "restore the terminal, then die of the same signal".
#ifndef CORRAL_TERMINAL_SIGNALS_H
#define CORRAL_TERMINAL_SIGNALS_H

/// SIGINT/SIGTERM/SIGHUP only set a flag: the key loop sees it within one timeout, leaves
/// curses normally, and the caller still runs its clean-up (e.g. `corral demo` removing what it
/// started). Crash signals restore the terminal and re-raise. The previous actions are saved.
void cts_install_signal_handlers(void);

/// Puts back the actions that were in place before cts_install_signal_handlers.
void cts_restore_signal_handlers(void);

/// The quit signal received since the last call (0 if none), clearing it.
int cts_take_quit_signal(void);

#endif
