// The start gate (cspawn.h): the caller's side sends the open cgroup_join files of cgroups it
// has just made; the child's side, after its namespaces are set up, takes them and enters each.
// Before that, with netns_at_gate, the network namespace: sent once made, taken before /sys.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char go_ahead = 'g';
static const char netns_follows = 'n';

typedef union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * CS_MAX_CGROUP_FILES)];
} gate_control;

int cspawn_gate_pair(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}

int cspawn_gate_open(int gate_fd, const char *const *files, cspawn_error *error) {
    gate_control control;
    struct iovec iov = {.iov_base = (void *)&go_ahead, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    int fds[CS_MAX_CGROUP_FILES];
    int n = cs_open_cgroup_files(files, fds, error), i;
    ssize_t sent = -1;

    if (n >= 0) {
        memset(&control, 0, sizeof control);
        if (n > 0) {
            struct cmsghdr *c;
            msg.msg_control = control.buf;
            msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
            c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int) * n);
            memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
        }
        // MSG_NOSIGNAL: with the child's end closed everywhere (the child ended, the caller
        // closed its copy), an error, not SIGPIPE.
        do sent = sendmsg(gate_fd, &msg, MSG_NOSIGNAL);
        while (sent < 0 && errno == EINTR);
        if (sent < 0) cs_set_error(error, errno, "open the start gate", "");
        for (i = 0; i < n; i++) close(fds[i]);
    }
    if (sent >= 0) return 0;
    // Nothing was sent: the waiting child must not wait on.
    shutdown(gate_fd, SHUT_RDWR);
    return -1;
}

int cspawn_gate_send_netns(int gate_fd, int netns_fd, cspawn_error *error) {
    if (cs_send_with_fd(gate_fd, &netns_follows, 1, netns_fd) == 0) return 0;
    cs_set_error(error, errno, "send the network namespace", "");
    return -1;
}

// Child side of cspawn_gate_send_netns: joins the namespace that came, or makes its own (and
// brings lo up) when the caller had none ready.
void cs_child_take_netns(const cs_plan *p) {
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = NULL;
    int fd = -1;
    ssize_t got;

    do got = recvmsg(p->cfg->gate_fd, &msg, MSG_CMSG_CLOEXEC);
    while (got < 0 && errno == EINTR);
    if (got < 0) cs_child_fail(p->sock, errno, "wait for the network namespace", "");
    for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
            memcpy(&fd, CMSG_DATA(c), sizeof(int));
    if (got == 0) cs_child_fail(p->sock, ECANCELED, "start called off", "network namespace");
    if (byte != netns_follows || (msg.msg_flags & MSG_CTRUNC)) cs_child_fail(p->sock, EPROTO, "start gate", "network namespace");
    if (fd < 0) {
        if (unshare(CLONE_NEWNET) < 0) cs_child_fail(p->sock, errno, "unshare", "network namespace");
        cs_loopback_up(p->sock);
        return;
    }
    if (setns(fd, CLONE_NEWNET) < 0) cs_child_fail(p->sock, errno, "setns", "prepared netns");
    close(fd);
}

// Child side. The files arrive in cfg->cgroup_join's order, so a failure names its path.
void cs_child_pass_gate(const cs_plan *p) {
    const cspawn_config *cfg = p->cfg;
    gate_control control;
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *c;
    cspawn_error e;
    int fds[CS_MAX_CGROUP_FILES];
    int n = 0, want = 0;
    ssize_t got;

    do got = recvmsg(cfg->gate_fd, &msg, MSG_CMSG_CLOEXEC);
    while (got < 0 && errno == EINTR);
    if (got < 0) cs_child_fail(p->sock, errno, "wait at the start gate", "");
    for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(fds, CMSG_DATA(c), sizeof(int) * n);
    }
    // EOF: the caller could not make the record or the cgroups, or open them, and calls the
    // start off.
    if (got == 0 || byte != go_ahead) cs_child_fail(p->sock, ECANCELED, "start called off", "");
    while (cfg->cgroup_join && cfg->cgroup_join[want]) want++;
    if ((msg.msg_flags & MSG_CTRUNC) || n != want) cs_child_fail(p->sock, EPROTO, "start gate", "cgroup files");
    if (cs_enter_open_cgroups(fds, n, cfg->cgroup_join, &e) < 0) cs_child_fail(p->sock, e.err, e.step, e.path);
    close(cfg->gate_fd);
}
