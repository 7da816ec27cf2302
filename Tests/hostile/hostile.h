// Shared by the hostile programs: each runs as root inside a default container, tries one
// way out, and prints one line per attempt:
//   "ok <attempt>: <why it failed>"        the container held
//   "ESCAPE <attempt>: <what it reached>"  it did not
// and exits 0 when every attempt failed, 1 on any escape, 2 when it could not even try.
// The Swift tests assert on both the exit code and the lines, and check the host from outside.
#ifndef HOSTILE_H
#define HOSTILE_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hostile_escapes;

__attribute__((format(printf, 1, 2)))
__attribute__((unused)) static void escaped(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("ESCAPE ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
    hostile_escapes++;
}

// `what` failed with `err`: the container held.
__attribute__((unused)) static void refused(const char *what, int err) {
    printf("ok %s: %s\n", what, strerror(err));
    fflush(stdout);
}

// One system call that must fail: ret < 0 is a refusal, anything else an escape.
__attribute__((unused)) static void expect_fail(const char *what, long ret) {
    if (ret < 0) refused(what, errno);
    else escaped("%s succeeded (returned %ld)", what, ret);
}

__attribute__((unused)) static int finish(void) {
    fflush(stdout);
    return hostile_escapes ? 1 : 0;
}

__attribute__((noreturn, unused))
static void broken(const char *what) {
    printf("BROKEN %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(2);
}
#endif
