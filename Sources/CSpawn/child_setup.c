// The container's init between clone() and execve(): wait until the parent has put it in
// its cgroups, then namespaces' contents (hostname, lo, mounts, /dev, masks, pty), then the
// common launch steps. Every failure goes back to the parent as (errno, step, path).
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int cs_container_init(void *arg) {
    const cs_plan *p = arg;
    const cspawn_config *cfg = p->cfg;
    int slave = -1;
    ssize_t n;
    char go;

    // Dies with the thread that cloned it. getppid() cannot tell whether the parent died
    // before this line (it is 0 in a new pid namespace), but the release read below can:
    // a dead parent closes its end and the read sees EOF.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) cs_child_fail(p->sock, errno, "pdeathsig", "");
    close(p->peer);
    do {
        n = read(p->sock, &go, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(127);

    umask(0);   // modes below are meant exactly as written; launch sets 022 again
    if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
        cs_child_fail(p->sock, errno, "sethostname", cfg->hostname);
    if (!cfg->share_host_net) cs_loopback_up(p->sock);
    cs_setup_rootfs(p);
    cs_setup_masks(p->sock);
    if (cfg->tty) slave = cs_open_pty(p, 1);
    cs_launch(p, slave);
}
