// The caller's terminal during an interactive (pty) run: raw mode so every key, Ctrl-C
// included, goes to the container's pty, and the window size copied onto the pty.
#define _GNU_SOURCE
#include "terminal.h"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int cs_terminal_raw(cs_terminal *t) {
    struct termios raw;
    t->active = 0;
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t->saved) < 0) return 0;
    raw = t->saved;
    cfmakeraw(&raw);
    if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) < 0) return -1;
    t->active = 1;
    return 0;
}

void cs_terminal_restore(cs_terminal *t) {
    if (t->active) tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
    t->active = 0;
}

// Setting the size on the master makes the kernel send SIGWINCH to the container's
// foreground process group, so full-screen programs redraw.
void cs_terminal_copy_size(int pty_master) {
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0) return;
    ioctl(pty_master, TIOCSWINSZ, &ws);
}
