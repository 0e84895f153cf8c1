/*
 * rseq_owner.c — a library that owns rseq the way libraries did before
 * glibc 2.35 (librseq's old protocol): it exports its per-thread area as the
 * TLS symbol __rseq_abi and counts users in the TLS symbol __rseq_refcount;
 * whoever takes the count from 0 registers, whoever drops it to 0
 * unregisters. It must unregister every thread before it is dlclose'd.
 *
 * Build variants (one source, flags at compile time):
 *   default                     standard signature, __rseq_refcount exported
 *   -DRSEQ_OWNER_SIG=0x...      another signature
 *   -DRSEQ_OWNER_NO_REFCOUNT    no __rseq_refcount (use cannot be expressed)
 *   -DRSEQ_OWNER_PRIVATE_AREA   the area is not exported (nobody can see it)
 */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rseq_owner.h"

#ifndef RSEQ_OWNER_SIG
#if defined(__x86_64__)
#define RSEQ_OWNER_SIG 0x53053053U
#elif defined(__aarch64__)
#define RSEQ_OWNER_SIG 0xd428bc00U
#else
#error "rseq_owner: unsupported architecture"
#endif
#endif

#define OWNER_EXPORT __attribute__((visibility("default")))

struct owner_area {
    uint32_t cpu_id_start;
    uint32_t cpu_id;
    uint64_t rseq_cs;
    uint32_t flags;
    uint32_t node_id;
    uint32_t mm_cid;
} __attribute__((aligned(32)));

#ifdef RSEQ_OWNER_PRIVATE_AREA
static __thread struct owner_area owner_area = { .cpu_id = (uint32_t)-1 };
#define AREA owner_area
#else
OWNER_EXPORT __thread struct owner_area __rseq_abi = { .cpu_id = (uint32_t)-1 };
#define AREA __rseq_abi
#endif

#ifdef RSEQ_OWNER_NO_REFCOUNT
static __thread uint32_t owner_refcount;
#define REFCOUNT owner_refcount
#else
OWNER_EXPORT __thread uint32_t __rseq_refcount;
#define REFCOUNT __rseq_refcount
#endif

static int sys_rseq(int flags)
{
    return syscall(__NR_rseq, &AREA, (uint32_t)sizeof(AREA), flags, RSEQ_OWNER_SIG) == 0 ? 0 : -errno;
}

OWNER_EXPORT int rseq_owner_register_current_thread(void)
{
    if (REFCOUNT++ > 0)
        return 0;
    int rc = sys_rseq(0);
    if (rc)
        REFCOUNT--;
    return rc;
}

OWNER_EXPORT int rseq_owner_unregister_current_thread(void)
{
    if (REFCOUNT == 0)
        return -EINVAL;
    if (--REFCOUNT > 0)
        return 0;
    return sys_rseq(1 /* RSEQ_FLAG_UNREGISTER */);
}

OWNER_EXPORT uint32_t rseq_owner_refcount(void)
{
    return REFCOUNT;
}

OWNER_EXPORT int32_t rseq_owner_cpu_id(void)
{
    return (int32_t)AREA.cpu_id;
}
