// The container's filesystem view: the rootfs bound onto itself and pivoted into, fresh
// /proc and /sys, and runc's masked and read-only paths.
//
// Order matters. Everything that needs a host path (the rootfs, host /sys for --net host)
// is mounted while the host root is still there, relative to the rootfs as cwd; then
// pivot_root(".", ".") and a lazy unmount of the old root leave nothing of the host behind
// (so chroot + chdir("..") finds no way out); the masks go on last, by absolute path, which
// now can only resolve inside the container.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const masked_paths[] = {
    "/proc/acpi",      "/proc/asound",       "/proc/kcore",      "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",      "/sys/firmware",      "/proc/interrupts",
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

// A rootfs whose /proc, /dev or /sys is a symlink would have the kernel mount over
// wherever it points: refuse it (runc does too). A missing mount point is created.
static void require_plain_dir(int sock, const char *path) {
    struct stat st;
    if (lstat(path + 1, &st) == 0) {
        if (S_ISLNK(st.st_mode)) cs_child_fail(sock, ELOOP, "unsafe rootfs", path);
        if (!S_ISDIR(st.st_mode)) cs_child_fail(sock, ENOTDIR, "unsafe rootfs", path);
        return;
    }
    if (errno != ENOENT) cs_child_fail(sock, errno, "lstat", path);
    if (mkdir(path + 1, 0755) < 0) cs_child_fail(sock, errno, "mkdir", path);
}

// Per-mount flags that a bind remount must repeat, or it would silently drop them. statfs,
// not statvfs: glibc's statvfs may fall back to parsing /proc/mounts with stdio. The ST_*
// bits in f_flags have the values of the matching MS_* flags.
static unsigned long kept_mount_flags(const char *path) {
    struct statfs sf;
    if (statfs(path, &sf) < 0) return MS_NOSUID | MS_NODEV | MS_NOEXEC;
    return (unsigned long)sf.f_flags &
           (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
}

static void mount_sys(const cs_plan *p) {
    int sock = p->sock;
    if (!p->cfg->share_host_net) {
        // sysfs shows the network devices of the mounter's netns: the new one.
        if (p->cfg->netns_at_gate) cs_child_take_netns(p);
        if (mount("sysfs", "sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            cs_child_fail(sock, errno, "mount sysfs", "/sys");
        return;
    }
    // Not recursive: /sys/fs/cgroup and friends stay out, so the container cannot write
    // its own cgroup limits through them.
    if (mount("/sys", "sys", NULL, MS_BIND, NULL) < 0)
        cs_child_fail(sock, errno, "bind host sysfs", "/sys");
    if (mount(NULL, "sys", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) < 0)
        cs_child_fail(sock, errno, "remount read-only", "/sys");
}

void cs_setup_rootfs(const cs_plan *p) {
    const char *rootfs = p->cfg->rootfs;
    int sock = p->sock;
    if (!rootfs || rootfs[0] != '/') cs_child_fail(sock, EINVAL, "rootfs must be absolute", rootfs);
    // Nothing mounted from here on may propagate back to the host.
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        cs_child_fail(sock, errno, "make mounts slave", "/");
    // pivot_root needs the new root to be a mount point.
    if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        cs_child_fail(sock, errno, "bind rootfs", rootfs);
    // nodev: a device node made inside (CAP_MKNOD is in the default set) must not open the
    // host's disk. The real nodes in /dev are bound from the host (devices.c).
    if (mount(NULL, rootfs, NULL, MS_BIND | MS_REMOUNT | MS_NODEV | kept_mount_flags(rootfs), NULL) < 0)
        cs_child_fail(sock, errno, "remount nodev", rootfs);
    if (chdir(rootfs) < 0) cs_child_fail(sock, errno, "chdir", rootfs);

    require_plain_dir(sock, "/proc");
    require_plain_dir(sock, "/dev");
    require_plain_dir(sock, "/sys");

    // Owned by the new pid namespace: shows only the container's processes.
    if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        cs_child_fail(sock, errno, "mount proc", "/proc");
    cs_setup_dev(sock);
    mount_sys(p);

    if (syscall(SYS_pivot_root, ".", ".") < 0) cs_child_fail(sock, errno, "pivot_root", rootfs);
    // The old root now sits on top of "."; detach it and everything under it.
    if (umount2(".", MNT_DETACH) < 0) cs_child_fail(sock, errno, "detach old root", "/");
    if (chdir("/") < 0) cs_child_fail(sock, errno, "chdir", "/");
}

void cs_setup_masks(int sock) {
    size_t i;
    for (i = 0; i < sizeof masked_paths / sizeof masked_paths[0]; i++) {
        const char *path = masked_paths[i];
        struct stat st;
        if (lstat(path, &st) < 0) {
            if (errno == ENOENT) continue;
            cs_child_fail(sock, errno, "lstat", path);
        }
        if (S_ISDIR(st.st_mode)) {
            if (mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0)
                cs_child_fail(sock, errno, "mask directory", path);
        } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
            cs_child_fail(sock, errno, "mask file", path);
        }
    }
    for (i = 0; i < sizeof readonly_paths / sizeof readonly_paths[0]; i++) {
        const char *path = readonly_paths[i];
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
            if (errno == ENOENT) continue;
            cs_child_fail(sock, errno, "bind read-only path", path);
        }
        if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_mount_flags(path), NULL) < 0)
            cs_child_fail(sock, errno, "remount read-only", path);
    }
}
