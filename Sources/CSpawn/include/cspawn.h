// The child side of container start, and the per-container supervisor loop.
//
// Everything here runs either in a child forked/cloned from a Swift process or in a
// supervisor that must stay tiny, so the rule is: the Swift side prepares every string,
// array and path before calling in; the C side only makes system calls (no malloc, no
// stdio, no locks) between clone() and execve().
//
// Every container process (init and exec'd ones) gets: no_new_privs; bounding, permitted and
// effective sets = cfg->caps (permitted/effective empty for uid != 0), inheritable and
// ambient empty; only fds 0-2; umask 022; its own session; a seccomp filter refusing user
// namespaces (unshare/clone CLONE_NEWUSER: EPERM, clone3: ENOSYS) and the kernel keyrings
// (EPERM). The init also gets: rootfs and /dev mounted nodev (the six device nodes are bound
// from the host, so a node made with CAP_MKNOD cannot open the host's disk), a fresh /proc,
// /sys read-only, runc's masked and read-only paths.
#ifndef CSPAWN_H
#define CSPAWN_H

#include <sys/types.h>
#include <stdint.h>
#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif

// Where a failed start broke: the step names the kernel call, err its errno.
typedef struct cspawn_error {
    int err;              // errno of the failing call (0 = no error)
    char step[64];        // e.g. "pivot_root", "mount /proc", "enter cgroup"
    char path[256];       // the path involved, if any ("" otherwise)
} cspawn_error;

typedef struct cspawn_config {
    // --- the container ---
    const char *rootfs;              // absolute; a directory (or overlay mount point) ready to pivot into
    const char *hostname;            // sethostname() inside the new UTS ns
    int share_host_net;              // 0: new netns with lo up ("--net none"); 1: host netns
    int join_netns;                  // with share_host_net 0: 1 = join netns_fd instead of creating one
    int netns_fd;                    // a network namespace prepared ahead (lo up, unused) when join_netns
    const char *const *argv;         // NULL-terminated; argv[0] is resolved with PATH from envp inside the rootfs
    const char *const *envp;         // NULL-terminated
    const char *workdir;             // chdir() after pivot_root; "/" when not given
    uid_t uid;
    gid_t gid;
    const gid_t *groups;             // supplementary groups set with setgroups (gid when ngroups is 0)
    int ngroups;
    const int *caps;                 // capability numbers kept in bounding/permitted/effective
    int ncaps;
    int tty;                         // 1: the container gets a new pty as its controlling terminal

    // --- the cgroup(s): the child writes "0" (itself) into each before it sets anything up
    // (with `gate`: after, at the gate) ---
    // NULL-terminated: v1 ".../tasks" (a process of one thread moving itself: kernels that skip
    // the threadgroup lock for that, as 6.18 does, skip the RCU grace period its first taker
    // waits for, ~7 ms after a quiet spell), v2 ".../cgroup.procs".
    const char *const *cgroup_join;

    // --- a start whose cgroups are still being made (cspawn_start only; see cspawn_gate_open) ---
    int gate;                        // 1: set up the namespaces, then wait at gate_fd and enter
                                     //    the cgroups whose cgroup_join files arrive there open,
                                     //    instead of entering cgroup_join before anything else
    int gate_fd;                     // with gate: the child's end of cspawn_gate_pair
    int gate_peer_fd;                // with gate: the caller's end (the child closes its copy)
    int netns_at_gate;               // with gate (share_host_net and join_netns 0): the network
                                     //    namespace arrives at the gate before /sys is mounted
                                     //    (see cspawn_gate_send_netns), not made by the clone

    // --- stdio given to the container (fds in the caller); -1 means /dev/null ---
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;

    // --- supervision (cspawn_supervise only) ---
    const char *title;               // the supervisor's command line as ps shows it ("corral-supervisor NAME")
    const char *pid_file;            // "<pid> <starttime>\n" written once the container runs
    const char *exit_file;           // "<exit code> <signal or 0>\n" written when it ends
    const char *log_file;            // stdout+stderr of a detached container
    int64_t log_max_bytes;           // log is truncated to its newest half past this size
    const char *const *on_exit_argv; // NULL or an argv to execve after the exit is recorded (e.g. `corral rm -f`)
    int hold_stdin;                  // 1: stdin is a pipe the supervisor keeps open and never writes
                                     //    (docker's -d -i: a shell waits instead of reading EOF)
} cspawn_config;

