/*
 * arena_budget.c — how much address space the arena may reserve.
 *
 * A MAP_NORESERVE reservation is free where the kernel overcommits, but three
 * settings count every reserved byte: ulimit -v (RLIMIT_AS, the whole address
 * space), ulimit -d (RLIMIT_DATA, private writable mappings) and strict
 * overcommit (vm.overcommit_memory=2, which ignores MAP_NORESERVE and charges
 * the mapping against CommitLimit). Under any of them the arena takes an
 * eighth of what is left, so that what the JVM maps later (thread stacks,
 * malloc arenas, metaspace, a growing heap) still fits; what the arena cannot
 * hold, the Java facade gets from the JDK's allocator instead.
 *
 * Test seam: RSEQAGENT_TEST_PROC=<dir> reads sys/vm/overcommit_memory and
 * meminfo from there instead of /proc (the process's own statm stays real).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "alloc.h"

#define SHARE_OF_WHAT_IS_LEFT 8

/*
 * What a limit counts now, from /proc/self/statm: the whole address space
 * (RLIMIT_AS: its first field) or private writable mappings (RLIMIT_DATA: its
 * sixth, data and stack). Where /proc is not mounted, half the limit.
 */
static size_t counted_bytes(int resource, size_t limit)
{
    FILE *f = fopen("/proc/self/statm", "re");
    unsigned long long size = 0, resident, shared, text, lib, data = 0;
    int read = f && fscanf(f, "%llu %llu %llu %llu %llu %llu", &size, &resident, &shared, &text, &lib, &data) == 6;
    if (f)
        fclose(f);
    if (!read)
        return limit / 2;
    return (size_t)(resource == RLIMIT_AS ? size : data) * (size_t)sysconf(_SC_PAGESIZE);
}

/* A share of what is left under this limit, or SIZE_MAX without one. */
static size_t share_left_under(int resource)
{
    struct rlimit lim;
    if (getrlimit(resource, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= SIZE_MAX)
        return SIZE_MAX;
    size_t limit = (size_t)lim.rlim_cur, used = counted_bytes(resource, limit);
    return used < limit ? (limit - used) / SHARE_OF_WHAT_IS_LEFT : 0;
}

static FILE *open_proc(const char *name)
{
    const char *root = getenv("RSEQAGENT_TEST_PROC");
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root ? root : "/proc", name);
    return fopen(path, "re");
}

/* The value in kB of a /proc/meminfo line ("CommitLimit:  12342040 kB"), or -1. */
static long long meminfo_kib(FILE *meminfo, const char *key)
{
    char line[256];
    size_t len = strlen(key);
    rewind(meminfo);
    while (fgets(line, sizeof(line), meminfo))
        if (strncmp(line, key, len) == 0 && line[len] == ':')
            return strtoll(line + len + 1, NULL, 10);
    return -1;
}

/* A share of the commit charge left under strict overcommit, or SIZE_MAX in the other modes (or unreadable). */
static size_t share_of_commit_left(void)
{
    FILE *mode = open_proc("sys/vm/overcommit_memory");
    int strict = mode && fgetc(mode) == '2';
    if (mode)
        fclose(mode);
    FILE *meminfo = strict ? open_proc("meminfo") : NULL;
    if (!meminfo)
        return SIZE_MAX;
    long long limit = meminfo_kib(meminfo, "CommitLimit"), committed = meminfo_kib(meminfo, "Committed_AS");
    fclose(meminfo);
    if (limit < 0 || committed < 0)
        return SIZE_MAX;
    return committed < limit ? (size_t)(limit - committed) * 1024 / SHARE_OF_WHAT_IS_LEFT : 0;
}

static size_t smaller(size_t a, size_t b)
{
    return a < b ? a : b;
}

size_t _rseqagent_arena_allowance(void)
{
    size_t share = smaller(smaller(share_left_under(RLIMIT_AS), share_left_under(RLIMIT_DATA)), share_of_commit_left());
    return share == SIZE_MAX ? SIZE_MAX : share - share / 256; /* the page map takes 1/256 of the arena */
}
