// Runs every check against real containers; prints "ok"/"not ok" per check and exits
// non-zero on any failure. Must run as root. Usage: harness DIR
// (DIR holds the static escape, exe-watch and sysprobe binaries, copied into the rootfs).
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char h_base[256], h_rootfs[320], h_cgroup[256], h_bin[512];

const int h_docker_caps[14] = {
    CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FSETID,  CAP_FOWNER,           CAP_MKNOD,
    CAP_NET_RAW, CAP_SETGID,      CAP_SETUID,  CAP_SETFCAP,          CAP_SETPCAP,
    CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

const char *const h_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", NULL,
};

static const char *current;
static int current_failed, failures, count;

void h_fail(const char *fmt, ...) {
    va_list ap;
    current_failed = 1;
    printf("not ok %d - %s: ", count, current);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

cspawn_config h_config(const char *const *argv) {
    cspawn_config c;
    memset(&c, 0, sizeof c);
    c.rootfs = h_rootfs;
    c.hostname = "corral-test";
    c.argv = argv;
    c.envp = h_env;
    c.workdir = "/";
    c.caps = h_docker_caps;
    c.ncaps = 14;
    c.stdin_fd = c.stdout_fd = c.stderr_fd = -1;
    return c;
}

size_t h_read_all(int fd, char *buf, size_t cap) {
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || len + (size_t)n >= cap - 1) {
            if (n > 0) len += (size_t)n;
            break;
        }
        len += (size_t)n;
    }
    buf[len] = '\0';
    return len;
}

int h_run(cspawn_config *cfg, char *out, size_t cap, int *status, cspawn_error *err) {
    int p[2];
    pid_t pid;
    if (pipe2(p, O_CLOEXEC) < 0) return -1;
    cfg->stdout_fd = cfg->stderr_fd = p[1];
    pid = cspawn_start(cfg, NULL, err);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    h_read_all(p[0], out, cap);
    close(p[0]);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
    return 0;
}

int h_exit_code(int status) {
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int h_read_file(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    h_read_all(fd, buf, cap);
    close(fd);
    return 0;
}

int h_write_file(const char *path, const char *data) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ssize_t n;
    if (fd < 0) return -1;
    n = write(fd, data, strlen(data));
    close(fd);
    return n == (ssize_t)strlen(data) ? 0 : -1;
}

uint64_t h_cap_mask(const int *caps, int n) {
    uint64_t m = 0;
    int i;
    for (i = 0; i < n; i++) m |= 1ULL << caps[i];
    return m;
}

uint64_t h_status_hex(const char *text, const char *field) {
    const char *s = strstr(text, field);
    if (!s) return ~0ULL;
    return strtoull(s + strlen(field), NULL, 16);
}

void h_sleep_ms(int ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

int h_wait_file(const char *path, int timeout_ms) {
    int waited;
    for (waited = 0; waited < timeout_ms; waited += 20) {
        if (access(path, F_OK) == 0) return 0;
        h_sleep_ms(20);
    }
    return access(path, F_OK);
}

static int copy_file(const char *from, const char *to, mode_t mode) {
    char buf[65536];
    ssize_t n;
    int in = open(from, O_RDONLY | O_CLOEXEC), out;
    if (in < 0) return -1;
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (out < 0) {
        close(in);
        return -1;
    }
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) break;
    close(in);
    close(out);
    return n == 0 ? 0 : -1;
}

// A busybox rootfs without /proc, /dev and /sys: the runtime must create the mount points.
static int build_rootfs(void) {
    static const char *const test_bins[] = {"escape", "exe-watch", "sysprobe"};
    char path[512], cmd[1024];
    size_t i;
    snprintf(path, sizeof path, "%s/bin", h_rootfs);
    if (mkdir(h_rootfs, 0755) < 0 || mkdir(path, 0755) < 0) return -1;
    snprintf(path, sizeof path, "%s/etc", h_rootfs);
    if (mkdir(path, 0755) < 0) return -1;
    snprintf(path, sizeof path, "%s/tmp", h_rootfs);
    if (mkdir(path, 01777) < 0) return -1;
    snprintf(path, sizeof path, "%s/bin/busybox", h_rootfs);
    if (copy_file("/bin/busybox", path, 0755) < 0) return -1;
    for (i = 0; i < sizeof test_bins / sizeof test_bins[0]; i++) {
        char from[600];
        snprintf(from, sizeof from, "%s/%s", h_bin, test_bins[i]);
        snprintf(path, sizeof path, "%s/bin/%s", h_rootfs, test_bins[i]);
        if (copy_file(from, path, 0755) < 0) return -1;
    }
    snprintf(cmd, sizeof cmd, "chroot %s /bin/busybox --install -s /bin", h_rootfs);
    if (system(cmd) != 0) return -1;
    snprintf(path, sizeof path, "%s/etc/passwd", h_rootfs);
    if (h_write_file(path, "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n") < 0)
        return -1;
    snprintf(path, sizeof path, "%s/etc/group", h_rootfs);
    if (h_write_file(path, "root:x:0:\ntty:x:5:\nnobody:x:65534:\n") < 0) return -1;
    snprintf(path, sizeof path, "%s/rootfs-marker", h_rootfs);
    return h_write_file(path, "inside\n");
}

