// ncursesw for Swift: the wide-character API plus static-inline wrappers for the macros and
// globals Swift cannot import (getmaxyx, COLOR_PAIR, A_*, BUTTON*_*, KEY_F(n), stdscr). The
// signal handlers are in CTerminalSignals: state in a header would be copied per module.
#ifndef CORRAL_CNCURSES_SHIM_H
#define CORRAL_CNCURSES_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <ncursesw/curses.h>
#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <wchar.h>

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { int y, x; getmaxyx(stdscr, y, x); (void)x; return y; }
static inline int cn_cols(void) { int y, x; getmaxyx(stdscr, y, x); (void)y; return x; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t cn_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }

static inline int cn_key_f(int n) { return KEY_F(n); }
static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cn_key_resize(void) { return KEY_RESIZE; }
static inline int cn_key_mouse(void) { return KEY_MOUSE; }
static inline int cn_key_btab(void) { return KEY_BTAB; }

static inline mmask_t cn_mouse_all(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t cn_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cn_button1_clicked(void) {
    return BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_TRIPLE_CLICKED;
}
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t cn_button5_pressed(void) { return 0; }
#endif
static inline mmask_t cn_report_position(void) { return REPORT_MOUSE_POSITION; }

/// Button-event mouse tracking (xterm mode 1002): motion is reported while a button is held, so
/// a slider can be dragged. ncurses only asks for clicks (1000) even with REPORT_MOUSE_POSITION.
/// putp writes to stdout, not through ncurses' buffer, so call this after a doupdate has sent
/// ncurses' own 1000h (which would otherwise override it). Only for terminals whose terminfo
/// has an xterm-style mouse (kmous = ESC [ ...).
static inline void cn_mouse_drag(int on) {
    char *kmous = tigetstr("kmous");
    if (kmous == NULL || kmous == (char *)-1 || kmous[0] != '\033' || kmous[1] != '[') return;
    putp(on ? "\033[?1002h" : "\033[?1002l");
    fflush(stdout);
}

/// Bracketed paste (xterm, tmux and most terminals since): pasted text arrives between
/// ESC[200~ and ESC[201~, which curses is taught to return as two key codes of their own, so
/// that a paste is text, never keys (a pasted "K" would kill a container). Like drag reports,
/// only on terminals that speak xterm's mouse protocol.
static inline int cn_key_paste_start(void) { return KEY_MAX + 1; }
static inline int cn_key_paste_end(void) { return KEY_MAX + 2; }
static inline void cn_bracketed_paste(int on) {
    char *kmous = tigetstr("kmous");
    if (kmous == NULL || kmous == (char *)-1 || kmous[0] != '\033' || kmous[1] != '[') return;
    if (on) {
        define_key("\033[200~", KEY_MAX + 1);
        define_key("\033[201~", KEY_MAX + 2);
    }
    putp(on ? "\033[?2004h" : "\033[?2004l");
    fflush(stdout);
}

/// 1 when the terminal can move the cursor (terminfo `cup`); TERM=dumb can't, and the screen
/// would stay blank but for its last line.
static inline int cn_has_cursor_addressing(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

/// 1 when the current locale's character set is UTF-8 (call after setlocale(LC_ALL, "")).
static inline int cn_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

#endif
