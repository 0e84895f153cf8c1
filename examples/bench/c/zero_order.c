/*
 * zero_order.c — the fact behind the shim's calloc zeroing a block top-down
 * when it lies below the previous one: 4 KiB blocks of a 256 MiB region (far
 * past the caches, as a GC's worth of dead direct buffers), each zeroed and
 * then touched once, visited in rising or falling address order, zeroed
 * bottom-up (memset) or top-down. Prints ns a block, medians of 9 interleaved
 * passes.
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

static double pass(char *region, int falling, int top_down)
{
    size_t n = REGION / BLOCK;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        char *b = region + (falling ? n - 1 - i : i) * BLOCK;
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
    double t[4][PASSES];
    for (int p = 0; p < PASSES; p++)
        for (int v = 0; v < 4; v++)
            t[v][p] = pass(region, v >> 1, v & 1);
    static const char *name[4] = { "rising order, zeroed bottom-up", "rising order, zeroed top-down",
                                   "falling order, zeroed bottom-up", "falling order, zeroed top-down" };
    for (int v = 0; v < 4; v++) {
        qsort(t[v], PASSES, sizeof(double), by_value);
        printf("| cold 4 KiB blocks in %s | %.1f ns |\n", name[v], t[v][PASSES / 2]);
    }
    return 0;
}
