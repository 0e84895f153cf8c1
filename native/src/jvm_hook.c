/*
 * jvm_hook.c — JNI/JVMTI glue only. The agent System.loads the shim (the same
 * mapping JNA opens, so one copy) and JNI_OnLoad registers JvmHook's natives:
 * defineInBootLoader0 and bindMemory0 (the allocation facade, jni_memory.c)
 * and install0: from then on every Java thread the JVM starts is probed
 * on that thread before it runs user code (JVMTI ThreadStart), and the report
 * is handed to a Java method, which logs it (or, while first sightings are
 * summarised, queued for the agent's drainer: deferFirstSights0, takeThread0);
 * and when a thread leaves the JVM (JVMTI ThreadEnd), what the agent took
 * there is given back. This path is pure JNI: JNA's first call on a new
 * thread costs ~15 us, and JNA's own start-up ~50 ms, which must not sit
 * before the application's main.
 */
#include <errno.h>
#include <stdatomic.h>
#include <jni.h>
#include <jvmti.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define HOOK_HOLDER "dev/rseqagent/tooling/shim/JvmHook"

static jvmtiEnv *hook_jvmti;
static jclass hook_class;     /* global ref; NULL: probe only */
static jmethodID hook_method; /* static void m(long[] report) */

/*
 * While the agent summarises first sightings (more than 100 threads start in
 * a second), a started thread's first sighting goes to the event queue with
 * a global reference to its Thread, for the agent's drainer to count: the
 * thread then runs none of the agent's Java code and allocates nothing. A
 * call into Java would take it a TLAB of its own (hundreds of KiB of eden a
 * thread start: young GCs that an application of short-lived threads would
 * not otherwise have). Sightings fill at most half the queue; the shim's
 * own events keep the rest. 0 if queued.
 */
static atomic_bool defer_first_sights;

static int defer_sighting(JNIEnv *env, jthread thread, int64_t *report)
{
    if (!atomic_load_explicit(&defer_first_sights, memory_order_relaxed) ||
        report[RSEQAGENT_R_FROM_OWNER] != RSEQAGENT_OWNER_NEW)
        return -1;
    jobject ref = (*env)->NewGlobalRef(env, thread);
    if (!ref)
        return -1;
    report[RSEQAGENT_R_KIND] = RSEQAGENT_EVENT_THREAD_START;
    report[RSEQAGENT_R_TAG] = (int64_t)(uintptr_t)ref;
    if (_rseqagent_event_try_push(report, RSEQAGENT_EVENT_QUEUE_CAPACITY / 2) == 0)
        return 0;
    (*env)->DeleteGlobalRef(env, ref);
    report[RSEQAGENT_R_KIND] = RSEQAGENT_EVENT_PROBE;
    report[RSEQAGENT_R_TAG] = 0;
    return -1;
}

/* Hands the report to the Java hook, on the started thread. */
static void call_hook(JNIEnv *env, const int64_t *report)
{
    jlongArray array = (*env)->NewLongArray(env, RSEQAGENT_REPORT_FIELDS);
    if (!array) {
        (*env)->ExceptionClear(env);
        return;
    }
    (*env)->SetLongArrayRegion(env, array, 0, RSEQAGENT_REPORT_FIELDS, (const jlong *)report);
    (*env)->CallStaticVoidMethod(env, hook_class, hook_method, array);
    if ((*env)->ExceptionCheck(env))
        (*env)->ExceptionClear(env); /* the agent must never break the thread */
    (*env)->DeleteLocalRef(env, array);
}

static void JNICALL on_thread_start(jvmtiEnv *jvmti, JNIEnv *env, jthread thread)
{
    (void)jvmti;
    int64_t report[RSEQAGENT_REPORT_FIELDS];
    if (rseqagent_thread_probe(report, 0) != 0 || !hook_class)
        return; /* no hook: the probe still records the first owner */
    if (defer_sighting(env, thread, report) != 0)
        call_hook(env, report);
}

/* A JNI detach, or a Java thread's end: the agent gives back what it took there (rseq_reg.c). */
static void JNICALL on_thread_end(jvmtiEnv *jvmti, JNIEnv *env, jthread thread)
{
    (void)jvmti, (void)env, (void)thread;
    _rseqagent_thread_leaves_jvm();
}

static int hook_enable(JavaVM *vm)
{
    if ((*vm)->GetEnv(vm, (void **)&hook_jvmti, JVMTI_VERSION_1_2) != JNI_OK)
        return -ENOTSUP;
    jvmtiEventCallbacks callbacks;
    memset(&callbacks, 0, sizeof(callbacks));
    callbacks.ThreadStart = on_thread_start;
    callbacks.ThreadEnd = on_thread_end;
    if ((*hook_jvmti)->SetEventCallbacks(hook_jvmti, &callbacks, sizeof(callbacks)) != JVMTI_ERROR_NONE)
        return -EIO;
    if ((*hook_jvmti)->SetEventNotificationMode(hook_jvmti, JVMTI_ENABLE, JVMTI_EVENT_THREAD_START, NULL) !=
            JVMTI_ERROR_NONE ||
        (*hook_jvmti)->SetEventNotificationMode(hook_jvmti, JVMTI_ENABLE, JVMTI_EVENT_THREAD_END, NULL) !=
            JVMTI_ERROR_NONE)
        return -EIO;
    return 0;
}

/*
 * JvmHook.install0(Class<?> hook, String method, long[] callerReport):
 * probe every Java thread started from now on and, when hook is not null,
 * call hook.method(long[] report) on it; fill callerReport with the probe of
 * the calling thread. Once per process. Returns 0 or -errno.
 */
