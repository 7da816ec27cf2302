// Writes to the host kernel through /proc: sysrq-trigger, /proc/sys, a remounted or unmasked
// /proc/sys; reads of /proc/kcore and other masked files. Nothing is written even if an open
// succeeds: the open for writing is already the escape, and the test machine must survive.
// Usage: proc_write
#include "hostile.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void open_for_write(const char *path) {
    char label[256];
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    snprintf(label, sizeof label, "open %s for writing", path);
    if (fd >= 0) {
        escaped("%s succeeded", label);
        close(fd);
    } else {
        refused(label, errno);
    }
}

// Masked: absent, or an empty file / empty directory.
static void read_masked(const char *path) {
    char label[256], buf[4096];
    struct stat st;
    int fd;
    ssize_t n;
    snprintf(label, sizeof label, "read %s", path);
    if (stat(path, &st) != 0) {
        refused(label, errno);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        int entries = 0;
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) entries++;
        if (d) closedir(d);
        if (entries > 0) escaped("%s lists %d entries", path, entries);
        else refused(label, ENOENT);
        return;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        refused(label, errno);
        return;
    }
    n = read(fd, buf, sizeof buf);
    close(fd);
    if (n > 0) escaped("%s gave %zd bytes", label, n);
    else refused(label, n < 0 ? errno : ENODATA);
}

int main(void) {
    open_for_write("/proc/sysrq-trigger");
    open_for_write("/proc/sys/kernel/core_pattern");
    open_for_write("/proc/sys/kernel/modprobe");
    open_for_write("/proc/sys/vm/drop_caches");
    open_for_write("/proc/sys/kernel/hostname");
    open_for_write("/proc/sys/fs/binfmt_misc/register");
    open_for_write("/sys/kernel/uevent_helper");
    open_for_write("/sys/kernel/mm/transparent_hugepage/enabled");
    expect_fail("remount /proc/sys read-write", mount(NULL, "/proc/sys", NULL, MS_REMOUNT | MS_BIND, NULL));
    expect_fail("remount /proc/sysrq-trigger read-write", mount(NULL, "/proc/sysrq-trigger", NULL, MS_REMOUNT | MS_BIND, NULL));
    expect_fail("remount /sys read-write", mount(NULL, "/sys", NULL, MS_REMOUNT, NULL));
    expect_fail("unmount the /proc/kcore mask", umount2("/proc/kcore", MNT_DETACH));
    open_for_write("/proc/sysrq-trigger");
    read_masked("/proc/kcore");
    read_masked("/proc/keys");
    read_masked("/proc/timer_list");
    read_masked("/proc/sched_debug");
    read_masked("/proc/latency_stats");
    read_masked("/proc/acpi");
    read_masked("/proc/scsi");
    read_masked("/sys/firmware");
    return finish();
}
