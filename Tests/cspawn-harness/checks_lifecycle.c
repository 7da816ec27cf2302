// Starting, failing, supervising, joining and talking to containers.
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int reap(pid_t pid) {
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return st;
}

void check_cgroup(void) {
    char procs[300], want[300], out[2048];
    const char *list[] = {procs, NULL};
    const char *argv[] = {"cat", "/proc/self/cgroup", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    int st, r;
    if (mkdir(h_cgroup, 0755) < 0 && errno != EEXIST) {
        h_fail("mkdir %s: %s", h_cgroup, strerror(errno));
        return;
    }
    snprintf(procs, sizeof procs, "%s/cgroup.procs", h_cgroup);
    snprintf(want, sizeof want, ":cpu:/corral-test-%d\n", (int)getpid());
    c.cgroup_join = list;
    r = h_run(&c, out, sizeof out, &st, &err);
    CHECK(r == 0, "start: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(strstr(out, want), "not in the cgroup from the start:\n%s", out);
    CHECK(rmdir(h_cgroup) == 0, "rmdir %s: %s", h_cgroup, strerror(errno));
}

// The caller's side of the start gate, on a thread of its own as corral's is: after `delay_ms`
// (the child is parked at the gate by then), open it with `procs`, or call the start off.
struct gate_opener {
    int fd;
    int delay_ms;
    int call_off;
    const char *const *procs;
    int result;
    int sends_netns;   // with cfg->netns_at_gate: first send netns_fd (-1: "make your own")
    int netns_fd;
};

static void *open_gate(void *arg) {
    struct gate_opener *g = arg;
    cspawn_error err;
    usleep(g->delay_ms * 1000);
    if (g->call_off) {
        g->result = shutdown(g->fd, SHUT_RDWR);
        return NULL;
    }
    if (g->sends_netns && cspawn_gate_send_netns(g->fd, g->netns_fd, &err) < 0) {
        g->result = -1;
        return NULL;
    }
    g->result = cspawn_gate_open(g->fd, g->procs, &err);
    return NULL;
}

// With cfg->gate: runs like h_run, the gate opened (or the start called off) by `g` meanwhile.
static int run_gated(cspawn_config *c, struct gate_opener *g, char *out, size_t cap, int *st, cspawn_error *err) {
    int gate[2], r;
    pthread_t thread;
    if (cspawn_gate_pair(gate) < 0) return -1;
    c->gate = 1;
    c->gate_fd = gate[1];
    c->gate_peer_fd = gate[0];
    g->fd = gate[0];
    pthread_create(&thread, NULL, open_gate, g);
    r = h_run(c, out, cap, st, err);
    pthread_join(thread, NULL);
    close(gate[0]);
    close(gate[1]);
    return r;
}

void check_start_gate(void) {
    char procs[300], want[300], out[2048];
    const char *list[] = {procs, NULL};
    const char *none[] = {NULL};
    const char *argv[] = {"cat", "/proc/self/cgroup", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    struct gate_opener g = {.delay_ms = 50, .procs = list};
    int st, r;

    // The cgroup does not exist yet when the container starts: made while it waits.
    snprintf(procs, sizeof procs, "%s/cgroup.procs", h_cgroup);
    snprintf(want, sizeof want, ":cpu:/corral-test-%d\n", (int)getpid());
    rmdir(h_cgroup);
    c.cgroup_join = list;
    r = run_gated(&c, &g, out, sizeof out, &st, &err);
    CHECK(r < 0, "started before its cgroup existed");
    CHECK(g.result < 0, "the gate opened onto a cgroup that was not made");
    CHECK(mkdir(h_cgroup, 0755) == 0, "mkdir %s: %s", h_cgroup, strerror(errno));
    r = run_gated(&c, &g, out, sizeof out, &st, &err);
    CHECK(r == 0 && g.result == 0, "start through the gate: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(strstr(out, want), "not in the cgroup sent through the gate:\n%s", out);

    g.call_off = 1;
    r = run_gated(&c, &g, out, sizeof out, &st, &err);
    CHECK(r < 0 && err.err == ECANCELED && strcmp(err.step, "start called off") == 0,
          "called off: got r=%d (%s, \"%s\")", r, strerror(err.err), err.step);

    // Fewer files than the config names cgroups: refused, not started half in its cgroups.
    g.call_off = 0;
    g.procs = none;
    r = run_gated(&c, &g, out, sizeof out, &st, &err);
    CHECK(r < 0 && err.err == EPROTO, "a gate short of cgroup files: got r=%d (%s, \"%s\")", r,
          strerror(err.err), err.step);
    CHECK(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD, "a child is left");
    CHECK(rmdir(h_cgroup) == 0, "rmdir %s: %s", h_cgroup, strerror(errno));
}

static void *make_netns_for_gate(void *fd) {
    *(int *)fd = cspawn_make_netns();
    return NULL;
}

// With netns_at_gate the container is cloned without a network namespace of its own and waits
// for one at the gate, before /sys is mounted: the one sent (its /sys shows that namespace's
// devices), or, sent none, one it makes with lo up; called off before it, it ends.
void check_gate_netns(void) {
    char procs[300], out[2048], want[64], host[64];
    const char *list[] = {procs, NULL};
    const char *argv[] = {"sh", "-c", "readlink /proc/self/ns/net; ls /sys/class/net; ip link show lo", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    struct gate_opener g = {.delay_ms = 50, .procs = list, .sends_netns = 1};
    struct stat ns;
    pthread_t t;
    int st, r, fd = -1;
    ssize_t n;

    snprintf(procs, sizeof procs, "%s/cgroup.procs", h_cgroup);
    CHECK(mkdir(h_cgroup, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", h_cgroup, strerror(errno));
    c.cgroup_join = list;
    c.netns_at_gate = 1;
    n = readlink("/proc/self/ns/net", host, sizeof host - 1);
    host[n > 0 ? n : 0] = 0;

    CHECK(pthread_create(&t, NULL, make_netns_for_gate, &fd) == 0 && pthread_join(t, NULL) == 0, "thread");
    CHECK(fd >= 0, "cspawn_make_netns: %s", strerror(-fd));
    CHECK(fstat(fd, &ns) == 0, "fstat");
    snprintf(want, sizeof want, "net:[%lu]\n", (unsigned long)ns.st_ino);
    g.netns_fd = fd;
    r = run_gated(&c, &g, out, sizeof out, &st, &err);
    CHECK(r == 0 && g.result == 0, "start with the netns through the gate: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(strncmp(out, want, strlen(want)) == 0, "not the netns sent (%s):\n%s", want, out);
    // /sys lists `lo` alone: mounted in the namespace sent, not the host's.
    CHECK(strstr(out, "]\nlo\n1: lo: <LOOPBACK,UP"), "/sys or lo not of the namespace sent:\n%s", out);

    // Kept open meanwhile: a namespace freed could give its inode number to the next one.
    g.netns_fd = -1;
    r = run_gated(&c, &g, out, sizeof out, &st, &err);
    close(fd);
    CHECK(r == 0 && g.result == 0, "start making its own netns: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(strncmp(out, "net:[", 5) == 0 && strncmp(out, host, strlen(host)) != 0 && strncmp(out, want, strlen(want)) != 0,
          "not a netns of its own (host %s):\n%s", host, out);
    CHECK(strstr(out, "]\nlo\n1: lo: <LOOPBACK,UP"), "its own netns: /sys or lo:\n%s", out);

    g.call_off = 1;
    r = run_gated(&c, &g, out, sizeof out, &st, &err);
    CHECK(r < 0 && err.err == ECANCELED && strcmp(err.path, "network namespace") == 0,
          "called off before the netns: got r=%d (%s, \"%s\" \"%s\")", r, strerror(err.err), err.step, err.path);
    g.call_off = 0;

    // Only with a gate, and no other namespace asked for.
    c.share_host_net = 1;
    r = run_gated(&c, &g, out, sizeof out, &st, &err);
    CHECK(r < 0 && err.err == EINVAL, "netns_at_gate with the host's network: got r=%d (%s)", r, strerror(err.err));
    c.share_host_net = 0;
    CHECK(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD, "a child is left");
    CHECK(rmdir(h_cgroup) == 0, "rmdir %s: %s", h_cgroup, strerror(errno));
}

static int start_error(cspawn_config *c, cspawn_error *err) {
    pid_t pid = cspawn_start(c, NULL, err);
    if (pid >= 0) {
        kill(pid, SIGKILL);
        reap(pid);
        return -1;
    }
    return 0;
}

#define EXPECT_ERROR(cfg, errno_, step_, path_) do {                                       \
        cspawn_error e_;                                                                \
        int st_;                                                                        \
        CHECK(start_error(&(cfg), &e_) == 0, "started although it should fail");        \
        CHECK(e_.err == (errno_) && strcmp(e_.step, step_) == 0 && strcmp(e_.path, path_) == 0, \
              "got (%s, \"%s\", \"%s\"), want (%s, \"%s\", \"%s\")", strerror(e_.err),     \
              e_.step, e_.path, strerror(errno_), step_, path_);                          \
        CHECK(waitpid(-1, &st_, WNOHANG) < 0 && errno == ECHILD, "a child is left");     \
    } while (0)

void check_errors(void) {
    const char *missing[] = {"no-such-command", NULL};
    const char *abs_missing[] = {"/bin/no-such-command", NULL};
    const char *sh[] = {"sh", "-c", "true", NULL};
    const char *bad_cg[] = {"/nonexistent-corral-test/cgroup.procs", NULL};
    char bad_root[400], link_path[500], target[400];
    cspawn_config c;

    c = h_config(missing);
    EXPECT_ERROR(c, ENOENT, "exec", "no-such-command");
    c = h_config(abs_missing);
    EXPECT_ERROR(c, ENOENT, "exec", "/bin/no-such-command");
    c = h_config(sh);
    c.rootfs = "/nonexistent-corral-test";
    EXPECT_ERROR(c, ENOENT, "bind rootfs", "/nonexistent-corral-test");
    c = h_config(sh);
    c.workdir = "/bin/busybox/below-a-file";   // a missing workdir is made; below a file it can't be
    EXPECT_ERROR(c, ENOTDIR, "mkdir", "/bin/busybox");
    c = h_config(sh);
    c.workdir = "/proc/self/fd/0/out";   // CVE-2024-21626's way out, refused before any mkdir
    EXPECT_ERROR(c, ELOOP, "mkdir", "/proc/self/fd/0");
    c = h_config(sh);
    c.cgroup_join = bad_cg;
    EXPECT_ERROR(c, ENOENT, "open cgroup file", "/nonexistent-corral-test/cgroup.procs");

    // A rootfs whose /proc points at a host directory: refused, the target untouched.
    snprintf(bad_root, sizeof bad_root, "%s/bad-rootfs", h_base);
    snprintf(target, sizeof target, "%s/symlink-target", h_base);
    snprintf(link_path, sizeof link_path, "%s/proc", bad_root);
    CHECK(mkdir(bad_root, 0755) == 0 && mkdir(target, 0755) == 0 && symlink(target, link_path) == 0,
          "set-up of the bad rootfs");
    c = h_config(sh);
    c.rootfs = bad_root;
    EXPECT_ERROR(c, ELOOP, "unsafe rootfs", "/proc");
    unlink(link_path);
    CHECK(mkdir(link_path, 0755) == 0, "mkdir");
    snprintf(link_path, sizeof link_path, "%s/dev", bad_root);
    CHECK(symlink("/dev", link_path) == 0, "symlink");
    EXPECT_ERROR(c, ELOOP, "unsafe rootfs", "/dev");
}

// Forks a supervisor for cfg the way the Engine does (an intermediate child that exits at
// once, so the supervisor is reparented to init); returns the container pid (or -1, *err).
static pid_t supervise(const cspawn_config *cfg, cspawn_error *err) {
    int p[2], st;
    pid_t child, pid;
    if (pipe2(p, O_CLOEXEC) < 0) return -1;
    child = fork();
    if (child == 0) {
        close(p[0]);
        if (fork() == 0) cspawn_supervise(cfg, p[1]);
        _exit(0);
    }
    close(p[1]);
    if (cspawn_read_notify(p[0], &pid, err) < 0) pid = -1;
    close(p[0]);
    st = reap(child);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "intermediate child exited with status %d\n", st);
        return -1;
    }
    return pid;
}

static pid_t parent_of(pid_t pid) {
    char path[64], buf[1024], *s;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (h_read_file(path, buf, sizeof buf) < 0 || !(s = strrchr(buf, ')'))) return -1;
    return (pid_t)atoi(s + 4);   // ") S <ppid>"
}

static int gone(pid_t pid, int timeout_ms) {
    int waited;
    for (waited = 0; waited < timeout_ms; waited += 20) {
        if (kill(pid, 0) < 0 && errno == ESRCH) return 1;
        h_sleep_ms(20);
    }
    return 0;
}

void check_supervise(void) {
    char pidf[400], exitf[400], logf[400], marker[400], script[500], buf[4096], comm[64], path[64];
    const char *argv[] = {"sh", "-c", "echo out-line; echo err-line >&2; sleep 1; exit 3", NULL};
    const char *on_exit[] = {"/bin/sh", "-c", script, NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    unsigned long long start = 0;
    int pid_in_file = 0;
    pid_t pid, sup;

    snprintf(pidf, sizeof pidf, "%s/sup.pid", h_base);
    snprintf(exitf, sizeof exitf, "%s/sup.exit", h_base);
    snprintf(logf, sizeof logf, "%s/sup.log", h_base);
    snprintf(marker, sizeof marker, "%s/on-exit-ran", h_base);
    snprintf(script, sizeof script, "echo ran > %s", marker);
    c.pid_file = pidf;
    c.exit_file = exitf;
    c.log_file = logf;
    c.log_max_bytes = 1 << 20;
    c.on_exit_argv = on_exit;
    pid = supervise(&c, &err);
    CHECK(pid > 0, "supervise: %s %s: %s", err.step, err.path, strerror(err.err));

    CHECK(h_read_file(pidf, buf, sizeof buf) == 0, "no pid file");
    CHECK(sscanf(buf, "%d %llu", &pid_in_file, &start) == 2 && pid_in_file == pid, "pid file: %s", buf);
    CHECK(start == cspawn_process_starttime(pid), "pid file start time %llu, /proc says %llu", start,
          (unsigned long long)cspawn_process_starttime(pid));

    sup = parent_of(pid);
    snprintf(path, sizeof path, "/proc/%d/comm", (int)sup);
    CHECK(sup > 1 && h_read_file(path, comm, sizeof comm) == 0 && strcmp(comm, "corral-sup\n") == 0,
          "container's parent %d is %s", (int)sup, comm);
    // The session's signals must not take the supervisor (and its records) away.
    kill(sup, SIGHUP);
    kill(sup, SIGINT);
    kill(sup, SIGTERM);
    h_sleep_ms(100);
    CHECK(kill(sup, 0) == 0, "the supervisor died of a session signal");

    CHECK(h_wait_file(exitf, 10000) == 0, "no exit file");
    CHECK(h_read_file(exitf, buf, sizeof buf) == 0 && strcmp(buf, "3 0\n") == 0, "exit file: %s", buf);
    CHECK(h_read_file(logf, buf, sizeof buf) == 0 && strstr(buf, "out-line\n") && strstr(buf, "err-line\n"),
          "log: %s", buf);
    CHECK(h_wait_file(marker, 5000) == 0, "the on-exit command did not run");
    CHECK(gone(sup, 5000), "the supervisor is still there");
}

void check_supervise_killed(void) {
    char exitf[400], buf[256];
    const char *argv[] = {"sleep", "100", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    pid_t pid, sup;
    snprintf(exitf, sizeof exitf, "%s/killed.exit", h_base);
    c.exit_file = exitf;
    pid = supervise(&c, &err);
    CHECK(pid > 0, "supervise: %s %s: %s", err.step, err.path, strerror(err.err));
    sup = parent_of(pid);
    kill(pid, SIGKILL);
    CHECK(h_wait_file(exitf, 10000) == 0, "no exit file");
    CHECK(h_read_file(exitf, buf, sizeof buf) == 0 && strcmp(buf, "137 9\n") == 0, "exit file: %s", buf);
    CHECK(gone(sup, 5000), "the supervisor is still there");
}

void check_supervise_log_cap(void) {
    char exitf[400], logf[400], buf[16384];
    const char *argv[] = {"sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); done", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    struct stat st;
    pid_t pid;
    snprintf(exitf, sizeof exitf, "%s/cap.exit", h_base);
    snprintf(logf, sizeof logf, "%s/cap.log", h_base);
    c.exit_file = exitf;
    c.log_file = logf;
    c.log_max_bytes = 4096;
    pid = supervise(&c, &err);
    CHECK(pid > 0, "supervise: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(h_wait_file(exitf, 10000) == 0, "no exit file");
    CHECK(stat(logf, &st) == 0 && st.st_size <= 4096 && st.st_size >= 1024, "log size %lld",
          (long long)st.st_size);
    CHECK(h_read_file(logf, buf, sizeof buf) == 0, "read log");
    CHECK(strncmp(buf, "line-", 5) == 0, "log does not start at a line: %.40s", buf);
    CHECK(strstr(buf, "line-2999\n") && !strstr(buf, "line-100\n"), "not the newest lines kept");
}

// `run -d -t`: the pty's output goes to the log.
void check_supervise_tty(void) {
    char exitf[400], logf[400], buf[1024];
    const char *argv[] = {"tty", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    snprintf(exitf, sizeof exitf, "%s/tty.exit", h_base);
    snprintf(logf, sizeof logf, "%s/tty.log", h_base);
    c.exit_file = exitf;
    c.log_file = logf;
    c.tty = 1;
    CHECK(supervise(&c, &err) > 0, "supervise: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(h_wait_file(exitf, 10000) == 0, "no exit file");
    CHECK(h_read_file(exitf, buf, sizeof buf) == 0 && strcmp(buf, "0 0\n") == 0, "exit file: %s", buf);
    CHECK(h_read_file(logf, buf, sizeof buf) == 0 && strcmp(buf, "/dev/pts/0\r\n") == 0, "log: %s", buf);
}

void check_supervise_error(void) {
    const char *argv[] = {"no-such-command", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    CHECK(supervise(&c, &err) < 0, "started");
    CHECK(err.err == ENOENT && strcmp(err.step, "exec") == 0 && strcmp(err.path, "no-such-command") == 0,
          "got (%d, %s, %s)", err.err, err.step, err.path);
}

static pid_t start_sleeper(const char *const *cgroups, cspawn_error *err) {
    static const char *argv[] = {"sleep", "30", NULL};
    cspawn_config c = h_config(argv);
    c.hostname = "corral-test-exec";
    c.cgroup_join = cgroups;
    return cspawn_start(&c, NULL, err);
}

void check_exec(void) {
    char procs[300], want_cg[300], out[4096];
    const char *list[] = {procs, NULL};
    const char *argv[] = {"sh", "-c",
                          "hostname; echo pid=$$; tr '\\0' ' ' < /proc/1/cmdline; echo; grep ':cpu:' /proc/self/cgroup; "
                          "grep -E '^(CapBnd|NoNewPrivs)' /proc/self/status; ls /rootfs-marker; exit 5", NULL};
    const char *missing[] = {"no-such-command", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    int p[2], st, inner = 0;
    pid_t target, pid;
    char *s;

    CHECK(mkdir(h_cgroup, 0755) == 0 || errno == EEXIST, "mkdir cgroup");
    snprintf(procs, sizeof procs, "%s/cgroup.procs", h_cgroup);
    snprintf(want_cg, sizeof want_cg, ":cpu:/corral-test-%d\n", (int)getpid());
    target = start_sleeper(list, &err);
    CHECK(target > 0, "start: %s %s: %s", err.step, err.path, strerror(err.err));

    CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe");
    c.stdout_fd = c.stderr_fd = p[1];
    c.cgroup_join = list;
    pid = cspawn_exec(target, &c, NULL, &err);
    close(p[1]);
    if (pid > 0) h_read_all(p[0], out, sizeof out);
    close(p[0]);
    if (pid > 0) st = reap(pid);
    kill(target, SIGKILL);
    reap(target);
    rmdir(h_cgroup);
    CHECK(pid > 0, "exec: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(h_exit_code(st) == 5, "exit code %d (is the process our child?)", h_exit_code(st));
    CHECK(strncmp(out, "corral-test-exec\n", 17) == 0, "hostname:\n%s", out);
    s = strstr(out, "pid=");
    CHECK(s && (inner = atoi(s + 4)) > 1 && inner < 100 && inner != pid, "pid inside:\n%s", out);
    CHECK(strstr(out, "sleep 30 \n"), "pid 1 is not the container's:\n%s", out);
    CHECK(strstr(out, want_cg), "not in the container's cgroup:\n%s", out);
    CHECK(h_status_hex(out, "CapBnd:") == h_cap_mask(h_docker_caps, 14), "CapBnd:\n%s", out);
    CHECK(strstr(out, "NoNewPrivs:\t1"), "no_new_privs:\n%s", out);
    CHECK(strstr(out, "/rootfs-marker\n"), "not in the container's root:\n%s", out);

    c = h_config(missing);
    target = start_sleeper(NULL, &err);
    CHECK(target > 0, "start: %s", strerror(err.err));
    pid = cspawn_exec(target, &c, NULL, &err);
    kill(target, SIGKILL);
    reap(target);
    CHECK(pid < 0 && err.err == ENOENT && strcmp(err.step, "exec") == 0, "missing command: pid %d (%s, %s)",
          (int)pid, err.step, strerror(err.err));
    pid = cspawn_exec(target, &c, NULL, &err);
    CHECK(pid < 0 && strcmp(err.step, "open namespace") == 0, "exec into a dead container: %s", err.step);
}

// Reads a pty master until the slave side is gone (EIO).
static void read_pty(int master, char *out, size_t cap) {
    size_t len = 0;
    for (;;) {
        ssize_t n = read(master, out + len, cap - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
    }
    out[len] = '\0';
}

void check_tty(void) {
    const char *argv[] = {"sh", "-c", "tty; stat -c %t,%T /dev/console; [ -t 0 ] && echo stdin-is-tty", NULL};
    const char *exec_argv[] = {"tty", NULL};
    const char *sleeper[] = {"sleep", "30", NULL};
    cspawn_config c = h_config(argv);
    cspawn_error err;
    char out[1024];
    int master = -1, st;
    pid_t pid, target;

    c.tty = 1;
    pid = cspawn_start(&c, &master, &err);
    CHECK(pid > 0, "start: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(master >= 0, "no master");
    read_pty(master, out, sizeof out);
    close(master);
    st = reap(pid);
    CHECK(h_exit_code(st) == 0, "exit %d", h_exit_code(st));
    CHECK(strstr(out, "/dev/pts/0\r\n") && strstr(out, "88,0\r\n") && strstr(out, "stdin-is-tty"),
          "inside:\n%s", out);

    c = h_config(sleeper);
    c.tty = 1;
    target = cspawn_start(&c, &master, &err);
    CHECK(target > 0, "start: %s", strerror(err.err));
    close(master);   // its /dev/pts/0 stays open in the container
    c = h_config(exec_argv);
    c.tty = 1;
    pid = cspawn_exec(target, &c, &master, &err);
    if (pid > 0) {
        read_pty(master, out, sizeof out);
        close(master);
        reap(pid);
    }
    kill(target, SIGKILL);
    reap(target);
    CHECK(pid > 0, "exec: %s %s: %s", err.step, err.path, strerror(err.err));
    CHECK(strstr(out, "/dev/pts/1\r\n"), "exec tty:\n%s", out);
}

// A child process plays `corral run -t`: its stdin/stdout are pipes held here.
void check_foreground_pty(void) {
    const char *argv[] = {"sh", NULL};
    const char input[] = "echo hi-$((40+2))\nexit 7\n";
    int in[2], out[2], st;
    char buf[4096];
    pid_t child;
    CHECK(pipe(in) == 0 && pipe(out) == 0, "pipe");
    child = fork();
    if (child == 0) {
        cspawn_config c = h_config(argv);
        cspawn_error err;
        int master;
        pid_t pid;
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        c.tty = 1;
        pid = cspawn_start(&c, &master, &err);
        if (pid < 0) _exit(100);
        _exit(h_exit_code(cspawn_wait_foreground(pid, master)));
    }
    close(in[0]);
    close(out[1]);
    CHECK(write(in[1], input, sizeof input - 1) == (ssize_t)sizeof input - 1, "write");
    close(in[1]);
    h_read_all(out[0], buf, sizeof buf);
    close(out[0]);
    st = reap(child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit status %d, output:\n%s", st, buf);
    CHECK(strstr(buf, "hi-42"), "output:\n%s", buf);
}

void check_foreground_signal(void) {
    const char *argv[] = {"sh", "-c", "trap 'echo got-term; exit 9' TERM; echo ready; while :; do sleep 0.05; done",
                          NULL};
    int out[2], st;
    char buf[256];
    ssize_t n;
    pid_t child;
    CHECK(pipe(out) == 0, "pipe");
    child = fork();
    if (child == 0) {
        cspawn_config c = h_config(argv);
        cspawn_error err;
        sigset_t term;
        pid_t pid;
        // Held back until cspawn_wait_foreground is ready to forward it (as a CLI should).
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        sigprocmask(SIG_BLOCK, &term, NULL);
        close(out[0]);
        c.stdout_fd = out[1];
        pid = cspawn_start(&c, NULL, &err);
        close(out[1]);
        if (pid < 0) _exit(100);
        _exit(h_exit_code(cspawn_wait_foreground(pid, -1)));
    }
    close(out[1]);
    n = read(out[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    if (!strstr(buf, "ready")) {
        kill(child, SIGKILL);
        reap(child);
        close(out[0]);
        h_fail("no ready: %s", buf);
        return;
    }
    kill(child, SIGTERM);
    h_read_all(out[0], buf, sizeof buf);
    close(out[0]);
    st = reap(child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9, "status %d, output %s", st, buf);
    CHECK(strstr(buf, "got-term"), "output %s", buf);
}

// A comm with spaces and parentheses must not shift the fields.
void check_starttime(void) {
    int go[2], done[2];
    uint64_t before, after, self;
    char c = 0;
    pid_t child;
    CHECK(pipe(go) == 0 && pipe(done) == 0, "pipe");
    child = fork();
    if (child == 0) {
        close(go[1]);
        close(done[0]);
        if (read(go[0], &c, 1) == 1) prctl(PR_SET_NAME, "a) b (c) d e", 0, 0, 0);
        if (write(done[1], "x", 1) != 1) _exit(1);
        pause();
        _exit(0);
    }
    close(go[0]);
    close(done[1]);
    before = cspawn_process_starttime(child);
    if (write(go[1], "x", 1) != 1 || read(done[0], &c, 1) != 1) c = 0;
    after = cspawn_process_starttime(child);
    self = cspawn_process_starttime(getpid());
    kill(child, SIGKILL);
    reap(child);
    close(go[1]);
    close(done[0]);
    CHECK(before > 0 && before == after, "start time %llu, after rename %llu", (unsigned long long)before,
          (unsigned long long)after);
    CHECK(self > 0 && self <= before, "own start time %llu", (unsigned long long)self);
    CHECK(cspawn_process_starttime(child) == 0, "a reaped pid still has a start time");
}

// CVE-2019-5736: while `exec` joins, a root process in the container must not be able to
// open /proc/<pid>/exe of the joining process (a copy of the host binary). exe-watch scans
// /proc as pid 1 while exec runs `true` through a long PATH of missing directories, which
// keeps the joined process alive as a host binary for a while before execve succeeds.
// (Without PR_SET_DUMPABLE 0 in the helper this check fails: the watcher opens the binary.)
void check_exec_not_exposed(void) {
    static char path_env[400 * 12 + 32];
    const char *watch_argv[] = {"exe-watch", "4000", "harness", NULL};
    const char *true_argv[] = {"true", NULL};
    const char *env[] = {path_env, NULL};
    cspawn_config c = h_config(watch_argv);
    cspawn_error err;
    char out[512];
    int p[2], i, execs = 0, seen = -1, opened = -1, denied = -1;
    size_t len;
    pid_t target;

    len = (size_t)snprintf(path_env, sizeof path_env, "PATH=");
    for (i = 0; i < 400; i++) len += (size_t)snprintf(path_env + len, sizeof path_env - len, "/nope%d:", i);
    snprintf(path_env + len, sizeof path_env - len, "/bin");

    CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe");
    c.stdout_fd = p[1];
    target = cspawn_start(&c, NULL, &err);
    close(p[1]);
    CHECK(target > 0, "start: %s", strerror(err.err));
    if (read(p[0], out, 9) != 9) out[0] = '\0';
    for (i = 0; i < 30 && out[0] == 'w'; i++) {
        cspawn_config e = h_config(true_argv);
        pid_t pid;
        e.envp = env;
        pid = cspawn_exec(target, &e, NULL, &err);
        if (pid > 0 && h_exit_code(reap(pid)) == 0) execs++;
    }
    h_read_all(p[0], out, sizeof out);
    close(p[0]);
    reap(target);
    CHECK(execs == 30, "only %d of 30 execs succeeded", execs);
    CHECK(sscanf(out, "seen=%d opened=%d denied=%d", &seen, &opened, &denied) == 3, "watcher said: %s", out);
    CHECK(seen == 0 && opened == 0, "the host binary was visible: %s", out);
    CHECK(denied > 0, "the watcher never caught a joining process, the check proves nothing: %s", out);
}
