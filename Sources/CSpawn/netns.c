// A fresh network namespace has only `lo`, and it is down; bring it up like docker's
// --net none does, so programs that talk to 127.0.0.1 work. Either in the container's init
// (a namespace made by its clone) or ahead of the start, on a thread of the caller's.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
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

static void *make_netns_thread(void *result) {
    *(int32_t *)result = cspawn_make_netns();
    return NULL;
}

int cspawn_start_netns_thread(pthread_t *thread, int32_t *result) {
    pthread_attr_t attr;
    cpu_set_t allowed;
    int cpu = sched_getcpu(), err;
    if (pthread_attr_init(&attr) != 0) return -1;
    // Started beside its creator, the thread took the creator's CPU for the half millisecond
    // the namespace takes (in more than half of the starts measured), and nothing overlapped.
    if (cpu >= 0 && sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_ISSET(cpu, &allowed)
        && CPU_COUNT(&allowed) > 1) {
        CPU_CLR(cpu, &allowed);
        pthread_attr_setaffinity_np(&attr, sizeof allowed, &allowed);
    }
    err = pthread_create(thread, &attr, make_netns_thread, result);
    pthread_attr_destroy(&attr);
    return err == 0 ? 0 : -1;
}