static void cleanup(void) {
    char cmd[600];
    if (h_cgroup[0]) rmdir(h_cgroup);
    if (h_base[0] && strstr(h_base, "corral-test-")) {
        snprintf(cmd, sizeof cmd, "rm -rf --one-file-system %s", h_base);
        if (system(cmd) != 0) fprintf(stderr, "cleanup: could not remove %s\n", h_base);
    }
}

static void on_alarm(int sig) {
    (void)sig;
    printf("not ok - %s: timed out\n", current ? current : "?");
    cleanup();
    _exit(2);
}

/// Lines of `path` that contain `needle`: the harness's own mounts, not those of whoever else
/// uses the machine meanwhile (another corral's containers come and go on a shared host).
static int count_lines_with(const char *path, const char *needle) {
    static char buf[1 << 20];
    int n = 0;
    char *line, *save = NULL;
    if (h_read_file(path, buf, sizeof buf) < 0) return -1;
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        n += strstr(line, needle) != NULL;
    return n;
}

static void run_check(const char *name, void (*fn)(void)) {
    current = name;
    current_failed = 0;
    count++;
    alarm(60);
    fn();
    alarm(0);
    if (current_failed) failures++;
    else printf("ok %d - %s\n", count, name);
    fflush(stdout);
}

static void check_nothing_left(void) {
    int st;
    CHECK(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD, "a child process is left");
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*fn)(void);
    } checks[] = {
        {"pid 1", check_pid_one},
        {"hostname", check_hostname},
        {"capabilities of root", check_caps_root},
        {"capabilities of a user", check_caps_user},
        {"masked paths", check_masked_paths},
        {"read-only paths", check_readonly_paths},
        {"only fds 0-2", check_only_stdio_fds},
        {"chroot escape stays inside", check_chroot_escape},
        {"/dev", check_dev},
        {"mknod'ed devices do not open", check_mknod_useless},
        {"seccomp: no user namespaces, no keyrings", check_seccomp},
        {"net none: own netns, lo up", check_net_none},
        {"net none: a netns prepared ahead is joined", check_net_prepared},
        {"net host", check_net_host},
        {"net none: begun by a constructor for `corral run`", check_net_early},
        {"workdir, env", check_workdir_env},
        {"no mount propagates to the host", check_no_propagation},
        {"cgroup before exec", check_cgroup},
        {"start gate: cgroups made while the container sets up", check_start_gate},
        {"start gate: the network namespace follows the clone", check_gate_netns},
        {"errors", check_errors},
        {"supervise: pid, log, exit, on-exit", check_supervise},
        {"supervise: killed container", check_supervise_killed},
        {"supervise: log cap", check_supervise_log_cap},
        {"supervise: tty output to the log", check_supervise_tty},
        {"supervise: start error", check_supervise_error},
        {"exec joins namespaces and cgroup", check_exec},
        {"exec: joining process hidden from the container (CVE-2019-5736)", check_exec_not_exposed},
        {"tty", check_tty},
        {"foreground with pty", check_foreground_pty},
        {"foreground forwards signals", check_foreground_signal},
        {"process start time", check_starttime},
        {"no child process left", check_nothing_left},
    };
    int mounts_before, mounts_after;
    size_t i;

    if (argc > 1 && strcmp(argv[1], "run") == 0) return h_early_netns_child(argc, argv);
    if (argc < 2 || geteuid() != 0) {
        fprintf(stderr, "usage (as root): %s DIR_WITH_STATIC_TEST_BINARIES\n", argv[0]);
        return 2;
    }
    if (!realpath(argv[1], h_bin)) {
        perror(argv[1]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGALRM, on_alarm);
    snprintf(h_base, sizeof h_base, "/tmp/corral-test-%d", (int)getpid());
    snprintf(h_rootfs, sizeof h_rootfs, "%s/rootfs", h_base);
    snprintf(h_cgroup, sizeof h_cgroup, "/sys/fs/cgroup/cpu/corral-test-%d", (int)getpid());
    atexit(cleanup);
    if (mkdir(h_base, 0755) < 0 || build_rootfs() < 0) {
        perror("building the rootfs");
        return 2;
    }
    mounts_before = count_lines_with("/proc/self/mountinfo", h_base);
    for (i = 0; i < sizeof checks / sizeof checks[0]; i++) run_check(checks[i].name, checks[i].fn);
    mounts_after = count_lines_with("/proc/self/mountinfo", h_base);
    count++;
    if (mounts_before != mounts_after) {
        printf("not ok %d - host mount table: %d lines of ours before, %d after\n", count, mounts_before, mounts_after);
        failures++;
    } else {
        printf("ok %d - host mount table unchanged\n", count);
    }
    printf("%d checks, %d failed\n", count, failures);
    return failures ? 1 : 0;
}