static jint JNICALL rseqagent_jvm_hook_install0(JNIEnv *env, jclass holder, jclass hook, jstring method,
                                                jlongArray caller_report)
{
    (void)holder;
    static int installed;
    if (installed)
        return -EALREADY;
    if (!caller_report || (*env)->GetArrayLength(env, caller_report) < RSEQAGENT_REPORT_FIELDS)
        return -EINVAL;
    int64_t report[RSEQAGENT_REPORT_FIELDS];
    int rc = rseqagent_thread_probe(report, 0);
    if (rc)
        return rc;
    (*env)->SetLongArrayRegion(env, caller_report, 0, RSEQAGENT_REPORT_FIELDS, (const jlong *)report);
    if (hook) {
        const char *name = method ? (*env)->GetStringUTFChars(env, method, NULL) : NULL;
        hook_method = name ? (*env)->GetStaticMethodID(env, hook, name, "([J)V") : NULL;
        if (name)
            (*env)->ReleaseStringUTFChars(env, method, name);
        if (!hook_method) {
            (*env)->ExceptionClear(env);
            return -ENOENT;
        }
        hook_class = (*env)->NewGlobalRef(env, hook);
    }
    JavaVM *vm;
    rc = (*env)->GetJavaVM(env, &vm) == JNI_OK ? hook_enable(vm) : -EIO;
    if (rc != 0 && hook_class) {
        (*env)->DeleteGlobalRef(env, hook_class);
        hook_class = NULL;
    }
    installed = rc == 0; /* JVM-serialised: premain calls this once, on one thread */
    return rc;
}

/* JvmHook.bindMemory0(Class<?> facade): the allocation facade's natives (jni_memory.c). 0 or -EINVAL. */
static jint JNICALL rseqagent_jvm_hook_bind_memory0(JNIEnv *env, jclass holder, jclass facade)
{
    (void)holder;
    return facade && _rseqagent_jni_bind_memory(env, facade) == 0 ? 0 : -EINVAL;
}

/*
 * JvmHook.defineInBootLoader0(String internalName, byte[] classFile): one
 * class of the allocation facade, defined by the boot loader (DefineClass with
 * a null loader). Reflection on jdk.internal.misc.Unsafe.defineClass did the
 * same at the cost of ~30 ms of method-handle spinning in a cold JVM. Null
 * with the JVM's exception pending when the class cannot be defined.
 */
static jclass JNICALL rseqagent_jvm_hook_define_in_boot_loader0(JNIEnv *env, jclass holder, jstring internal_name,
                                                                 jbyteArray class_file)
{
    (void)holder;
    const char *name = (*env)->GetStringUTFChars(env, internal_name, NULL);
    if (!name)
        return NULL;
    jclass defined = NULL;
    jsize length = (*env)->GetArrayLength(env, class_file);
    jbyte *bytes = (*env)->GetByteArrayElements(env, class_file, NULL);
    if (bytes) {
        defined = (*env)->DefineClass(env, name, NULL, bytes, length);
        (*env)->ReleaseByteArrayElements(env, class_file, bytes, JNI_ABORT);
    }
    (*env)->ReleaseStringUTFChars(env, internal_name, name);
    return defined;
}

/* JvmHook.deferFirstSights0(boolean): see defer_sighting. */
static void JNICALL rseqagent_jvm_hook_defer_first_sights0(JNIEnv *env, jclass holder, jboolean on)
{
    (void)env;
    (void)holder;
    atomic_store_explicit(&defer_first_sights, on == JNI_TRUE, memory_order_relaxed);
}

/*
 * JvmHook.takeThread0(long tag): the Thread a THREAD_START report's tag
 * refers to, its global reference deleted (each tag is taken once); null for 0.
 */
static jobject JNICALL rseqagent_jvm_hook_take_thread0(JNIEnv *env, jclass holder, jlong tag)
{
    (void)holder;
    jobject ref = (jobject)(uintptr_t)tag;
    if (!ref)
        return NULL;
    jobject thread = (*env)->NewLocalRef(env, ref);
    (*env)->DeleteGlobalRef(env, ref);
    return thread;
}

/* ---- Registration Table ---- */
static const JNINativeMethod hook_methods[] = {
    { "install0", "(Ljava/lang/Class;Ljava/lang/String;[J)I", (void *)rseqagent_jvm_hook_install0 },
    { "bindMemory0", "(Ljava/lang/Class;)I", (void *)rseqagent_jvm_hook_bind_memory0 },
    { "defineInBootLoader0", "(Ljava/lang/String;[B)Ljava/lang/Class;", (void *)rseqagent_jvm_hook_define_in_boot_loader0 },
    { "deferFirstSights0", "(Z)V", (void *)rseqagent_jvm_hook_defer_first_sights0 },
    { "takeThread0", "(J)Ljava/lang/Thread;", (void *)rseqagent_jvm_hook_take_thread0 },
};
/* ---- Registration Table End ---- */

/*
 * Registers JvmHook's native through the class loader of the class that
 * called System.load (the agent's). Loaded by anyone else, the shim still
 * loads: without JvmHook there is simply no hook to register.
 */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_VERSION_1_8;
    jclass holder = (*env)->FindClass(env, HOOK_HOLDER);
    if (!holder) {
        (*env)->ExceptionClear(env);
        return JNI_VERSION_1_8;
    }
    if ((*env)->RegisterNatives(env, holder, hook_methods, sizeof(hook_methods) / sizeof(hook_methods[0])) != 0)
        (*env)->ExceptionClear(env);
    (*env)->DeleteLocalRef(env, holder);
    return JNI_VERSION_1_8;
}
