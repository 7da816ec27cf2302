// A fork bomb that ends by itself: every process forks as fast as it can for SECONDS, then
// pid 1 exits and the kernel takes the rest of the pid namespace with it. Prints how many
// forks failed (EAGAIN from the pids controller) every so often.
// Usage: fork_bomb SECONDS
#include "hostile.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 3);
    long refused_forks = 0;
    int parent = getpid();
    printf("bombing\n");
    fflush(stdout);
    while (time(NULL) < end) {
        pid_t p = fork();
        if (p < 0) {
            refused_forks++;
            if (getpid() == parent && refused_forks % 10000 == 1) {
                printf("fork refused: %s\n", strerror(errno));
                fflush(stdout);
            }
            usleep(1000);
        }
    }
    if (getpid() == parent) {
        printf("done, %ld forks refused here\n", refused_forks);
        fflush(stdout);
    }
    return 0;
}
