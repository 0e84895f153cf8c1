/*
 * slab.c — per-CPU slab regions: reservation, header layout, first-use
 * initialisation of a CPU's region. The push/pop sequences are inline in
 * slab.h; this file holds what runs once per process or per CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "slab.h"

int _rseqagent_slab_init(struct _rseqagent_slab *slab, uint64_t ncpus, uint64_t nclasses,
                         const uint16_t *capacity)
{
    uint64_t slots = nclasses;
    for (uint64_t c = 0; c < nclasses; c++)
        slots += capacity[c];
    if (ncpus == 0 || nclasses == 0 || nclasses > RSEQAGENT_SLAB_MAX_CLASSES || slots > RSEQAGENT_SLAB_MAX_SLOTS)
        return -EINVAL;
    void *base = mmap(NULL, ncpus * RSEQAGENT_SLAB_REGION_BYTES, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return -errno;
    slab->base = base;
    slab->ncpus = ncpus;
    slab->nclasses = nclasses;
    return 0;
}

/*
 * Class c's stack starts where class c-1's ends, after the header words.
 * Each header is set by an rseq compare-and-store on the region's own CPU,
 * so it cannot race a push or pop there; a header already set is left alone.
 */
int _rseqagent_slab_init_current(const struct _rseqagent_slab *slab, void *area, const uint32_t *idx,
                                 const uint16_t *capacity)
{
    /* The common call (a stack found empty or full): the region is ready. Headers are
     * set in class order and never go back to zero, so a set last header says so. */
    uint32_t now = *(const volatile uint32_t *)idx;
    if (now < slab->ncpus && _rseqagent_slab_headers(slab, now)[slab->nclasses - 1] != 0)
        return 0;
    uint32_t begin = (uint32_t)slab->nclasses;
    uint32_t cpu_first = UINT32_MAX;
    for (uint64_t c = 0; c < slab->nclasses; c++) {
        uint32_t end = begin + capacity[c];
        uint32_t cpu;
        int rc = _rseqagent_rseq_cmpeqz_store_header(slab, area, idx, c,
                                                     _rseqagent_slab_header(begin, begin, end), &cpu);
        if (rc < 0)
            return -1;
        if (cpu >= slab->ncpus)
            return 1;
        if (cpu_first == UINT32_MAX)
            cpu_first = cpu;
        else if (cpu != cpu_first)
            return -1; /* migrated half way: the caller starts over on the new CPU */
        begin = end;
    }
    return 0;
}

size_t _rseqagent_slab_committed(const struct _rseqagent_slab *slab)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = slab->ncpus * RSEQAGENT_SLAB_REGION_BYTES / page;
    unsigned char *vec = malloc(pages);
    if (!vec)
        return 0;
    size_t resident = 0;
    if (mincore(slab->base, slab->ncpus * RSEQAGENT_SLAB_REGION_BYTES, vec) == 0)
        for (size_t i = 0; i < pages; i++)
            resident += vec[i] & 1;
    free(vec);
    return resident * page;
}

int64_t _rseqagent_slab_count(const struct _rseqagent_slab *slab, int cls)
{
    int64_t n = 0;
    for (uint64_t cpu = 0; cpu < slab->ncpus; cpu++)
        n += _rseqagent_slab_depth(slab, cpu, cls);
    return n;
}

/* ---- the reclaimer's mechanics -------------------------------------------- */

#ifndef MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ (1 << 7)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ (1 << 8)
#endif
#define STOP_TRIES 64

static pthread_once_t reclaim_once = PTHREAD_ONCE_INIT;
static int reclaim_rc;

static void reclaim_register(void)
{
    reclaim_rc = syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0) == 0 ? 0 : -errno;
}

int _rseqagent_slab_reclaim_init(void)
{
    pthread_once(&reclaim_once, reclaim_register);
    return reclaim_rc;
}

/* The stop protocol races the per-CPU sequences on purpose (they are inline
 * asm, which TSan cannot see): TSan is told not to check these accesses. */
#define RACES_RSEQ_BY_DESIGN __attribute__((no_sanitize("thread")))

static _Atomic uint64_t *header_of(const struct _rseqagent_slab *slab, uint64_t cpu, int cls)
{
    return (_Atomic uint64_t *)(slab->base + (cpu << RSEQAGENT_SLAB_REGION_SHIFT)) + cls;
}

RACES_RSEQ_BY_DESIGN int _rseqagent_slab_stop(const struct _rseqagent_slab *slab, uint64_t cpu, int cls,
                                              uint64_t *taken)
{
    _Atomic uint64_t *header = header_of(slab, cpu, cls);
    for (int tries = 0; tries < STOP_TRIES; tries++) {
        uint64_t h = atomic_load(header);
        if (h == 0 || _rseqagent_slab_current(h) == _rseqagent_slab_begin(h)) /* unused, empty or stopped */
            return 1;
        if (!atomic_compare_exchange_strong(header, &h, RSEQAGENT_SLAB_STOPPED))
            continue;
        /* A sequence that read h before the swap is either restarted now (and then reads the
         * stop) or has committed already, overwriting the stop: the check below sees that. */
        if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0) != 0) {
            int err = errno;
            uint64_t stopped = RSEQAGENT_SLAB_STOPPED;
            atomic_compare_exchange_strong(header, &stopped, h); /* reopen as it was: nothing was read */
            return -err;
        }
        if (atomic_load(header) == RSEQAGENT_SLAB_STOPPED) {
            *taken = h;
            return 0;
        }
    }
    return -EAGAIN;
}

RACES_RSEQ_BY_DESIGN void _rseqagent_slab_restart(const struct _rseqagent_slab *slab, uint64_t cpu, int cls,
                                                  uint64_t taken)
{
    uint32_t begin = _rseqagent_slab_begin(taken);
    atomic_store(header_of(slab, cpu, cls), _rseqagent_slab_header(begin, begin, _rseqagent_slab_end(taken)));
}
