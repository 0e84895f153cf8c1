/* test_alloc_stats.c — the allocator's figures move as they should: hits and
 * misses per region, bytes in use back to zero, cached and committed bytes,
 * large spans counted (glibc owning rseq, default tunables). */
#include <stdint.h>
#include <stdlib.h>

#include "rseqagent.h"
#include "tap.h"

static void sum_regions(int64_t *sum)
{
    int64_t all[RSEQAGENT_ALLOC_STATS], one[RSEQAGENT_CPU_STATS];
    rseqagent_alloc_stats(all);
    for (int i = 0; i < RSEQAGENT_CPU_STATS; i++)
        sum[i] = 0;
    for (uint32_t r = 0; r < (uint32_t)all[RSEQAGENT_AS_REGIONS]; r++) {
        rseqagent_cpu_stats(r, one);
        for (int i = 0; i < RSEQAGENT_CPU_STATS; i++)
            sum[i] += one[i];
    }
}

int main(void)
{
    int64_t all[RSEQAGENT_ALLOC_STATS], cpu[RSEQAGENT_CPU_STATS];
    is_int(rseqagent_alloc_stats(all), 0, "stats before any allocation");
    is_int(all[RSEQAGENT_AS_BYTES_IN_USE], 0, "nothing in use yet");

    void *blocks[1000];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 1000; i++)
            blocks[i] = rseqagent_malloc(64);
        for (int i = 0; i < 1000; i++)
            rseqagent_free(blocks[i]);
    }
    rseqagent_alloc_stats(all);
    ok(all[RSEQAGENT_AS_REGIONS] > 0, "regions: %lld", (long long)all[RSEQAGENT_AS_REGIONS]);
    is_int(all[RSEQAGENT_AS_BYTES_IN_USE], 0, "all freed: nothing in use");
    ok(all[RSEQAGENT_AS_BYTES_CACHED] > 0, "some bytes stay cached (%lld)", (long long)all[RSEQAGENT_AS_BYTES_CACHED]);
    ok(all[RSEQAGENT_AS_BYTES_COMMITTED] > 0 && all[RSEQAGENT_AS_BYTES_COMMITTED] <= all[RSEQAGENT_AS_BYTES_RESERVED],
       "committed (%lld) within reserved", (long long)all[RSEQAGENT_AS_BYTES_COMMITTED]);
    sum_regions(cpu);
    int64_t served = cpu[RSEQAGENT_CS_HITS] + cpu[RSEQAGENT_CS_MISSES];
    ok(served >= 3000 && served <= 3000 + cpu[RSEQAGENT_CS_ABORTS],
       "every allocation is a hit or a miss: %lld hits + %lld misses (aborts %lld) for 3000",
       (long long)cpu[RSEQAGENT_CS_HITS], (long long)cpu[RSEQAGENT_CS_MISSES], (long long)cpu[RSEQAGENT_CS_ABORTS]);
    int64_t freed = cpu[RSEQAGENT_CS_FREES] + cpu[RSEQAGENT_CS_OVERFLOWS];
    ok(cpu[RSEQAGENT_CS_FREES] >= 2000 && cpu[RSEQAGENT_CS_FREES] <= 3000 + cpu[RSEQAGENT_CS_ABORTS],
       "frees counted, refills not (%lld frees, %lld spills, aborts %lld, for 3000)",
       (long long)cpu[RSEQAGENT_CS_FREES], (long long)freed, (long long)cpu[RSEQAGENT_CS_ABORTS]);
    ok(cpu[RSEQAGENT_CS_MISSES] >= 1, "refills counted (%lld)", (long long)cpu[RSEQAGENT_CS_MISSES]);
    ok(cpu[RSEQAGENT_CS_OVERFLOWS] >= 1, "spills counted (%lld)", (long long)cpu[RSEQAGENT_CS_OVERFLOWS]);
    is_int(cpu[RSEQAGENT_CS_BYTES_CACHED], all[RSEQAGENT_AS_BYTES_CACHED], "regions' cached bytes add up");

    is_int(all[RSEQAGENT_AS_LARGE_ALLOCS] + all[RSEQAGENT_AS_LARGE_FREES], 0, "no large block yet");
    void *big = rseqagent_malloc(3 << 20), *bigger = rseqagent_malloc(5 << 20);
    rseqagent_alloc_stats(all);
    is_int(all[RSEQAGENT_AS_BYTES_IN_USE], 8 << 20, "two large blocks are in use");
    is_int(all[RSEQAGENT_AS_LARGE_ALLOCS], 2, "and counted");
    rseqagent_free(big);
    rseqagent_alloc_stats(all);
    is_int(all[RSEQAGENT_AS_LARGE_FREES], 1, "a large free counted");
    rseqagent_free(bigger);
    rseqagent_free(big); /* a second free: refused, not counted as a free */
    rseqagent_alloc_stats(all);
    is_int(all[RSEQAGENT_AS_BYTES_IN_USE], 0, "and freed");
    is_int(all[RSEQAGENT_AS_LARGE_FREES], 2, "every large free counted once");
    is_int(rseqagent_cpu_stats((uint32_t)all[RSEQAGENT_AS_REGIONS], cpu), -22, "a region past the last is EINVAL");
    return tap_done();
}
