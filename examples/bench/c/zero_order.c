/*
 * zero_order.c — the facts behind the order in which the shim hands out and
 * zeroes blocks: 4 KiB blocks of a 256 MiB region (far past the caches, as a
 * GC's worth of dead direct buffers), each zeroed and then touched once,
 * visited in rising or falling address order, zeroed bottom-up (memset) or
 * top-down (calloc does so for a block below the previous one); and falling
 * within runs of 16 whose runs rise, the order a refill that pushed its
 * rising batch bottom-up handed out (percpu/cache.c now pushes it top-down,
 * so a run of allocations rises). Prints ns a block, medians of 9
 * interleaved passes.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define REGION ((size_t)256 << 20)
#define BLOCK ((size_t)4096)
#define PASSES 9

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void zero_top_down(char *p)
{
    for (size_t top = BLOCK; top >= 64; top -= 64)
        memset(p + top - 64, 0, 64);
}

enum order { RISING, FALLING, FALLING_IN_RISING_RUNS };
#define RUN 16

static size_t block_at(enum order order, size_t i, size_t n)
{
    if (order == RISING)
        return i;
    if (order == FALLING)
        return n - 1 - i;
    return i / RUN * RUN + (RUN - 1 - i % RUN);
}

static double pass(char *region, enum order order, int top_down)
{
    size_t n = REGION / BLOCK;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        char *b = region + block_at(order, i, n) * BLOCK;
        if (top_down)
            zero_top_down(b);
        else
            memset(b, 0, BLOCK);
        *(volatile char *)b = 1;
    }
    return (now_ns() - t0) / (double)n;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    char *region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    memset(region, 1, REGION); /* fault every page in before timing */
    enum { VARIANTS = 6 };
    double t[VARIANTS][PASSES];
    for (int p = 0; p < PASSES; p++)
        for (int v = 0; v < VARIANTS; v++)
            t[v][p] = pass(region, (enum order)(v >> 1), v & 1);
    static const char *name[VARIANTS] = {
        "rising order, zeroed bottom-up", "rising order, zeroed top-down",
        "falling order, zeroed bottom-up", "falling order, zeroed top-down",
        "runs of 16 falling, the runs rising, zeroed bottom-up",
        "runs of 16 falling, the runs rising, zeroed top-down",
    };
    for (int v = 0; v < VARIANTS; v++) {
        qsort(t[v], PASSES, sizeof(double), by_value);
        printf("| cold 4 KiB blocks in %s | %.1f ns |\n", name[v], t[v][PASSES / 2]);
    }
    return 0;
}
