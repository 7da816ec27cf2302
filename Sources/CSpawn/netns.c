// A fresh network namespace has only `lo`, and it is down; bring it up like docker's
// --net none does, so programs that talk to 127.0.0.1 work. Either in the container's init
// (a namespace made by its clone) or ahead of the start, on a thread of the caller's.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

void cs_loopback_up(int sock) {
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) cs_child_fail(sock, errno, "socket", "lo");
    memset(&ifr, 0, sizeof ifr);
    cs_copy(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) cs_child_fail(sock, errno, "ioctl SIOCGIFFLAGS", "lo");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) cs_child_fail(sock, errno, "ioctl SIOCSIFFLAGS", "lo");
    close(s);
}

int cspawn_make_netns(void) {
    struct ifreq ifr;
    int fd, s, err;
    if (unshare(CLONE_NEWNET) < 0) return -errno;
    fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) goto fail;
    memset(&ifr, 0, sizeof ifr);
    cs_copy(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) goto fail;
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) goto fail;
    close(s);
    return fd;
fail:
    err = errno;
    if (s >= 0) close(s);
    close(fd);
    return -err;
}
