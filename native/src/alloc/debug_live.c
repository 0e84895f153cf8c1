/*
 * debug_live.c — the debug build's exact check (RSEQAGENT_DEBUG): one bit
 * per 16 arena bytes says "handed out to the caller". malloc sets it, free
 * clears it; finding it already set or already clear aborts with a message.
 * The bitmap is reserved like the arena (committed on touch, 1/128 of the
 * arena memory in use). Release builds compile none of this.
 */
#ifdef RSEQAGENT_DEBUG
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "alloc.h"

static _Atomic uint64_t *live_bits;
static pthread_once_t bits_once = PTHREAD_ONCE_INIT;

static void bits_reserve(void)
{
    size_t bits = atomic_load(&_rseqagent_arena_bytes) / RSEQAGENT_MIN_ALIGN;
    void *map = mmap(NULL, bits / 8 + 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    live_bits = map == MAP_FAILED ? NULL : map;
}

static _Atomic uint64_t *word_of(const void *p, uint64_t *bit)
{
    pthread_once(&bits_once, bits_reserve);
    if (!live_bits) {
        fprintf(stderr, "rseqagent debug: cannot reserve the live-block bitmap\n");
        abort();
    }
    size_t index = ((uintptr_t)p - atomic_load(&_rseqagent_arena_base)) / RSEQAGENT_MIN_ALIGN;
    *bit = (uint64_t)1 << (index % 64);
    return &live_bits[index / 64];
}

void _rseqagent_debug_handed_out(const void *p)
{
    uint64_t bit;
    _Atomic uint64_t *word = word_of(p, &bit);
    if (atomic_fetch_or(word, bit) & bit) {
        fprintf(stderr, "rseqagent debug: block %p handed out while still live (allocator corrupted)\n", p);
        abort();
    }
}

void _rseqagent_debug_given_back(const void *p)
{
    uint64_t bit;
    _Atomic uint64_t *word = word_of(p, &bit);
    if (!(atomic_fetch_and(word, ~bit) & bit)) {
        fprintf(stderr, "rseqagent debug: double free (or free of a block never handed out) at %p\n", p);
        abort();
    }
}

void _rseqagent_debug_not_a_block(const void *p)
{
    fprintf(stderr, "rseqagent debug: free of %p, inside the arena but not a live block (double or interior free)\n", p);
    abort();
}
#else
typedef int rseqagent_debug_live_is_empty_in_release_builds; /* ISO C: no empty translation unit */
#endif
