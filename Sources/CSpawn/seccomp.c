// A small seccomp filter for every container process, for what capabilities cannot stop:
//  - user namespaces (unshare/clone with CLONE_NEWUSER): root inside would get a full
//    capability set again over the new namespace, the usual first step of kernel exploits.
//    clone3 passes its flags in memory a filter cannot read, so it gets ENOSYS and libc
//    falls back to clone, whose flags are checked (docker does the same).
//  - the kernel keyrings (keyctl, add_key, request_key): not namespaced, and uid 0 inside
//    is uid 0 outside, so they would reach the host root's keys.
// Everything else is allowed. The program is built by the parent (cs_seccomp_prepare) and
// only installed in the child, after no_new_privs, which lets it install without
// CAP_SYS_ADMIN.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

typedef struct table {
    unsigned int arch;
    int x32;                   // refuse the x32 ABI (syscall numbers with bit 30 set)
    unsigned int unshare, clone, clone3, keyctl, add_key, request_key;
} table;

#if defined(__x86_64__)
static const table tables[] = {
    {AUDIT_ARCH_X86_64, 1, __NR_unshare, __NR_clone, 435, __NR_keyctl, __NR_add_key, __NR_request_key},
    // 32-bit programs (int 0x80) use their own numbers: arch/x86/entry/syscalls/syscall_32.tbl.
    {AUDIT_ARCH_I386, 0, 310, 120, 435, 288, 286, 287},
};
#elif defined(__aarch64__)
static const table tables[] = {
    {AUDIT_ARCH_AARCH64, 0, __NR_unshare, __NR_clone, 435, __NR_keyctl, __NR_add_key, __NR_request_key},
};
#else
#error "seccomp.c: add this architecture's syscall table"
#endif

#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
// The low 32 bits of the first argument (little-endian).
#define ARG0_LOW offsetof(struct seccomp_data, args[0])

static int emit(cs_plan *p, struct sock_filter ins) {
    if (p->filter_len >= CS_FILTER_MAX) return -1;
    p->filter[p->filter_len++] = ins;
    return 0;
}

static int deny(cs_plan *p, unsigned int nr, int err) {
    return emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1)) |
           emit(p, (struct sock_filter)RET(ERRNO(err)));
}

// nr with CLONE_NEWUSER in its first argument: EPERM; nr otherwise: allowed.
static int deny_newuser(cs_plan *p, unsigned int nr) {
    return emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 4)) |
           emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW)) |
           emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1)) |
           emit(p, (struct sock_filter)RET(ERRNO(EPERM))) |
           emit(p, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
}

static int emit_table(cs_plan *p, const table *t) {
    unsigned short start;
    int bad = emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, t->arch, 0, 0));
    start = p->filter_len;
    bad |= emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
    if (t->x32) {
        bad |= emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 0, 1));
        bad |= emit(p, (struct sock_filter)RET(ERRNO(ENOSYS)));
    }
    bad |= deny_newuser(p, t->unshare);
    bad |= deny_newuser(p, t->clone);
    bad |= deny(p, t->clone3, ENOSYS);
    bad |= deny(p, t->keyctl, EPERM);
    bad |= deny(p, t->add_key, EPERM);
    bad |= deny(p, t->request_key, EPERM);
    bad |= emit(p, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
    if (bad) return -1;
    // Not this architecture: skip the whole block.
    p->filter[start - 1].jf = (unsigned char)(p->filter_len - start);
    return 0;
}

int cs_seccomp_prepare(cs_plan *p, cspawn_error *error) {
    size_t i;
    int bad;
    p->filter_len = 0;
    bad = emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
    for (i = 0; i < sizeof tables / sizeof tables[0]; i++) bad |= emit_table(p, &tables[i]);
    bad |= emit(p, (struct sock_filter)RET(ERRNO(ENOSYS)));   // an ABI this build does not know
    if (bad) {
        cs_set_error(error, E2BIG, "seccomp filter", "");
        return -1;
    }
    return 0;
}

void cs_seccomp_install(const cs_plan *p) {
    struct sock_fprog prog = {.len = p->filter_len, .filter = (struct sock_filter *)p->filter};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        cs_child_fail(p->sock, errno, "seccomp", "");
}
