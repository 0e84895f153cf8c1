/* test_reclaim.c — rseqagent_reclaim gives back what idle regions cache:
 * the first call only notes activity, the next drains regions that stayed
 * idle; nothing handed out is touched, and allocation goes on afterwards.
 *
 *   test_reclaim                 membarrier works
 *   test_reclaim refused ERRNO   membarrier answers ERRNO (run under
 *                                block-syscall-exec membarrier): every pass
 *                                says so, the caches keep their bytes, and
 *                                allocation is unaffected */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rseqagent.h"
#include "tap.h"

static void *churn(void *arg)
{
    (void)arg;
    void *blocks[500];
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 500; i++)
            blocks[i] = rseqagent_malloc(i % 2 ? 64 : 4096);
        for (int i = 0; i < 500; i++)
            rseqagent_free(blocks[i]);
    }
    return NULL;
}

static int64_t stat(int which)
{
    int64_t all[RSEQAGENT_ALLOC_STATS];
    rseqagent_alloc_stats(all);
    return all[which];
}

static char *churn_keeping_one(void)
{
    char *kept = rseqagent_malloc(64);
    kept[0] = 42;
    pthread_t t;
    pthread_create(&t, NULL, churn, NULL);
    pthread_join(t, NULL);
    ok(stat(RSEQAGENT_AS_BYTES_CACHED) > 0, "the churn left bytes cached (%lld)",
       (long long)stat(RSEQAGENT_AS_BYTES_CACHED));
    return kept;
}

static void allocation_goes_on(char *kept)
{
    is_int(stat(RSEQAGENT_AS_BYTES_IN_USE), 64, "only the block still held is in use");
    ok(kept[0] == 42, "the held block is untouched");
    void *again = rseqagent_malloc(64);
    ok(again != NULL && again != kept, "allocation goes on");
    rseqagent_free(again);
    rseqagent_free(kept);
}

static void drains_when_idle(void)
{
    char *kept = churn_keeping_one();
    is_int(rseqagent_reclaim_supported(), 0, "the shim says it can drain here");
    int64_t first = rseqagent_reclaim();
    ok(first >= 0, "first pass notes activity (drained %lld)", (long long)first);
    int64_t second = rseqagent_reclaim();
    ok(second > 0, "second pass drains the idle regions (%lld bytes)", (long long)second);
    is_int(stat(RSEQAGENT_AS_BYTES_CACHED), 0, "nothing cached any more");
    allocation_goes_on(kept);
}

static void refused(int err)
{
    char *kept = churn_keeping_one();
    is_int(rseqagent_reclaim_supported(), -err, "the shim says it cannot drain here");
    int64_t cached = stat(RSEQAGENT_AS_BYTES_CACHED);
    for (int pass = 0; pass < 2; pass++)
        is_int(rseqagent_reclaim(), -err, "pass %d: the kernel's refusal, as -errno", pass + 1);
    is_int(stat(RSEQAGENT_AS_BYTES_CACHED), cached, "the caches keep what they hold");
    allocation_goes_on(kept);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "refused") == 0)
        refused(atoi(argv[2]));
    else
        drains_when_idle();
    return tap_done();
}
