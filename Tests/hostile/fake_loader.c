// A program interpreter that only waits. Put in a rootfs as /lib64/ld-linux-x86-64.so.2 (or
// the aarch64 name), it is what the kernel runs when a process in the container execs a
// dynamically linked host binary, e.g. corral itself through a `#!/proc/self/exe` script:
// the host binary is mapped and stays that process's /proc/<pid>/exe for two seconds, time
// enough for exe_overwrite to grab it. No libc: nothing here may need relocating.
// Build: cc -static-pie -nostdlib -fno-stack-protector -O1
#if !defined(__x86_64__) && !defined(__aarch64__)
#error "fake_loader.c: add this architecture's syscall sequence"
#endif

struct ts {
    long sec, nsec;
};

static long sys2(long nr, long a, long b) {
    long r;
#if defined(__x86_64__)
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
#else
    register long x8 __asm__("x8") = nr, x0 __asm__("x0") = a, x1 __asm__("x1") = b;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
    r = x0;
#endif
    return r;
}

#if defined(__x86_64__)
enum { NR_nanosleep = 35, NR_exit_group = 231 };
#else
enum { NR_nanosleep = 101, NR_exit_group = 94 };
#endif

__attribute__((noreturn)) void _start(void) {
    struct ts t = {2, 0};
    sys2(NR_nanosleep, (long)&t, 0);
    for (;;) sys2(NR_exit_group, 99, 0);
}
