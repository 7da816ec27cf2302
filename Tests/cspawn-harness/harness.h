// The CSpawn harness: real containers on the real kernel, checked from inside and outside.
#ifndef CSPAWN_HARNESS_H
#define CSPAWN_HARNESS_H

#define _GNU_SOURCE
#include "cspawn.h"

#include <stddef.h>
#include <stdint.h>

// Paths of this run; every name contains "corral-test-<pid>".
extern char h_base[256];       // /tmp/corral-test-<pid>: removed at exit
extern char h_rootfs[320];     // h_base/rootfs: busybox
extern char h_cgroup[256];     // /sys/fs/cgroup/cpu/corral-test-<pid>: removed at exit
extern char h_bin[512];        // dir of the static test binaries (escape, exe-watch, sysprobe)
extern const int h_docker_caps[14];
extern const char *const h_env[];

// Fails the current check with a message; checks return right after.
void h_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define CHECK(cond, ...) do { if (!(cond)) { h_fail(__VA_ARGS__); return; } } while (0)

cspawn_config h_config(const char *const *argv);
// Starts cfg with stdout+stderr into a pipe, reads it all, reaps. 0, or -1 with *err.
int h_run(cspawn_config *cfg, char *out, size_t cap, int *status, cspawn_error *err);
int h_exit_code(int status);              // exit code, 128+signal when killed
size_t h_read_all(int fd, char *buf, size_t cap);   // NUL-terminates
int h_read_file(const char *path, char *buf, size_t cap);
int h_write_file(const char *path, const char *data);
uint64_t h_cap_mask(const int *caps, int n);
uint64_t h_status_hex(const char *status_text, const char *field);   // "CapBnd:" etc
int h_wait_file(const char *path, int timeout_ms);
void h_sleep_ms(int ms);

void check_pid_one(void);
void check_hostname(void);
void check_caps_root(void);
void check_caps_user(void);
void check_masked_paths(void);
void check_readonly_paths(void);
void check_only_stdio_fds(void);
void check_chroot_escape(void);
void check_dev(void);
void check_mknod_useless(void);
void check_seccomp(void);
void check_net_none(void);
void check_net_prepared(void);
void check_net_host(void);
void check_net_early(void);
int h_early_netns_child(int argc, char **argv);
void check_workdir_env(void);
void check_no_propagation(void);

void check_cgroup(void);
void check_start_gate(void);
void check_gate_netns(void);
void check_errors(void);
void check_supervise(void);
void check_supervise_killed(void);
void check_supervise_log_cap(void);
void check_supervise_tty(void);
void check_supervise_error(void);
void check_exec(void);
void check_exec_not_exposed(void);
void check_tty(void);
void check_foreground_pty(void);
void check_foreground_signal(void);
void check_starttime(void);

#endif
