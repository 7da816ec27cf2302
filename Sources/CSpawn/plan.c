// Parent-side preparation shared by cspawn_start and cspawn_exec: everything the child
// needs, allocated and opened before the clone so the child only makes system calls.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int stdio_fd(cs_plan *p, int fd, cspawn_error *error) {
    if (fd >= 0) return fd;
    if (p->devnull < 0) {
        p->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (p->devnull < 0) {
            cs_set_error(error, errno, "open", "/dev/null");
            return -1;
        }
    }
    return p->devnull;
}

int cs_plan_prepare(cs_plan *p, const cspawn_config *cfg, cspawn_error *error) {
    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    p->devnull = -1;
    p->sock = -1;
    p->peer = -1;
    if (!cfg || !cfg->argv || !cfg->argv[0] || !cfg->argv[0][0]) {
        cs_set_error(error, EINVAL, "no command", "");
        return -1;
    }
    if (!cfg->envp) {
        cs_set_error(error, EINVAL, "no environment", "");
        return -1;
    }
    if (cfg->netns_at_gate && (!cfg->gate || cfg->share_host_net || cfg->join_netns)) {
        cs_set_error(error, EINVAL, "network namespace at the gate without a gate, or with another namespace", "");
        return -1;
    }
    if ((p->stdio[0] = stdio_fd(p, cfg->stdin_fd, error)) < 0 ||
        (p->stdio[1] = stdio_fd(p, cfg->stdout_fd, error)) < 0 ||
        (p->stdio[2] = stdio_fd(p, cfg->stderr_fd, error)) < 0)
        goto fail;
    if (cs_caps_prepare(p, error) < 0 || cs_seccomp_prepare(p, error) < 0) goto fail;
    return 0;
fail:
    cs_plan_release(p);
    return -1;
}

void cs_plan_release(cs_plan *p) {
    if (p->devnull >= 0) close(p->devnull);
    p->devnull = -1;
}
