// The report channel from a container process to whoever started it.
//
// A SOCK_SEQPACKET pair, CLOEXEC on both ends: the child sends fixed-size records (an error,
// a pty master fd, a pid) and the parent reads until EOF. EOF without an error record means
// every child-side holder of the socket reached a successful execve (which closed it).
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int cs_socketpair(int sv[2], cspawn_error *error) {
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        cs_set_error(error, errno, "socketpair", "");
        return -1;
    }
    return 0;
}

int cs_send_with_fd(int sock, const void *buf, size_t len, int fd) {
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (fd >= 0) {
        struct cmsghdr *c;
        memset(&ctl, 0, sizeof ctl);
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof ctl.buf;
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    for (;;) {
        if (sendmsg(sock, &mh, MSG_NOSIGNAL) >= 0) return 0;
        if (errno != EINTR) return -1;
    }
}

static int send_msg(int sock, const cs_msg *m, int fd) {
    return cs_send_with_fd(sock, m, sizeof *m, fd);
}

void cs_child_fail(int sock, int err, const char *step, const char *path) {
    cs_msg m;
    memset(&m, 0, sizeof m);
    m.kind = CS_MSG_ERROR;
    cs_set_error(&m.error, err, step, path);
    send_msg(sock, &m, -1);
    _exit(127);
}

int cs_send_fd(int sock, int fd) {
    cs_msg m;
    memset(&m, 0, sizeof m);
    m.kind = CS_MSG_PTY;
    return send_msg(sock, &m, fd);
}

int cs_send_pid(int sock, pid_t pid) {
    cs_msg m;
    memset(&m, 0, sizeof m);
    m.kind = CS_MSG_PID;
    m.pid = pid;
    return send_msg(sock, &m, -1);
}

int cs_collect(int sock, cs_result *r, cspawn_error *error) {
    r->pid = -1;
    r->master = -1;
    r->failed = 0;
    memset(&r->error, 0, sizeof r->error);
    for (;;) {
        cs_msg m;
        struct iovec iov = {.iov_base = &m, .iov_len = sizeof m};
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } ctl;
        struct msghdr mh;
        struct cmsghdr *c;
        ssize_t n;
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof ctl.buf;
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0) {
            if (errno == EINTR) continue;
            cs_set_error(error, errno, "recvmsg", "");
            return -1;
        }
        if (n == 0) return 0;
        for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                int fd;
                memcpy(&fd, CMSG_DATA(c), sizeof fd);
                if (m.kind == CS_MSG_PTY && r->master < 0 && (size_t)n == sizeof m)
                    r->master = fd;
                else
                    close(fd);
            }
        }
        if ((size_t)n != sizeof m) continue;
        if (m.kind == CS_MSG_ERROR && !r->failed) {
            r->failed = 1;
            r->error = m.error;
            r->error.step[sizeof r->error.step - 1] = '\0';
            r->error.path[sizeof r->error.path - 1] = '\0';
        } else if (m.kind == CS_MSG_PID) {
            r->pid = m.pid;
        }
    }
}
