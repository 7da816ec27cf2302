// What a process inside a container sees: its pid, name, capabilities, /proc, /dev, /sys,
// fds, network, and that it cannot climb out.
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN(argv_, cfgp, out, status) do {                                              \
        cspawn_error err_;                                                             \
        if (h_run(cfgp, out, sizeof out, &status, &err_) < 0) {                        \
            h_fail("start failed: %s %s: %s", err_.step, err_.path, strerror(err_.err)); \
            return;                                                                    \
        }                                                                              \
    } while (0)

void check_pid_one(void) {
    const char *argv[] = {"sh", "-c", "echo $$", NULL};
    cspawn_config c = h_config(argv);
    char out[256];
    int st;
    RUN(argv, &c, out, st);
    CHECK(h_exit_code(st) == 0, "exit %d", h_exit_code(st));
    CHECK(strcmp(out, "1\n") == 0, "pid inside is %s", out);
}

void check_hostname(void) {
    const char *argv[] = {"hostname", NULL};
    cspawn_config c = h_config(argv);
    char out[256], host[256];
    int st;
    RUN(argv, &c, out, st);
    CHECK(strcmp(out, "corral-test\n") == 0, "hostname inside is %s", out);
    gethostname(host, sizeof host);
    CHECK(strcmp(host, "corral-test") != 0, "the host's hostname changed");
}

static const char status_script[] = "grep -E '^(Cap|NoNewPrivs)' /proc/self/status; id";

void check_caps_root(void) {
    const char *argv[] = {"sh", "-c", status_script, NULL};
    cspawn_config c = h_config(argv);
    uint64_t want = h_cap_mask(h_docker_caps, 14);
    char out[1024];
    int st;
    RUN(argv, &c, out, st);
    CHECK(h_status_hex(out, "CapBnd:") == want, "CapBnd %llx, want %llx\n%s",
          (unsigned long long)h_status_hex(out, "CapBnd:"), (unsigned long long)want, out);
    CHECK(h_status_hex(out, "CapEff:") == want, "CapEff wrong:\n%s", out);
    CHECK(h_status_hex(out, "CapPrm:") == want, "CapPrm wrong:\n%s", out);
    CHECK(h_status_hex(out, "CapInh:") == 0, "CapInh wrong:\n%s", out);
    CHECK(h_status_hex(out, "CapAmb:") == 0, "CapAmb wrong:\n%s", out);
    CHECK(strstr(out, "NoNewPrivs:\t1"), "no_new_privs not set:\n%s", out);
    CHECK(strstr(out, "uid=0(root) gid=0(root) groups=0(root)"), "identity:\n%s", out);
}

void check_caps_user(void) {
    const char *argv[] = {"sh", "-c", status_script, NULL};
    cspawn_config c = h_config(argv);
    char out[1024];
    int st;
    c.uid = 1000;
    c.gid = 1001;
    RUN(argv, &c, out, st);
    CHECK(strstr(out, "uid=1000 gid=1001 groups=1001"), "identity:\n%s", out);
    CHECK(h_status_hex(out, "CapBnd:") == h_cap_mask(h_docker_caps, 14), "CapBnd wrong:\n%s", out);
    CHECK(h_status_hex(out, "CapEff:") == 0 && h_status_hex(out, "CapPrm:") == 0,
          "a non-root user has capabilities:\n%s", out);
}

// Each masked path that exists on this host must read as empty inside.
void check_masked_paths(void) {
    static const char *const files[] = {"/proc/kcore", "/proc/keys", "/proc/timer_list",
                                        "/proc/interrupts", "/proc/latency_stats", "/proc/sched_debug"};
    static const char *const dirs[] = {"/sys/firmware", "/proc/acpi", "/proc/asound", "/proc/scsi"};
    char script[1024] = "", want[256] = "", out[1024];
    const char *argv[] = {"sh", "-c", script, NULL};
    cspawn_config c = h_config(argv);
    size_t i;
    int st, n = 0;
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (access(files[i], F_OK) < 0) continue;
        snprintf(script + strlen(script), sizeof script - strlen(script), "wc -c < %s; ", files[i]);
        strcat(want, "0\n");
        n++;
    }
    for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (access(dirs[i], F_OK) < 0) continue;
        snprintf(script + strlen(script), sizeof script - strlen(script), "ls -A %s | wc -l; ", dirs[i]);
        strcat(want, "0\n");
        n++;
    }
    CHECK(n >= 3, "this host has almost none of the masked paths");
    RUN(argv, &c, out, st);
    CHECK(strcmp(out, want) == 0, "masked paths show content (%s):\n%s", script, out);
}

