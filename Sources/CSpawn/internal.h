// Shared between the CSpawn source files; not part of the public API.
//
// Two kinds of code live in this target and the split matters:
//  - "parent side" (cs_plan_prepare, cs_collect, supervisor, foreground): ordinary C, may
//    allocate.
//  - "child side" (everything named cs_child_* / cs_setup_* / cs_launch): runs between
//    clone() and execve() -- the container init in the caller's own memory (CLONE_VM |
//    CLONE_VFORK, the caller suspended), the exec helper in a copy of it -- of a possibly
//    multithreaded process, so it only makes system calls, touches memory prepared before the
//    clone, and writes nothing the caller reads afterwards but the report socket.
#ifndef CSPAWN_INTERNAL_H
#define CSPAWN_INTERNAL_H

#include "cspawn.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <sys/capability.h>
#include <linux/capability.h>

enum { CS_FILTER_MAX = 64 };

// Everything a container process needs, prepared by the parent before clone/fork.
typedef struct cs_plan {
    const cspawn_config *cfg;
    // capset(2)'s arguments, permitted = effective = cfg->caps (empty when uid != 0). Plain
    // data: the child shares the parent's memory (CLONE_VM), and libcap's cap_set_proc takes a
    // lock byte inside the cap_t; a child killed while holding it left the parent spinning in
    // cap_free for good.
    struct __user_cap_header_struct cap_header;
    struct __user_cap_data_struct cap_data[2];
    int last_cap;        // highest capability number this kernel knows
    uint64_t keep[2];    // bounding-set bits to keep: bit n of keep[n / 64]
    int stdio[3];        // fds that become 0, 1, 2 (-1 in cfg resolved to devnull)
    int devnull;         // opened by the parent when a stdio fd is -1, else -1
    int sock;            // child's end of the report socket (CLOEXEC)
    int peer;            // parent's end; the child closes its copy
    struct sock_filter filter[CS_FILTER_MAX];   // seccomp program (seccomp.c)
    unsigned short filter_len;
} cs_plan;

// --- parent side: plan.c ---
int cs_plan_prepare(cs_plan *p, const cspawn_config *cfg, cspawn_error *error);
void cs_plan_release(cs_plan *p);

// --- report channel (report.c): child -> parent messages over a SOCK_SEQPACKET pair ---
enum { CS_MSG_ERROR = 1, CS_MSG_PTY = 2, CS_MSG_PID = 3 };

typedef struct cs_msg {
    int kind;
    int pid;
    cspawn_error error;
} cs_msg;

typedef struct cs_result {
    pid_t pid;           // CS_MSG_PID payload, or -1
    int master;          // CS_MSG_PTY payload, or -1
    int failed;          // 1 when an error message arrived
    cspawn_error error;
} cs_result;

__attribute__((noreturn))
void cs_child_fail(int sock, int err, const char *step, const char *path);
int cs_send_fd(int sock, int fd);
int cs_send_pid(int sock, pid_t pid);
// Reads messages until EOF (= every child-side holder exec'd or exited). 0, or -1 with
// error filled when the socket itself failed.
int cs_collect(int sock, cs_result *r, cspawn_error *error);
int cs_socketpair(int sv[2], cspawn_error *error);
// One seqpacket message of `len` bytes, with `fd` passed along (SCM_RIGHTS) when >= 0; retried
// on EINTR, never raises SIGPIPE. 0, or -1 with errno.
int cs_send_with_fd(int sock, const void *buf, size_t len, int fd);

// --- small async-signal-safe helpers (util.c) ---
void cs_set_error(cspawn_error *e, int err, const char *step, const char *path);
size_t cs_copy(char *dst, size_t cap, const char *src);   // bounded, always NUL-terminated
size_t cs_utoa(char *buf, unsigned long v);              // decimal, NUL-terminated
int cs_write_all(int fd, const void *buf, size_t n);
// Cgroup join files (cfg->cgroup_join): one per hierarchy, a dozen v1 controllers at most.
enum { CS_MAX_CGROUP_FILES = 16 };
// Opens each for writing: how many, or -1 with *error filled in and none left open.
int cs_open_cgroup_files(const char *const *files, int fds[CS_MAX_CGROUP_FILES], cspawn_error *error);
// Writes the caller into each open file and closes them all; a failure names files[i].
int cs_enter_open_cgroups(const int *fds, int n, const char *const *files, cspawn_error *error);
int cs_enter_cgroups(const char *const *files, cspawn_error *error);   // both of the above
pid_t cs_waitpid(pid_t pid, int *status, int flags);     // retries EINTR
void cs_block_signals(sigset_t *old);
void cs_restore_signals(const sigset_t *old);

// --- child side ---
int cs_container_init(void *plan);                          // child_setup.c: clone() entry
void cs_child_pass_gate(const cs_plan *p);                  // start_gate.c: waits, enters cgroups
void cs_child_take_netns(const cs_plan *p);                 // start_gate.c: joins or makes its netns
void cs_loopback_up(int sock);                              // netns.c
void cs_setup_rootfs(const cs_plan *p);                     // mounts.c: bind, proc, sys, pivot
void cs_setup_masks(int sock);                              // mounts.c: masked + read-only paths
void cs_setup_dev(int sock);                                // devices.c: /dev in cwd ("dev")
int cs_open_pty(const cs_plan *p, int bind_console);        // pty.c: returns the slave fd
void cs_apply_identity(const cs_plan *p);                   // caps.c: bounding, user, capset
void cs_mark_fds_cloexec(int sock);                         // fds.c
void cs_install_stdio(const cs_plan *p, int tty_slave);     // fds.c
__attribute__((noreturn))
void cs_launch(const cs_plan *p, int tty_slave);            // launch.c: last steps + execve

// --- caps.c, parent side ---
int cs_caps_prepare(cs_plan *p, cspawn_error *error);

// --- seccomp.c: built by the parent, installed by the child just before execve ---
int cs_seccomp_prepare(cs_plan *p, cspawn_error *error);
void cs_seccomp_install(const cs_plan *p);

#endif
