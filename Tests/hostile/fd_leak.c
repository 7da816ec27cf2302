// Looks for a way back to the host through file descriptors (CVE-2024-21626): any fd above 2
// in this process or in pid 1, a directory on stdio, a cwd outside the root. The test starts
// corral with host directories open on extra fds; the names given here exist only in those.
// Usage: fd_leak MARKER_NAME...
#include "hostile.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_markers(const char *label, int dirfd, int argc, char **argv) {
    int i;
    for (i = 1; i < argc; i++) {
        int fd = openat(dirfd, argv[i], O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            escaped("%s: opened the host's %s through it", label, argv[i]);
            close(fd);
        }
    }
}

// The fds of /proc/<who>/fd, except `skip` (the listing's own fd).
static void scan(const char *who, int skip, int argc, char **argv) {
    char dirpath[64];
    DIR *d;
    struct dirent *e;
    snprintf(dirpath, sizeof dirpath, "/proc/%s/fd", who);
    d = opendir(dirpath);
    if (!d) {
        refused(dirpath, errno);
        return;
    }
    while ((e = readdir(d))) {
        char path[512], link[4096], label[4700];
        struct stat st;
        ssize_t n;
        int fd;
        if (e->d_name[0] == '.') continue;
        fd = atoi(e->d_name);
        if (fd == dirfd(d) && skip) continue;
        snprintf(path, sizeof path, "%s/%s", dirpath, e->d_name);
        n = readlink(path, link, sizeof link - 1);
        link[n < 0 ? 0 : n] = '\0';
        snprintf(label, sizeof label, "/proc/%s/fd/%d -> %s", who, fd, link);
        if (fd > 2) escaped("%s is open", label);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            escaped("%s is a directory", label);
            if (dfd >= 0) {
                try_markers(label, dfd, argc, argv);
                close(dfd);
            }
        }
    }
    closedir(d);
    printf("ok scanned %s\n", dirpath);
}

// Walks ".." from the cwd: it must arrive at this process's root, not at another one.
static void check_cwd(void) {
    struct stat root, here, up;
    int i;
    char buf[4096];
    if (stat("/", &root) != 0) broken("stat /");
    if (!getcwd(buf, sizeof buf)) escaped("cwd is unreachable from the root (getcwd: %s)", strerror(errno));
    else printf("ok cwd %s\n", buf);
    if (stat(".", &here) != 0) broken("stat .");
    for (i = 0; i < 512; i++) {
        if (here.st_ino == root.st_ino && here.st_dev == root.st_dev) return;
        if (chdir("..") != 0 || stat(".", &up) != 0) broken("chdir ..");
        if (up.st_ino == here.st_ino && up.st_dev == here.st_dev) break;
        here = up;
    }
    escaped("cwd leads up to a root that is not ours");
}

int main(int argc, char **argv) {
    struct rlimit rl;
    long fd, max;
    int i;
    // Every fd number, not just the listed ones.
    max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1 << 20 ? (long)rl.rlim_cur : 1 << 16;
    for (fd = 3; fd < max; fd++)
        if (fcntl((int)fd, F_GETFD) >= 0) escaped("fd %ld is open", fd);
    printf("ok no fd above 2 among %ld\n", max);
    for (i = 0; i < 3; i++) try_markers("stdio", i, argc, argv);
    scan("self", 1, argc, argv);
    if (getpid() != 1) scan("1", 0, argc, argv);
    check_cwd();
    return finish();
}
