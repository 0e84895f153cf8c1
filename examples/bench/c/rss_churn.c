/*
 * rss_churn.c ALLOCATOR — peak RSS after 256 threads churn random sizes
 * 16 B - 64 KiB (each keeps up to 64 live blocks, 20,000 operations) and
 * exit. ALLOCATOR: glibc or rseq-agent. Prints "peak_rss_kib N".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "rseqagent.h"

#define THREADS 256
#define OPS 20000
#define KEEP 64

static void *(*alloc_fn)(size_t);
static void (*free_fn)(void *);

static void *churn(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    void *live[KEEP] = { 0 };
    for (int i = 0; i < OPS; i++) {
        int k = rand_r(&seed) % KEEP;
        free_fn(live[k]);
        size_t size = 16 + rand_r(&seed) % 65521;
        live[k] = alloc_fn(size);
        memset(live[k], 1, size < 256 ? size : 256);
    }
    for (int k = 0; k < KEEP; k++)
        free_fn(live[k]);
    return NULL;
}

int main(int argc, char **argv)
{
    int ours = argc > 1 && strcmp(argv[1], "rseq-agent") == 0;
    alloc_fn = ours ? rseqagent_malloc : malloc;
    free_fn = ours ? rseqagent_free : free;
    pthread_t t[THREADS];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < THREADS; i++)
            pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)(i + 1 + round * THREADS));
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_rss_kib %ld\n", ru.ru_maxrss);
    return 0;
}
