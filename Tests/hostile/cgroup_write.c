// The container's own limits, from inside: cgroupfs is not mounted, /sys is read-only, a
// new cgroupfs or cgroup namespace needs CAP_SYS_ADMIN. Tries to raise pids.max, the
// memory and CPU limits at every place the container could find them.
// Usage: cgroup_write
#include "hostile.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

static const char *const knobs[] = {
    "pids.max", "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.max",
    "cpu.cfs_quota_us", "cpu.max", "cgroup.procs", "freezer.state", "release_agent", "notify_on_release",
};

static int attempts, absent;

// Only refusals other than "no such file" get a line of their own: most places are empty.
static void try_write(const char *path, const char *value) {
    char label[2600];
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    attempts++;
    snprintf(label, sizeof label, "write %s", path);
    if (fd < 0) {
        if (errno == ENOENT) absent++;
        else refused(label, errno);
        return;
    }
    if (write(fd, value, strlen(value)) >= 0) escaped("%s (wrote %s)", label, value);
    else refused(label, errno);
    close(fd);
}

int main(void) {
    char line[1024];
    FILE *f = fopen("/proc/self/cgroup", "r");
    size_t i;
    if (!f) broken("open /proc/self/cgroup");
    // "id:controllers:/path": try the path under every place a hierarchy could be mounted.
    while (fgets(line, sizeof line, f)) {
        char *ctl = strchr(line, ':'), *path, *nl;
        char dir[1200], file[2400];
        if (!ctl) continue;
        ctl++;
        path = strchr(ctl, ':');
        if (!path) continue;
        *path++ = '\0';
        if ((nl = strchr(path, '\n'))) *nl = '\0';
        if (strncmp(ctl, "name=", 5) == 0) ctl += 5;
        snprintf(dir, sizeof dir, "/sys/fs/cgroup/%s%s", ctl[0] ? ctl : "unified", path);
        for (i = 0; i < sizeof knobs / sizeof knobs[0]; i++) {
            snprintf(file, sizeof file, "%s/%s", dir, knobs[i]);
            try_write(file, strcmp(knobs[i], "cgroup.procs") == 0 ? "1" : "max");
        }
    }
    fclose(f);
    for (i = 0; i < sizeof knobs / sizeof knobs[0]; i++) {
        char file[256];
        snprintf(file, sizeof file, "/sys/fs/cgroup/%s", knobs[i]);
        try_write(file, "max");
    }
    printf("ok %d of %d knob writes found no such file\n", absent, attempts);
    expect_fail("mkdir in /sys/fs/cgroup", mkdir("/sys/fs/cgroup/hostile", 0755));
    mkdir("/tmp/hostile-cg", 0755);
    expect_fail("mount cgroup v1 pids", mount("cgroup", "/tmp/hostile-cg", "cgroup", 0, "pids"));
    expect_fail("mount cgroup2", mount("cgroup2", "/tmp/hostile-cg", "cgroup2", 0, NULL));
    expect_fail("unshare(CLONE_NEWCGROUP)", unshare(CLONE_NEWCGROUP));
    return finish();
}
