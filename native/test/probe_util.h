/* probe_util.h — helpers shared by the ownership tests. */
#ifndef RSEQAGENT_PROBE_UTIL_H
#define RSEQAGENT_PROBE_UTIL_H
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rseqagent.h"
#include "rseq_abi.h"

struct probe {
    int rc;
    int64_t r[RSEQAGENT_REPORT_FIELDS];
};

static inline struct probe probe_now(int flags)
{
    struct probe p;
    memset(&p, 0, sizeof(p));
    p.rc = rseqagent_thread_probe(p.r, flags);
    return p;
}

/* Straight from the kernel, bypassing the shim: is anything registered? */
static inline int kernel_registered(void)
{
    int rc = _rseqagent_sys_rseq((void *)(~(uintptr_t)0 & ~(uintptr_t)31), 32, 0, 0);
    return rc == -EINVAL;
}

static inline int64_t counter(int which)
{
    int64_t c[RSEQAGENT_COUNTERS];
    rseqagent_counters(c);
    return c[which];
}

/* The example owner library, loaded RTLD_LOCAL like System.load does. */
struct owner_lib {
    void *handle;
    int (*reg)(void);
    int (*unreg)(void);
    uint32_t (*refcount)(void);
};

static inline int owner_open(struct owner_lib *o, const char *dir, const char *variant)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/lib%s.so", dir, variant);
    o->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!o->handle)
        return -1;
    o->reg = (int (*)(void))dlsym(o->handle, "rseq_owner_register_current_thread");
    o->unreg = (int (*)(void))dlsym(o->handle, "rseq_owner_unregister_current_thread");
    o->refcount = (uint32_t(*)(void))dlsym(o->handle, "rseq_owner_refcount");
    return o->reg && o->unreg && o->refcount ? 0 : -1;
}
#endif
