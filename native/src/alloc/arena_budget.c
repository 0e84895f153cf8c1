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
#include "../internal.h"
#include "../../include/rseqagent.h"

#define SHARE_OF_WHAT_IS_LEFT 8
#define ARENA_DEFAULT_BYTES ((size_t)64 << 30)
#define ARENA_MIN_BYTES ((size_t)1 << 30)          /* halving on failure stops here... */
#define ARENA_LIMITED_MIN_BYTES ((size_t)16 << 20) /* ...or here under a limit: less is not worth an arena */

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

/* Takes share as the bound when it is below the current one. */
static void bind(size_t share, int by, size_t *bound, int *bound_by)
{
    if (share < *bound) {
        *bound = share;
        *bound_by = by;
    }
}

/* The largest power of two that is at most bytes (bytes > 0). */
static size_t pow2_floor(size_t bytes)
{
    return (size_t)1 << (63 - __builtin_clzll((unsigned long long)bytes));
}

void _rseqagent_arena_plan(struct _rseqagent_arena_plan *plan)
{
    size_t bound = SIZE_MAX;
    int by = RSEQAGENT_ARENA_UNBOUND;
    bind(share_left_under(RLIMIT_AS), RSEQAGENT_ARENA_BY_ADDRESS_SPACE, &bound, &by);
    bind(share_left_under(RLIMIT_DATA), RSEQAGENT_ARENA_BY_DATA, &bound, &by);
    bind(share_of_commit_left(), RSEQAGENT_ARENA_BY_COMMIT, &bound, &by);
    if (bound != SIZE_MAX)
        bound -= bound / 256; /* the page map takes 1/256 of the arena */
    plan->bound_by = bound < ARENA_DEFAULT_BYTES ? by : RSEQAGENT_ARENA_UNBOUND;
    if (plan->bound_by == RSEQAGENT_ARENA_UNBOUND) {
        plan->first = ARENA_DEFAULT_BYTES;
        plan->least = ARENA_MIN_BYTES;
    } else {
        plan->first = bound < ARENA_LIMITED_MIN_BYTES ? 0 : pow2_floor(bound);
        plan->least = ARENA_LIMITED_MIN_BYTES;
    }
}

/* The public view of the plan (include/rseqagent.h): what the doctor shows. */
RSEQAGENT_EXPORT int64_t rseqagent_arena_budget(int *bound_by)
{
    struct _rseqagent_arena_plan plan;
    _rseqagent_arena_plan(&plan);
    if (bound_by)
        *bound_by = plan.bound_by;
    return (int64_t)plan.first;
}
