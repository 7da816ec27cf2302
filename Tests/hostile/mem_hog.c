// Allocates and touches memory, one MiB at a time, up to MIB MiB, then sleeps: under
// --memory below MIB the OOM killer must end it.
// Usage: mem_hog MIB
#include "hostile.h"

#include <unistd.h>

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 256, i;
    for (i = 0; i < mib; i++) {
        char *p = malloc(1 << 20);
        if (!p) broken("malloc");
        memset(p, (int)(i & 0xff) | 1, 1 << 20);
    }
    printf("allocated %ld MiB\n", mib);
    fflush(stdout);
    sleep(30);
    return 0;
}
