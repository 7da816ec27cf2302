// The container's terminal, opened from the container's own devpts instance.
//
// A pty from the host's devpts would work as a terminal, but inside the container it has no
// name (its devpts is not mounted there), so `tty` fails. Opening /dev/pts/ptmx after the
// container's devpts is mounted gives /dev/pts/N inside; the master goes back to the
// parent over the report socket (SCM_RIGHTS), as runc does with its console socket.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

int cs_open_pty(const cs_plan *p, int bind_console) {
    int sock = p->sock;
    char path[32] = "/dev/pts/";
    unsigned int n = 0;
    int unlock = 0;
    int slave = -1;
    struct winsize ws;
    int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) cs_child_fail(sock, errno, "open", "/dev/pts/ptmx");
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0) cs_child_fail(sock, errno, "unlock pty", "/dev/pts/ptmx");
    if (ioctl(master, TIOCGPTN, &n) < 0) cs_child_fail(sock, errno, "pty number", "/dev/pts/ptmx");
    cs_utoa(path + 9, n);
#ifdef TIOCGPTPEER
    // Opens the peer through the master's own devpts, immune to whatever /dev/pts is now.
    slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
#endif
    if (slave < 0) slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) cs_child_fail(sock, errno, "open", path);
    // The caller's terminal size from the first instruction on (0-2 are still the caller's
    // here): a program that asks at once (stty size, vi) must not see 0x0 before the
    // parent's first copy in cspawn_wait_foreground.
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        ioctl(slave, TIOCSWINSZ, &ws);
    // The user must own its terminal, or programs that reopen it by name fail.
    if (p->cfg->uid != 0 && fchown(slave, p->cfg->uid, (gid_t)-1) < 0)
        cs_child_fail(sock, errno, "chown", path);
    if (bind_console) {
        int fd = open("/dev/console", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) cs_child_fail(sock, errno, "create", "/dev/console");
        close(fd);
        if (mount(path, "/dev/console", NULL, MS_BIND, NULL) < 0)
            cs_child_fail(sock, errno, "bind console", path);
    }
    if (cs_send_fd(sock, master) < 0) cs_child_fail(sock, errno, "send pty master", path);
    close(master);
    return slave;
}
