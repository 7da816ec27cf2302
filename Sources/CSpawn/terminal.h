// Raw mode and window size of the caller's terminal (terminal.c).
#ifndef CSPAWN_TERMINAL_H
#define CSPAWN_TERMINAL_H

#include <termios.h>

typedef struct cs_terminal {
    struct termios saved;
    int active;              // 1 while stdin is in raw mode and must be restored
} cs_terminal;

int cs_terminal_raw(cs_terminal *t);         // no-op (0) when stdin is not a terminal
void cs_terminal_restore(cs_terminal *t);
void cs_terminal_copy_size(int pty_master);

#endif
