// The container's init between clone() and execve(): its cgroups, then namespaces' contents
// (hostname, lo, mounts, /dev, masks, pty) -- or those first and the cgroups at the start gate --
// then the common launch steps. Every failure goes back to the parent as (errno, step, path).
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// A directory on the way to the working directory, looked up from the container's root
// without magic links: the fds here are not close-on-exec yet (launch.c), and a WorkingDir
// through /proc/self/fd/N would lead the mkdir below out of the container.
static int open_in_root(const char *path) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

// docker's rule: a working directory the root filesystem lacks (--workdir, an image's
// WorkingDir) is made, owned by root, mode 0755, one part at a time, each made in its parent
// as opened above (a symlink on the way resolves inside the new root, which is / here).
static void make_workdir(int sock, const char *workdir) {
    char path[4096];
    size_t i, n, cut = 0;
    int fd, parent;
    if (!workdir || workdir[0] != '/') return;
    n = strlen(workdir);
    if (n >= sizeof path) cs_child_fail(sock, ENAMETOOLONG, "mkdir", workdir);
    memcpy(path, workdir, n + 1);
    for (i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != 0) continue;
        if (i == cut + 1) { cut = i; continue; }   // "//"
        path[i] = 0;
        fd = open_in_root(path);
        if (fd < 0 && errno == ENOENT) {
            path[cut] = 0;
            parent = open_in_root(cut ? path : "/");
            path[cut] = '/';
            if (parent < 0) cs_child_fail(sock, errno, "mkdir", path);
            if (mkdirat(parent, path + cut + 1, 0755) < 0 && errno != EEXIST) {
                int e = errno;
                close(parent);
                cs_child_fail(sock, e, "mkdir", path);
            }
            close(parent);
            fd = open_in_root(path);
        }
        if (fd < 0) cs_child_fail(sock, errno, "mkdir", path);
        close(fd);
        path[i] = workdir[i];
        cut = i;
    }
}

int cs_container_init(void *arg) {
    const cs_plan *p = arg;
    const cspawn_config *cfg = p->cfg;
    cspawn_error e;
    struct pollfd parent;
    int slave = -1;

    // Dies with the process that cloned it. A parent killed before this line sends no
    // signal, but it has closed its end of the report socket: that shows as a hang-up.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) cs_child_fail(p->sock, errno, "pdeathsig", "");
    close(p->peer);
    if (cfg->gate) close(cfg->gate_peer_fd);
    parent = (struct pollfd){.fd = p->sock, .events = POLLIN};
    if (poll(&parent, 1, 0) != 0) _exit(127);

    // Into its cgroups before anything it runs can use CPU or fork ("0": the writer itself;
    // the parent is suspended until execve, see cspawn_start). Through the start gate, once the
    // caller has made them, after the setup below: the cgroups' paths are out of reach after
    // pivot_root, so their files come open.
    if (!cfg->gate && cs_enter_cgroups(cfg->cgroup_join, &e) < 0) cs_child_fail(p->sock, e.err, e.step, e.path);
    umask(0);   // modes below are meant exactly as written; launch sets 022 again
    if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
        cs_child_fail(p->sock, errno, "sethostname", cfg->hostname);
    if (cfg->share_host_net || cfg->netns_at_gate) {
        // The host's; or one that comes through the gate (mounts.c, before sysfs).
    } else if (cfg->join_netns) {
        // Made ahead by the caller (a fresh namespace is ~1 ms of kernel work); before sysfs
        // is mounted, which shows the devices of the mounter's netns.
        if (setns(cfg->netns_fd, CLONE_NEWNET) < 0) cs_child_fail(p->sock, errno, "setns", "prepared netns");
    } else {
        cs_loopback_up(p->sock);
    }
    cs_setup_rootfs(p);
    cs_setup_masks(p->sock);
    if (cfg->tty) slave = cs_open_pty(p, 1);
    if (cfg->gate) cs_child_pass_gate(p);
    // After the gate: a start called off there leaves no directory made in the rootfs.
    make_workdir(p->sock, cfg->workdir);
    cs_launch(p, slave);
}