// Field 5 of each mountinfo line is the mount point, field 6 its options.
void check_readonly_paths(void) {
    const char *argv[] = {"sh", "-c",
                          "echo x > /proc/sys/kernel/domainname && echo WROTE; "
                          "touch /sys/kernel/x 2>/dev/null && echo WROTE-SYS; "
                          "grep -E ' /proc/(bus|fs|irq|sys|sysrq-trigger) ' /proc/self/mountinfo", NULL};
    cspawn_config c = h_config(argv);
    static const char *const paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    char out[4096], *line, *save = NULL;
    int st, lines = 0, existing = 0;
    size_t i;
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) existing += access(paths[i], F_OK) == 0;
    RUN(argv, &c, out, st);
    CHECK(!strstr(out, "WROTE"), "a read-only path was writable:\n%s", out);
    CHECK(strstr(out, "Read-only file system"), "no EROFS:\n%s", out);
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char point[256], opts[256];
        if (sscanf(line, "%*s %*s %*s %*s %255s %255s", point, opts) != 2 || strncmp(point, "/proc/", 6) != 0)
            continue;
        CHECK(strncmp(opts, "ro,", 3) == 0 || strcmp(opts, "ro") == 0, "%s is %s", point, opts);
        lines++;
    }
    CHECK(lines == existing, "%d read-only mounts, %d such paths on the host", lines, existing);
}

void check_only_stdio_fds(void) {
    const char *argv[] = {"ls", "/proc/self/fd/", NULL};
    cspawn_config c = h_config(argv);
    char out[2048];
    int st, leaked;
    // An fd the caller forgot to mark CLOEXEC, pointing at a host directory.
    int dir = open(h_base, O_RDONLY | O_DIRECTORY);
    leaked = fcntl(dir, F_DUPFD, 50);
    close(dir);
    CHECK(leaked >= 50, "open");
    RUN(argv, &c, out, st);
    close(leaked);
    // 0, 1, 2 and ls's own handle on /proc/self/fd.
    CHECK(strcmp(out, "0\n1\n2\n3\n") == 0, "fds inside (fd %d leaked?):\n%s", leaked, out);
}

void check_chroot_escape(void) {
    char marker[400];
    const char *argv[] = {"escape", marker, "/etc/debian_version", "/tmp/corral-test-escape-probe", NULL};
    cspawn_config c = h_config(argv);
    char out[1024], path[512];
    int st;
    snprintf(marker, sizeof marker, "%s/host-marker", h_base);
    CHECK(h_write_file(marker, "host\n") == 0, "marker");
    CHECK(access("/etc/debian_version", F_OK) == 0, "the host has no /etc/debian_version to look for");
    snprintf(path, sizeof path, "%s/etc/debian_version", h_rootfs);
    CHECK(access(path, F_OK) < 0, "the rootfs must not have /etc/debian_version");
    RUN(argv, &c, out, st);
    CHECK(strstr(out, "chroot ok"), "the escape did not even chroot:\n%s", out);
    CHECK(strstr(out, "contained") && h_exit_code(st) == 0, "escaped:\n%s", out);
}

void check_dev(void) {
    const char *argv[] = {"sh", "-c",
                          "ls /dev | tr '\\n' ' '; echo; stat -c '%a %t,%T' /dev/null /dev/zero /dev/full "
                          "/dev/random /dev/urandom /dev/tty; stat -c %a /dev/shm; "
                          "head -c 5 /dev/zero | wc -c; readlink /dev/ptmx; grep -c devpts /proc/self/mountinfo",
                          NULL};
    cspawn_config c = h_config(argv);
    char out[2048];
    int st;
    RUN(argv, &c, out, st);
    CHECK(strstr(out, "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero \n"),
          "/dev holds:\n%s", out);
    CHECK(strstr(out, "666 1,3\n666 1,5\n666 1,7\n666 1,8\n666 1,9\n666 5,0\n"), "device nodes:\n%s", out);
    CHECK(strstr(out, "\n1777\n5\npts/ptmx\n1\n"), "shm, zero, ptmx or devpts wrong:\n%s", out);
}

// Root inside keeps CAP_MKNOD (docker's set); a node it makes must not open (on a real
// disk that would read the host's disk): the rootfs and /dev are nodev.
void check_mknod_useless(void) {
    const char *argv[] = {"sh", "-c",
                          "mknod /tmp/z c 1 5 && mknod /dev/z c 1 5 && echo made; "
                          "for f in /tmp/z /dev/z /dev/zero; do head -c 4 $f 2>&1 | tr -d '\\0'; echo \" $f\"; done",
                          NULL};
    cspawn_config c = h_config(argv);
    char out[1024];
    int st;
    RUN(argv, &c, out, st);
    CHECK(strncmp(out, "made\n", 5) == 0, "mknod itself failed, the check proves nothing:\n%s", out);
    CHECK(strstr(out, "head: /tmp/z: Permission denied\n /tmp/z\n") &&
          strstr(out, "head: /dev/z: Permission denied\n /dev/z\n"), "a node made inside opened:\n%s", out);
    CHECK(strstr(out, "\n /dev/zero\n"), "the real /dev/zero does not work:\n%s", out);
}

