// Writing the supervisor's report line (notify.c); cspawn_read_notify reads it.
#ifndef CSPAWN_NOTIFY_H
#define CSPAWN_NOTIFY_H

#include "cspawn.h"

void cs_notify_ok(int fd, pid_t pid);
void cs_notify_error(int fd, const cspawn_error *e);

#endif
