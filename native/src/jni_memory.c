/*
 * jni_memory.c — JNI glue of the Java allocation facade. A class on the boot
 * class path cannot bind natives from a library the agent's loader loaded,
 * so the agent hands the facade's JNI class to JvmHook.bindMemory0, which
 * registers these functions on it (RegisterNatives). Argument checks and the
 * JDK's exceptions are the Java side's; these only forward.
 */
#include <jni.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "alloc/alloc.h"
#include "internal.h"

static jlong JNICALL jm_malloc(JNIEnv *env, jclass cls, jlong size)
{
    (void)env, (void)cls;
    return (jlong)(uintptr_t)rseqagent_malloc((size_t)size);
}

static jlong JNICALL jm_calloc(JNIEnv *env, jclass cls, jlong size)
{
    (void)env, (void)cls;
    return (jlong)(uintptr_t)rseqagent_calloc(1, (size_t)size);
}

static void JNICALL jm_free(JNIEnv *env, jclass cls, jlong p)
{
    (void)env, (void)cls;
    rseqagent_free((void *)(uintptr_t)p);
}

static jlong JNICALL jm_realloc(JNIEnv *env, jclass cls, jlong p, jlong size)
{
    (void)env, (void)cls;
    return (jlong)(uintptr_t)rseqagent_realloc((void *)(uintptr_t)p, (size_t)size);
}

static jlong JNICALL jm_usable_size(JNIEnv *env, jclass cls, jlong p)
{
    (void)env, (void)cls;
    return (jlong)rseqagent_usable_size((void *)(uintptr_t)p);
}

/* Where a block goes that the arena cannot hold and JNA's Native.malloc would have taken from libc. */
static jlong JNICALL jm_libc_malloc(JNIEnv *env, jclass cls, jlong size)
{
    (void)env, (void)cls;
    return (jlong)(uintptr_t)malloc((size_t)size);
}

static jboolean JNICALL jm_owns(JNIEnv *env, jclass cls, jlong p)
{
    (void)env, (void)cls;
    return rseqagent_owns((const void *)(uintptr_t)p) ? JNI_TRUE : JNI_FALSE;
}

/* The arena, reserved now if it was not: [base, base + bytes) is every address the shim hands out. */
static void JNICALL jm_arena(JNIEnv *env, jclass cls, jlongArray out)
{
    (void)cls;
    jlong range[2] = { 0, 0 };
    if (_rseqagent_arena_init() == 0) {
        range[0] = (jlong)atomic_load_explicit(&_rseqagent_arena_base, memory_order_acquire);
        range[1] = (jlong)atomic_load_explicit(&_rseqagent_arena_bytes, memory_order_relaxed);
    }
    (*env)->SetLongArrayRegion(env, out, 0, 2, range);
}

/* Entry points for FFM downcalls, in the order of the facade's FfmMemory.SYMBOLS. */
static void JNICALL jm_entry_points(JNIEnv *env, jclass cls, jlongArray out)
{
    (void)cls;
    jlong entries[] = {
        (jlong)(uintptr_t)&rseqagent_malloc_fast, (jlong)(uintptr_t)&rseqagent_free_fast,
        (jlong)(uintptr_t)&rseqagent_malloc,      (jlong)(uintptr_t)&rseqagent_free,
        (jlong)(uintptr_t)&rseqagent_realloc,     (jlong)(uintptr_t)&rseqagent_calloc,
    };
    jsize n = (*env)->GetArrayLength(env, out);
    jsize count = (jsize)(sizeof(entries) / sizeof(entries[0]));
    (*env)->SetLongArrayRegion(env, out, 0, n < count ? n : count, entries);
}

/* ---- Registration Table ---- */
static const JNINativeMethod memory_methods[] = {
    { "malloc", "(J)J", (void *)jm_malloc },
    { "calloc", "(J)J", (void *)jm_calloc },
    { "free", "(J)V", (void *)jm_free },
    { "realloc", "(JJ)J", (void *)jm_realloc },
    { "usableSize", "(J)J", (void *)jm_usable_size },
    { "libcMalloc", "(J)J", (void *)jm_libc_malloc },
    { "owns", "(J)Z", (void *)jm_owns },
    { "arena", "([J)V", (void *)jm_arena },
    { "entryPoints", "([J)V", (void *)jm_entry_points },
};
/* ---- Registration Table End ---- */

int _rseqagent_jni_bind_memory(JNIEnv *env, jclass facade)
{
    if ((*env)->RegisterNatives(env, facade, memory_methods, sizeof(memory_methods) / sizeof(memory_methods[0])) != 0) {
        (*env)->ExceptionClear(env);
        return -1;
    }
    return 0;
}
