// Capabilities and user identity of a container process.
//
// The parent computes capset(2)'s arguments; the child only drops bounding bits, clears the
// ambient set, switches user and calls capset (no libcap object, no lock, no malloc).
// Clearing the effective set alone is not enough: root regains its permitted set at execve
// from the bounding set, so every capability not kept is dropped from the bounding set too.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int cs_caps_prepare(cs_plan *p, cspawn_error *error) {
    const cspawn_config *cfg = p->cfg;
    int i;
    p->last_cap = cap_max_bits() - 1;
    p->keep[0] = p->keep[1] = 0;
    memset(&p->cap_header, 0, sizeof p->cap_header);
    memset(p->cap_data, 0, sizeof p->cap_data);
    p->cap_header.version = _LINUX_CAPABILITY_VERSION_3;
    for (i = 0; i < cfg->ncaps; i++) {
        int c = cfg->caps[i];
        if (c < 0 || c > p->last_cap || c >= 64) {
            cs_set_error(error, EINVAL, "unknown capability", "");
            return -1;
        }
        p->keep[c / 64] |= 1ULL << (c % 64);
        // Like docker: a non-root user keeps the bounding set but starts with no capabilities.
        if (cfg->uid != 0) continue;
        p->cap_data[c / 32].permitted |= 1U << (c % 32);
        p->cap_data[c / 32].effective |= 1U << (c % 32);
    }
    return 0;
}

static int kept(const cs_plan *p, int c) {
    return c < 128 && ((p->keep[c / 64] >> (c % 64)) & 1);
}

// Raw syscalls for the id changes: glibc's wrappers broadcast to every thread it believes
// exists, and in a clone()d child of a multithreaded process those are the caller's threads.
void cs_apply_identity(const cs_plan *p) {
    const cspawn_config *cfg = p->cfg;
    gid_t gid = cfg->gid;
    int c;
    for (c = 0; c <= p->last_cap; c++) {
        if (kept(p, c)) continue;
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            cs_child_fail(p->sock, errno, "drop bounding capability", "");
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        cs_child_fail(p->sock, errno, "clear ambient capabilities", "");
    // Keep the permitted set across setuid so capset below decides, not the uid change.
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        cs_child_fail(p->sock, errno, "prctl keepcaps", "");
    if (cfg->ngroups > 0 ? syscall(SYS_setgroups, cfg->ngroups, cfg->groups) < 0 : syscall(SYS_setgroups, 1, &gid) < 0)
        cs_child_fail(p->sock, errno, "setgroups", "");
    if (syscall(SYS_setresgid, gid, gid, gid) < 0)
        cs_child_fail(p->sock, errno, "setgid", "");
    if (syscall(SYS_setresuid, cfg->uid, cfg->uid, cfg->uid) < 0)
        cs_child_fail(p->sock, errno, "setuid", "");
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        cs_child_fail(p->sock, errno, "prctl keepcaps", "");
    struct __user_cap_header_struct header = p->cap_header;   // capset may write the version
    if (syscall(SYS_capset, &header, p->cap_data) < 0)
        cs_child_fail(p->sock, errno, "capset", "");
}

uint64_t cspawn_bounding_set(void) {
    uint64_t set = 0;
    int c;
    for (c = 0; c < 64; c++) {
        int held = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
        if (held < 0) break;   // EINVAL: past the kernel's last capability
        if (held) set |= (uint64_t)1 << c;
    }
    return set;
}
