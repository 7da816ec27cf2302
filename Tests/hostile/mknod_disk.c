// CAP_MKNOD is in Docker's default set, so making a device node must not be enough to read
// the host's disk or memory: every mount the container can write to is nodev, and the few
// real nodes in /dev are bound from the host. Tries a block node of the host disk and char
// nodes of /dev/mem, /dev/port and /dev/kmsg on every writable mount in the container.
// Usage: mknod_disk DISK_MAJOR DISK_MINOR
#include "hostile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void try_node(const char *dir, const char *label, mode_t type, unsigned maj, unsigned min) {
    char path[512], what[768], buf[512];
    int fd;
    ssize_t n;
    snprintf(path, sizeof path, "%s%shostile-node-%u-%u", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", maj, min);
    snprintf(what, sizeof what, "%s node %u:%u at %s", label, maj, min, path);
    unlink(path);
    if (mknod(path, type | 0600, makedev(maj, min)) != 0) {
        char l[800];
        snprintf(l, sizeof l, "mknod %s", what);
        refused(l, errno);
        return;
    }
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        char l[800];
        snprintf(l, sizeof l, "open %s", what);
        refused(l, errno);
        unlink(path);
        return;
    }
    n = read(fd, buf, sizeof buf);
    escaped("opened %s (read gave %zd)", what, n);
    close(fd);
    unlink(path);
}

int main(int argc, char **argv) {
    char line[4096];
    FILE *mi;
    unsigned maj, min;
    int tried = 0;
    if (argc < 3) broken("usage");
    maj = (unsigned)atoi(argv[1]);
    min = (unsigned)atoi(argv[2]);
    mi = fopen("/proc/self/mountinfo", "r");
    if (!mi) broken("open /proc/self/mountinfo");
    while (fgets(line, sizeof line, mi)) {
        char mountpoint[1024], opts[1024];
        // id parent major:minor root mountpoint options ...
        if (sscanf(line, "%*s %*s %*s %*s %1023s %1023s", mountpoint, opts) != 2) continue;
        if (strncmp(opts, "rw", 2) != 0) continue;
        if (access(mountpoint, W_OK) != 0) continue;
        {
            struct stat st;
            if (stat(mountpoint, &st) != 0 || !S_ISDIR(st.st_mode)) continue;   // a bound /dev/null
        }
        try_node(mountpoint, "host disk", S_IFBLK, maj, min);
        try_node(mountpoint, "/dev/mem", S_IFCHR, 1, 1);
        try_node(mountpoint, "/dev/port", S_IFCHR, 1, 4);
        try_node(mountpoint, "/dev/kmsg", S_IFCHR, 1, 11);
        tried++;
    }
    fclose(mi);
    try_node("/tmp", "host disk", S_IFBLK, maj, min);
    if (tried == 0) broken("no writable mount found to try");
    printf("ok tried %d writable mounts\n", tried);
    return finish();
}
