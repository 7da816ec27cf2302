// Mounts that would reach the host: its disk (through a node made with CAP_MKNOD), a new
// proc (which, outside our pid namespace, would list host pids), sysfs, cgroupfs (the
// release_agent escape, CVE-2022-0492), a bind of /, and the new mount API. All need
// CAP_SYS_ADMIN, which a default container lacks.
// Usage: mount_host DISK_MAJOR DISK_MINOR HOST_PID
#include "hostile.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

// If a proc did mount, does it show the host's pids?
static void inspect_proc(const char *dir, const char *host_pid) {
    char path[256];
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) return;
    while ((e = readdir(d)))
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9') n++;
    closedir(d);
    snprintf(path, sizeof path, "%s/%s", dir, host_pid);
    if (access(path, F_OK) == 0 || n > 50) escaped("the new proc lists %d pids (host pid %s %s)", n, host_pid, access(path, F_OK) == 0 ? "visible" : "hidden");
    umount2(dir, MNT_DETACH);
}

static void try_mount(const char *label, const char *src, const char *target, const char *type,
                      unsigned long flags, const char *data, const char *host_pid) {
    mkdir(target, 0755);
    if (mount(src, target, type, flags, data) == 0) {
        escaped("%s mounted on %s", label, target);
        if (type && strcmp(type, "proc") == 0) inspect_proc(target, host_pid);
        else umount2(target, MNT_DETACH);
    } else {
        refused(label, errno);
    }
}

int main(int argc, char **argv) {
    unsigned maj, min;
    const char *host_pid;
    if (argc < 4) broken("usage");
    maj = (unsigned)atoi(argv[1]);
    min = (unsigned)atoi(argv[2]);
    host_pid = argv[3];

    if (mknod("/tmp/hostile-disk", S_IFBLK | 0600, makedev(maj, min)) != 0)
        refused("mknod of the host disk for mounting", errno);
    try_mount("mount of the host disk (ext4)", "/tmp/hostile-disk", "/tmp/hostile-mnt-disk", "ext4", MS_RDONLY, NULL, host_pid);
    try_mount("mount of the host disk (auto)", "/tmp/hostile-disk", "/tmp/hostile-mnt-disk2", "xfs", MS_RDONLY, NULL, host_pid);
    unlink("/tmp/hostile-disk");
    try_mount("mount of a new proc", "proc", "/tmp/hostile-mnt-proc", "proc", 0, NULL, host_pid);
    try_mount("mount of sysfs", "sysfs", "/tmp/hostile-mnt-sys", "sysfs", 0, NULL, host_pid);
    try_mount("mount of cgroup v1 (memory)", "cgroup", "/tmp/hostile-mnt-cg", "cgroup", 0, "memory", host_pid);
    try_mount("mount of cgroup v1 (rdma, for release_agent)", "cgroup", "/tmp/hostile-mnt-cg1", "cgroup", 0, "rdma", host_pid);
    try_mount("mount of cgroup2", "cgroup2", "/tmp/hostile-mnt-cg2", "cgroup2", 0, NULL, host_pid);
    try_mount("mount of tmpfs", "tmpfs", "/tmp/hostile-mnt-tmp", "tmpfs", 0, NULL, host_pid);
    try_mount("bind mount of /", "/", "/tmp/hostile-mnt-bind", NULL, MS_BIND | MS_REC, NULL, host_pid);
    try_mount("remount of / with devices", NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL, host_pid);
    expect_fail("fsopen(proc)", syscall(SYS_fsopen, "proc", 0));
    expect_fail("open_tree(/, OPEN_TREE_CLONE)", syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE));
    expect_fail("umount2(/proc)", umount2("/proc", MNT_DETACH));
    expect_fail("umount2(/proc/sys)", umount2("/proc/sys", MNT_DETACH));
    expect_fail("umount2(/)", umount2("/", MNT_DETACH));
    return finish();
}
