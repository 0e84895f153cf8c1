/*
 * zero_floor.c THREADS — what zeroing alone costs a short-lived 4 KiB direct
 * buffer, the part of allocateDirect no allocator can skip: the JDK's limit
 * (256 MiB in run-jmh.sh) fills with dead buffers before a GC frees any, so
 * each buffer's memory was last touched a limit's worth of buffers ago, far
 * past the caches. THREADS threads at once (they share the memory bus, as
 * the benchmark's threads do) each zero their share of a 256 MiB region,
 * block by block, and touch each block as DirectBufferBench does. Prints the
 * median over 9 passes of ns a block a thread, averaged over the threads.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define REGION ((size_t)256 << 20)
#define BLOCK ((size_t)4096)
#define PASSES 9
#define MAX_THREADS 64

struct share {
    char *start;
    size_t blocks;
    double ns[PASSES];
};

static pthread_barrier_t pass_start;

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *zero_share(void *arg)
{
    struct share *s = arg;
    for (int p = 0; p < PASSES; p++) {
        pthread_barrier_wait(&pass_start);
        double t0 = now_ns();
        for (size_t i = 0; i < s->blocks; i++) {
            char *b = s->start + i * BLOCK;
            memset(b, 0, BLOCK);
            b[0] = 1; /* DirectBufferBench's put(0, 1) */
            if (*(volatile char *)(b + BLOCK - 1))
                abort();
        }
        s->ns[p] = (now_ns() - t0) / (double)s->blocks;
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 0;
    if (threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "usage: zero_floor THREADS (1-%d)\n", MAX_THREADS);
        return 2;
    }
    char *region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    memset(region, 1, REGION); /* fault every page in before timing */
    pthread_barrier_init(&pass_start, NULL, (unsigned)threads);
    static struct share shares[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    size_t per_thread = REGION / BLOCK / (size_t)threads;
    for (int t = 0; t < threads; t++) {
        shares[t] = (struct share){ region + (size_t)t * per_thread * BLOCK, per_thread, { 0 } };
        if (pthread_create(&ids[t], NULL, zero_share, &shares[t])) {
            perror("pthread_create");
            return 1;
        }
    }
    double sum = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        qsort(shares[t].ns, PASSES, sizeof(double), by_value);
        sum += shares[t].ns[PASSES / 2];
    }
    printf("%.1f\n", sum / threads);
    return 0;
}