// A new user namespace would hand root inside a full capability set again (over that
// namespace), the first step of many kernel exploits; the kernel keyrings are not
// namespaced. The seccomp filter refuses both, and nothing else sysprobe tries.
void check_seccomp(void) {
    const char *argv[] = {"sh", "-c",
                          "unshare -U -r grep CapEff /proc/self/status; echo rc=$?; sysprobe; "
                          "grep -E '^Seccomp:' /proc/self/status", NULL};
    cspawn_config c = h_config(argv);
    char out[2048];
    int st;
    RUN(argv, &c, out, st);
    CHECK(!strstr(out, "CapEff"), "a user namespace was created:\n%s", out);
    CHECK(strstr(out, "Operation not permitted") && strstr(out, "rc=1"), "unshare -U not refused:\n%s", out);
    CHECK(strstr(out, "unshare-user EPERM\nclone-user EPERM\nclone3 ENOSYS\nkeyctl EPERM\nadd_key EPERM\n"
                      "clone-plain ok\nunshare-uts EPERM\n"), "probe:\n%s", out);
    CHECK(strstr(out, "Seccomp:\t2"), "no seccomp filter:\n%s", out);
}

void check_net_none(void) {
    const char *argv[] = {"sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; ip link show lo", NULL};
    cspawn_config c = h_config(argv);
    char out[2048];
    int st;
    RUN(argv, &c, out, st);
    CHECK(strncmp(out, "lo\n", 3) == 0 && !strstr(out, "eth0"), "interfaces:\n%s", out);
    CHECK(strstr(out, "<LOOPBACK,UP"), "lo is not up:\n%s", out);
}

static void *make_netns(void *result) {
    *(int *)result = cspawn_make_netns();
    return NULL;
}

// A namespace made ahead on another thread (as the Engine's SpareNetns does) is the one the
// container gets, with lo up, and its fd does not follow the program inside.
void check_net_prepared(void) {
    const char *argv[] = {"sh", "-c", "readlink /proc/self/ns/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; "
                          "ip link show lo; ls /proc/self/fd | tr '\\n' ' '", NULL};
    cspawn_config c = h_config(argv);
    char out[2048], want[64], host[64];
    struct stat ns;
    pthread_t t;
    int st, fd = -1;
    ssize_t n;
    CHECK(pthread_create(&t, NULL, make_netns, &fd) == 0 && pthread_join(t, NULL) == 0, "thread");
    CHECK(fd >= 0, "cspawn_make_netns: %s", strerror(-fd));
    n = readlink("/proc/thread-self/ns/net", host, sizeof host - 1);
    host[n > 0 ? n : 0] = 0;
    CHECK(fstat(fd, &ns) == 0, "fstat");
    snprintf(want, sizeof want, "net:[%lu]\n", (unsigned long)ns.st_ino);
    CHECK(strcmp(want, host) != 0 && strncmp(want, host, strlen(host)) != 0, "the caller's thread was moved: %s", host);
    c.join_netns = 1;
    c.netns_fd = fd;
    RUN(argv, &c, out, st);
    close(fd);
    CHECK(strncmp(out, want, strlen(want)) == 0, "not the prepared netns (%s):\n%s", want, out);
    CHECK(strstr(out, "\nlo\n") && !strstr(out, "eth0"), "interfaces:\n%s", out);
    CHECK(strstr(out, "<LOOPBACK,UP"), "lo is not up:\n%s", out);
    // 0-2 and ls's own directory fd, nothing else.
    CHECK(strlen(out) >= 9 && strcmp(out + strlen(out) - 9, "\n0 1 2 3 ") == 0, "fds inside:\n%s", out);
}

// What the harness does when run as "harness run ...": early_netns.c's constructor has run
// with that command line. Exit 0 when what it started (or not) matches `--net host`'s absence:
// a namespace of its own, not this thread's, made on the constructor's thread.
int h_early_netns_child(int argc, char **argv) {
    char self[64], made[64];
    struct stat ns;
    pthread_t t;
    int32_t *result = cspawn_claim_early_netns(&t);
    int host = argc > 3 && strcmp(argv[2], "--net") == 0 && strcmp(argv[3], "host") == 0;
    ssize_t n;
    if (host) return result == NULL ? 0 : 3;
    if (result == NULL) return 4;
    if (cspawn_claim_early_netns(&t) != NULL) return 5;   // handed over once
    if (pthread_join(t, NULL) != 0 || *result < 0 || fstat(*result, &ns) != 0) return 6;
    n = readlink("/proc/thread-self/ns/net", self, sizeof self - 1);
    if (n <= 0) return 8;
    self[n] = 0;
    snprintf(made, sizeof made, "net:[%lu]", (unsigned long)ns.st_ino);
    return strcmp(made, self) != 0 ? 0 : 7;
}

