// The container's /dev: a small tmpfs with the device nodes runc and docker give every
// container, the usual symlinks, a private devpts instance, /dev/shm and /dev/mqueue.
// Runs before pivot_root with the rootfs as cwd, so every path is relative ("dev/null");
// the host's /dev is still reachable for the bind fallback.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

// Each path is shown to the user as written and used relative to the rootfs as path + 1.
static const struct {
    const char *path;
    unsigned major, minor;
} nodes[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
    const char *path, *target;
} links[] = {
    {"/dev/fd", "/proc/self/fd"},         {"/dev/stdin", "/proc/self/fd/0"},
    {"/dev/stdout", "/proc/self/fd/1"},   {"/dev/stderr", "/proc/self/fd/2"},
    {"/dev/ptmx", "pts/ptmx"},
};

// mknod is refused where the caller lacks CAP_MKNOD (e.g. in a user namespace): bind the
// host's node over an empty file instead.
static void make_node(int sock, const char *path, unsigned major, unsigned minor) {
    int fd;
    if (mknod(path + 1, S_IFCHR | 0666, makedev(major, minor)) == 0) return;
    if (errno != EPERM) cs_child_fail(sock, errno, "mknod", path);
    fd = open(path + 1, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) cs_child_fail(sock, errno, "create", path);
    close(fd);
    if (mount(path, path + 1, NULL, MS_BIND, NULL) < 0) cs_child_fail(sock, errno, "bind device", path);
}

static void make_dir(int sock, const char *path, mode_t mode) {
    if (mkdir(path + 1, mode) < 0 && errno != EEXIST) cs_child_fail(sock, errno, "mkdir", path);
}

void cs_setup_dev(int sock) {
    size_t i;
    if (mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
        cs_child_fail(sock, errno, "mount tmpfs", "/dev");
    for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
        make_node(sock, nodes[i].path, nodes[i].major, nodes[i].minor);
    for (i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlink(links[i].target, links[i].path + 1) < 0)
            cs_child_fail(sock, errno, "symlink", links[i].path);

    make_dir(sock, "/dev/pts", 0755);
    if (mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0)
        cs_child_fail(sock, errno, "mount devpts", "/dev/pts");

    make_dir(sock, "/dev/shm", 01777);
    if (mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=1777,size=65536k") < 0)
        cs_child_fail(sock, errno, "mount tmpfs", "/dev/shm");

    // POSIX message queues are optional: a kernel without them still runs containers.
    make_dir(sock, "/dev/mqueue", 0755);
    if (mount("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        rmdir("dev/mqueue");
}
