/*
 * rseq_abi.h — the kernel's rseq ABI as the shim uses it: the area layout
 * (kept here rather than from <linux/rseq.h>, whose copy on older
 * distributions lacks node_id and mm_cid) and the raw system call.
 */
#ifndef RSEQAGENT_RSEQ_ABI_H
#define RSEQAGENT_RSEQ_ABI_H

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RSEQAGENT_ORIG_AREA_LEN 32U /* ORIG_RSEQ_SIZE: what librseq and glibc register */
#define RSEQAGENT_FLAG_UNREGISTER 1
#define RSEQAGENT_CPU_ID_UNINITIALIZED (-1)

struct rseqagent_area {
    uint32_t cpu_id_start;
    uint32_t cpu_id;
    uint64_t rseq_cs;
    uint32_t flags;
    uint32_t node_id;
    uint32_t mm_cid; /* Linux 6.3+, when AT_RSEQ_FEATURE_SIZE >= 28 */
    char end[];
} __attribute__((aligned(32)));

_Static_assert(sizeof(struct rseqagent_area) == RSEQAGENT_ORIG_AREA_LEN, "rseq area is 32 bytes");

/* The rseq system call; returns 0 or -errno (errno is left untouched). */
static inline int _rseqagent_sys_rseq(void *area, uint32_t len, int flags, uint32_t sig)
{
    int saved = errno;
    long rc = syscall(__NR_rseq, area, len, flags, sig);
    int err = rc == 0 ? 0 : -errno;
    errno = saved;
    return err;
}

#endif
