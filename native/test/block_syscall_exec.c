/*
 * block_syscall_exec.c — runs a command with one system call (rseq or
 * membarrier) answered by an errno from a seccomp filter installed before
 * exec, as container runtimes and systemd do. The filter must be there from
 * the start: glibc aborts a process whose new threads cannot register rseq
 * once the main thread did.
 *
 *   block-syscall-exec rseq|membarrier EPERM|ENOSYS command [args...]
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "block_syscall_exec: unsupported architecture"
#endif

static int block(unsigned int nr, unsigned int err)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

struct named { const char *name; int value; };

static const struct named syscalls[] = { { "rseq", __NR_rseq }, { "membarrier", __NR_membarrier } };
static const struct named errnos[] = { { "EPERM", EPERM }, { "ENOSYS", ENOSYS } };

/* The value named name in table, or -1. */
static int lookup(const struct named *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].value;
    return -1;
}

int main(int argc, char **argv)
{
    int nr = argc < 4 ? -1 : lookup(syscalls, sizeof(syscalls) / sizeof(syscalls[0]), argv[1]);
    int err = argc < 4 ? -1 : lookup(errnos, sizeof(errnos) / sizeof(errnos[0]), argv[2]);
    if (nr < 0 || err < 0) {
        fprintf(stderr, "usage: %s rseq|membarrier EPERM|ENOSYS command [args...]\n", argv[0]);
        return 2;
    }
    if (block((unsigned int)nr, (unsigned int)err) != 0) {
        perror("block-syscall-exec: seccomp");
        return 2;
    }
    execvp(argv[3], argv + 3);
    perror("block-syscall-exec: exec");
    return 127;
}