// Clones the container init with new UTS, PID, mount, IPC (and NET unless share_host_net)
// namespaces; it enters every cgroup_join path, sets itself up and execs, the caller suspended
// meanwhile (CLONE_VFORK). Returns the container's pid (in the caller's pid namespace) once execve has
// succeeded, or -1 with *error filled in (setup failures in the child are reported back over
// a CLOEXEC socket whose EOF means execve succeeded: known, not assumed). If cfg->tty,
// *pty_master gets the master side (else -1). The container gets PR_SET_PDEATHSIG(SIGKILL), so
// it dies with whoever called this -- precisely, with the calling THREAD: call it from a
// thread that lives as long as the container should (the main thread, or the supervisor).
// The pty is opened from the container's own devpts, so `tty` inside prints /dev/pts/0 and
// /dev/console is that pty. Error steps contain spaces; paths are as the container sees them
// (e.g. ("unsafe rootfs", "/proc") for a symlinked /proc, ("exec", argv[0]) ENOENT for a
// missing command, ("bind rootfs", rootfs) for a missing rootfs).
pid_t cspawn_start(const cspawn_config *cfg, int *pty_master, cspawn_error *error);

// The start gate: a container started with cfg->gate sets up its namespaces and mounts while
// another thread of the caller makes its record and cgroups (two cores do in parallel what
// one did in turn), then waits for them before anything it runs can use CPU or fork.
// cspawn_gate_pair makes the two ends (a CLOEXEC seqpacket socketpair: [0] the caller's, [1]
// the child's), 0 or -1 with errno. cspawn_gate_open, on the caller's end once the cgroups
// exist: opens each cgroup_join path and sends them (SCM_RIGHTS) with the go-ahead; the child
// writes itself into each. 0, or -1 with *error filled in and the start called off. To call a
// start off without opening: shutdown(gate_fd, SHUT_RDWR); the child then ends with ECANCELED
// ("start called off").
int cspawn_gate_pair(int fds[2]);
int cspawn_gate_open(int gate_fd, const char *const *cgroup_join, cspawn_error *error);
// With cfg->netns_at_gate, first: the network namespace the child joins (netns_fd, made ahead
// with lo up), or, with netns_fd < 0, word that it makes its own. The child waits for it just
// before it mounts /sys, so the caller need not have the namespace ready when it clones. 0, or
// -1 with *error filled in (the caller then calls the start off).
int cspawn_gate_send_netns(int gate_fd, int netns_fd, cspawn_error *error);

// Waits for pid, forwarding SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH
// (as a window-size copy when pty_master >= 0) to it. When pty_master >= 0 it also relays
// stdin -> pty and pty -> stdout with the caller's terminal in raw mode, restoring it after.
// Returns the wait status (as waitpid gives it), or -1 if pid cannot be waited for.
// A signal arriving between cspawn_start and this call would hit the caller itself: block
// the forwarded signals before cspawn_start (the container's mask is reset anyway); this
// function unblocks them in the calling thread while it waits, and restores mask and
// handlers before returning. With a pty, EOF on a non-terminal stdin is sent on as ^D.
int cspawn_wait_foreground(pid_t pid, int pty_master);

// For `run -d`: call in a freshly forked child, which becomes the supervisor (no further
// fork here: its pid is the supervisor's). Detaches (setsid, SIGHUP/SIGINT/SIGTERM/SIGPIPE
// ignored, comm "corral-sup", cwd /, stdio to /dev/null, every fd but notify_fd closed so
// no lock or pipe of the caller is held), starts the container with
// stdout/stderr into a pipe (or with cfg->tty a pty), writes pid_file, then writes one line to
// notify_fd: "ok <pid>\n" or "error <errno> <step>\t<path>\n" (tab: steps contain spaces),
// and closes it. Then it relays the output into log_file (capped: past log_max_bytes the file
// is replaced by its newest half via rename, so followers must reopen it), reaps the
// container, writes exit_file ("<code> <signal>\n", code 128+signal when killed), and if
// on_exit_argv is set execs it (absolute argv[0], the supervisor's own environment, default
// signal dispositions). Paths must be absolute. Never returns.
__attribute__((noreturn))
void cspawn_supervise(const cspawn_config *cfg, int notify_fd);