// `corral run` begins its network namespace from a constructor, before main (early_netns.c):
// which command lines do, and that the thread it starts makes one and hands it over once.
void check_net_early(void) {
    static const struct { const char *args[8]; int wanted; } cases[] = {
        {{"corral", "run", "--rm", "--rootfs", "r", "--", "true"}, 1},
        {{"corral", "--root", "/x", "run", "busybox"}, 1},
        {{"corral", "--root=/x", "--cgroup-parent", "p", "run", "-d", "busybox"}, 1},
        {{"corral", "run", "--net", "none", "busybox"}, 1},
        {{"corral", "run", "--rm", "--", "sh", "--net", "host"}, 1},
        {{"corral", "run", "--net", "host", "busybox"}, 0},
        {{"corral", "run", "--net=host", "busybox"}, 0},
        {{"corral", "run", "-d", "--network", "host", "busybox"}, 0},
        {{"corral", "--root", "run", "ps"}, 0},
        {{"corral", "ps"}, 0},
        {{"corral", "top"}, 0},
        {{"corral"}, 0},
    };
    char *const *args;
    int argc, st;
    pid_t pid;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        args = (char *const *)cases[i].args;
        for (argc = 0; argc < 8 && args[argc]; argc++) {}
        CHECK(cspawn_early_netns_wanted(argc, args) == cases[i].wanted, "case %zu (%s %s ...): wanted should be %d",
              i, args[1] ? args[1] : "", argc > 2 ? args[2] : "", cases[i].wanted);
    }
    CHECK(cspawn_claim_early_netns(&(pthread_t){0}) == NULL, "started for the harness's own command line");
    for (int host = 0; host <= 1; host++) {
        char *const child[] = {"harness", "run", host ? "--net" : "--rm", host ? "host" : "x", NULL};
        pid = fork();
        CHECK(pid >= 0, "fork");
        if (pid == 0) {
            execv("/proc/self/exe", child);
            _exit(127);
        }
        CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "harness run did not exit");
        CHECK(WEXITSTATUS(st) == 0, "harness run %s: exit %d", host ? "--net host" : "", WEXITSTATUS(st));
    }
}

void check_net_host(void) {
    const char *argv[] = {"sh", "-c",
                          "cat /proc/net/dev; ls -A /sys/fs/cgroup | wc -l; "
                          "grep ' /sys ' /proc/self/mountinfo; touch /sys/x 2>/dev/null && echo WROTE", NULL};
    cspawn_config c = h_config(argv);
    char out[4096], *sys;
    int st;
    c.share_host_net = 1;
    RUN(argv, &c, out, st);
    CHECK(strstr(out, "eth0:"), "the host's interfaces are not there:\n%s", out);
    CHECK(strstr(out, "\n0\n"), "host cgroup mounts are visible under /sys:\n%s", out);
    sys = strstr(out, " /sys ");
    CHECK(sys && strncmp(sys + 6, "ro", 2) == 0, "/sys not read-only:\n%s", out);
    CHECK(!strstr(out, "WROTE"), "/sys writable");
}

void check_workdir_env(void) {
    const char *argv[] = {"sh", "-c", "pwd; echo $FOO; umask", NULL};
    const char *env[] = {"FOO=bar baz", "PATH=/bin", NULL};
    cspawn_config c = h_config(argv);
    char out[256];
    int st;
    c.workdir = "/tmp";
    c.envp = env;
    RUN(argv, &c, out, st);
    CHECK(strcmp(out, "/tmp\nbar baz\n0022\n") == 0, "got:\n%s", out);
}

// A mount made inside (as root with the container's capabilities it would fail; here the
// runtime's own mounts) must not show up on the host: count the host's mounts around a run.
void check_no_propagation(void) {
    const char *argv[] = {"sh", "-c", "grep -c . /proc/self/mountinfo", NULL};
    cspawn_config c = h_config(argv);
    char out[256], before[65536], after[65536];
    int st;
    CHECK(h_read_file("/proc/self/mountinfo", before, sizeof before) == 0, "mountinfo");
    RUN(argv, &c, out, st);
    CHECK(h_read_file("/proc/self/mountinfo", after, sizeof after) == 0, "mountinfo");
    CHECK(strcmp(before, after) == 0, "the host's mount table changed");
    CHECK(atoi(out) > 5 && !strstr(out, "corral-test"), "container mount count %s", out);
}
