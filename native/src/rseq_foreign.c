/*
 * rseq_foreign.c — finds the library (if any) whose __rseq_abi is the calling
 * thread's registered area.
 *
 * Libraries loaded by System.load are RTLD_LOCAL, so dlsym(RTLD_DEFAULT)
 * misses them. We walk dl_iterate_phdr collecting names only (dlopen inside
 * its callback can deadlock on the loader lock), then, outside it, look each
 * up with dlopen(RTLD_NOLOAD). Only objects with a TLS segment can define
 * __rseq_abi; the names that do are cached until the loader's add/remove
 * counters move.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "internal.h"
#include "rseq_abi.h"

#define MAX_OBJECTS 512
#define MAX_OWNERS 16

struct tls_object {
    char *name;
    size_t tls_size; /* PT_TLS p_memsz */
};

struct object_list {
    int count;
    struct tls_object objects[MAX_OBJECTS];
};

struct loader_generation {
    unsigned long long adds;
    unsigned long long subs;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct loader_generation cached_gen = { ~0ULL, ~0ULL };
static int owner_count;
static char *owner_names[MAX_OWNERS];

static size_t tls_segment_size(const struct dl_phdr_info *info)
{
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_TLS)
            return info->dlpi_phdr[i].p_memsz;
    return 0;
}

static int collect_tls_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct object_list *list = arg;
    (void)size;
    size_t tls_size = tls_segment_size(info);
    if (!tls_size || !info->dlpi_name || !info->dlpi_name[0] || list->count == MAX_OBJECTS)
        return 0;
    char *copy = strdup(info->dlpi_name);
    if (copy)
        list->objects[list->count++] = (struct tls_object){ copy, tls_size };
    return 0;
}

static int read_generation(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct loader_generation *gen = arg;
    if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs)) {
        gen->adds = info->dlpi_adds;
        gen->subs = info->dlpi_subs;
    }
    return 1; /* the counters are the same in every entry */
}

/* Does this object itself define __rseq_abi? dlsym also searches the
 * handle's dependencies, so the address must fall in the object's own TLS
 * block (dladdr cannot tell: a TLS address is not in any mapping). */
static int defines_rseq_abi(const struct tls_object *obj)
{
    void *handle = dlopen(obj->name, RTLD_NOLOAD | RTLD_LAZY);
    if (!handle)
        return 0;
    char *abi = dlsym(handle, "__rseq_abi");
    char *block = NULL;
    int defines = abi && dlinfo(handle, RTLD_DI_TLS_DATA, &block) == 0 && block &&
                  abi >= block && abi < block + obj->tls_size;
    dlclose(handle);
    return defines;
}

static void owners_clear(void)
{
    for (int i = 0; i < owner_count; i++)
        free(owner_names[i]);
    owner_count = 0;
}

static int owners_contain(const char *name)
{
    for (int i = 0; i < owner_count; i++)
        if (strcmp(owner_names[i], name) == 0)
            return 1;
    return 0;
}

/* pre: cache_lock held. */
static void owners_rescan(void)
{
    static struct object_list list; /* large; guarded by cache_lock */
    list.count = 0;
    dl_iterate_phdr(collect_tls_object, &list);
    owners_clear();
    for (int i = 0; i < list.count; i++) {
        char *name = list.objects[i].name;
        if (owner_count < MAX_OWNERS && !owners_contain(name) && defines_rseq_abi(&list.objects[i]))
            owner_names[owner_count++] = name;
        else
            free(name);
    }
}

/* Copy the cached owner names, rescanning if libraries came or went. */
static int owners_snapshot(char **out)
{
    struct loader_generation gen = { 0, 0 };
    dl_iterate_phdr(read_generation, &gen);
    pthread_mutex_lock(&cache_lock);
    if (gen.adds != cached_gen.adds || gen.subs != cached_gen.subs) {
        owners_rescan();
        cached_gen = gen;
    }
    int n = 0;
    for (int i = 0; i < owner_count; i++)
        if ((out[n] = strdup(owner_names[i])) != NULL)
            n++;
    pthread_mutex_unlock(&cache_lock);
    return n;
}

static int try_owner(const char *name, struct _rseqagent_foreign_hit *hit)
{
    void *handle = dlopen(name, RTLD_NOLOAD | RTLD_LAZY);
    if (!handle)
        return 0; /* unloaded since the scan */
    void *area = dlsym(handle, "__rseq_abi"); /* this thread's copy */
    int sig = area ? _rseqagent_sys_rseq(area, RSEQAGENT_ORIG_AREA_LEN, 0, RSEQAGENT_SIG) : 0;
    if (sig != -EBUSY && sig != -EPERM) {
        dlclose(handle);
        return 0;
    }
    hit->handle = handle;
    hit->area = area;
    hit->refcount = dlsym(handle, "__rseq_refcount");
    hit->sig = sig == -EBUSY ? RSEQAGENT_SIG_MATCH : RSEQAGENT_SIG_OTHER;
    return 1;
}

int _rseqagent_foreign_find(struct _rseqagent_foreign_hit *hit)
{
    char *names[MAX_OWNERS];
    int n = owners_snapshot(names);
    int found = 0;
    for (int i = 0; i < n; i++) {
        if (!found)
            found = try_owner(names[i], hit);
        free(names[i]);
    }
    return found;
}

RSEQAGENT_EXPORT int rseqagent_foreign_owners(char *buf, size_t len)
{
    if (!buf || len == 0)
        return -EINVAL;
    char *names[MAX_OWNERS];
    int n = owners_snapshot(names);
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t need = strlen(names[i]) + 1;
        if (used + need < len) {
            memcpy(buf + used, names[i], need - 1);
            buf[used + need - 1] = '\n';
            used += need;
            buf[used] = '\0';
        }
        free(names[i]);
    }
    return n;
}

void _rseqagent_foreign_atfork_prepare(void)
{
    pthread_mutex_lock(&cache_lock);
}

void _rseqagent_foreign_atfork_parent(void)
{
    pthread_mutex_unlock(&cache_lock);
}

void _rseqagent_foreign_atfork_child(void)
{
    pthread_mutex_unlock(&cache_lock);
}