// Reads the supervisor's line from notify_fd (the read end of the pipe whose write end was
// passed to cspawn_supervise). Returns 0 with *pid = the container's pid, or -1 with *error
// filled in (EPROTO "supervisor exited without reporting" if the pipe closed without a line).
int cspawn_read_notify(int notify_fd, pid_t *pid, cspawn_error *error);

// For `corral exec`: joins the namespaces of target_pid (user, mnt, uts, ipc, net, pid, cgroup
// where they differ from ours), its cgroup (cfg->cgroup_join), applies cfg's user, caps,
// no_new_privs, env and workdir and execs cfg->argv in a child. The joining process is made
// non-dumpable first so the container cannot open /proc/<pid>/exe of it. The final process is
// cloned with CLONE_PARENT, so it is the CALLER's child: waitpid / cspawn_wait_foreground on
// the returned pid work. cfg->rootfs, hostname, share_host_net are ignored (the container's
// apply). Returns the child's pid, or -1 with *error filled in (("open namespace",
// "/proc/<pid>/ns/..") ENOENT when the target is gone).
pid_t cspawn_exec(pid_t target_pid, const cspawn_config *cfg, int *pty_master, cspawn_error *error);

// Reads "<starttime>" (field 22 of /proc/<pid>/stat), or 0 if the process is gone or a zombie. Used to
// tell a live container from a recycled pid.
uint64_t cspawn_process_starttime(pid_t pid);

// pidfd_open(pid, 0) (CLOEXEC), or -1 with errno (ESRCH: gone; ENOSYS: kernel before 5.3). The fd
// polls readable once the process has ended (zombie or reaped).
int cspawn_pidfd_open(pid_t pid);

// The wait status (as waitpid gives it) of the ended, reaped process behind `pidfd`, from the
// kernel (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15): 0 with *status set, or -1 while it
// is not reaped yet or on a kernel without it. Lets a process that is not the parent learn how
// a process ended after every file the parent wrote about it is gone.
int cspawn_pidfd_exit_status(int pidfd, int *status);

// 1 if this kernel gives cspawn_pidfd_exit_status an answer (a child is forked and reaped to
// see), else 0.
int cspawn_pidfd_keeps_exit_status(void);

// This process's capability bounding set, bit N for capability N (PR_CAPBSET_READ).
uint64_t cspawn_bounding_set(void);

// Where the newest part of a log kept by a trim starts: a log of `size` bytes read through
// `fd` is replaced by its bytes from this offset on once it would pass `max` (see log_file.c).
// `logs -f` uses it to go on in the new file where it left the old one.
int64_t cspawn_log_kept_from(int fd, int64_t size, int64_t max);

// SIGINT, SIGTERM and SIGHUP only noted from now on (cspawn_noted_signal: the last one, or 0),
// for work that must undo what it half made before it ends, such as an image import.
void cspawn_note_signals(void);
int cspawn_noted_signal(void);

// Moves the CALLING THREAD into a new network namespace with `lo` up and returns an fd of
// it (O_CLOEXEC) for cspawn_config.netns_fd, or -errno. Call it on a thread made for it, which
// then ends: the namespace lives on as long as the fd. What a start would otherwise do in
// its clone (~1 ms of kernel work here), done beforehand or beside other work.
int cspawn_make_netns(void);

// Starts a thread that makes one (cspawn_make_netns) and stores the fd or -errno in *result,
// on another CPU than the caller's when one is allowed. 0, or -1 if no thread could be made.
int cspawn_start_netns_thread(pthread_t *thread, int32_t *result);

// 1 when a command line is a `corral run` that may want a network namespace made ahead (not
// `--net host`): a constructor then starts making one at program start (early_netns.c).
int cspawn_early_netns_wanted(int argc, char *const argv[]);

// The thread that constructor started, handed over once: *thread, and where its result (an
// fd or -errno) is once it is joined; NULL when none was started or it was claimed already.
int32_t *cspawn_claim_early_netns(pthread_t *thread);

#ifdef __cplusplus
}
#endif

#endif
