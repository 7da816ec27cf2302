// The container's /dev: a small tmpfs with the device nodes runc and docker give every
// container, the usual symlinks, a private devpts instance, /dev/shm and /dev/mqueue.
// Runs before pivot_root with the rootfs as cwd, so every path is relative ("dev/null")
// and the host's /dev is still reachable.
//
// The tmpfs is nodev, like the rootfs (mounts.c): the container keeps CAP_MKNOD (docker's
// default set), and without a devices cgroup a node it makes could be the host's disk.
// So the six nodes are not made here but bound from the host's /dev: a bind mount keeps
// the flags of its source mount, so they work while anything made later does not.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

// Each path is shown to the user as written and used relative to the rootfs as path + 1;
// the host node has the same absolute path.
static const char *const nodes[] = {
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

static const struct {
    const char *path, *target;
} links[] = {
    {"/dev/fd", "/proc/self/fd"},         {"/dev/stdin", "/proc/self/fd/0"},
    {"/dev/stdout", "/proc/self/fd/1"},   {"/dev/stderr", "/proc/self/fd/2"},
    {"/dev/ptmx", "pts/ptmx"},
};

static void bind_node(int sock, const char *path) {
    int fd = open(path + 1, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) cs_child_fail(sock, errno, "create", path);
    close(fd);
    if (mount(path, path + 1, NULL, MS_BIND, NULL) < 0) cs_child_fail(sock, errno, "bind device", path);
}

static void make_dir(int sock, const char *path, mode_t mode) {
    if (mkdir(path + 1, mode) < 0 && errno != EEXIST) cs_child_fail(sock, errno, "mkdir", path);
}

void cs_setup_dev(int sock) {
    size_t i;
    if (mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=755,size=65536k") < 0)
        cs_child_fail(sock, errno, "mount tmpfs", "/dev");
    for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++) bind_node(sock, nodes[i]);
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
