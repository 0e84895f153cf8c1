/*
 * jvm_hook.c — JNI/JVMTI glue only. The agent System.loads the shim (the same
 * mapping JNA opens, so one copy) and JNI_OnLoad registers JvmHook's natives:
 * defineInBootLoader0 and bindMemory0 (the allocation facade, jni_memory.c)
 * and install0: from then on every Java thread the JVM starts is probed
 * on that thread before it runs user code (JVMTI ThreadStart), and the report
 * is handed to a Java method, which logs it. This path is pure JNI: JNA's
 * first call on a new thread costs ~15 us, and JNA's own start-up ~50 ms,
 * which must not sit before the application's main.
 */
#include <errno.h>
#include <jni.h>
#include <jvmti.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define HOOK_HOLDER "dev/rseqagent/tooling/shim/JvmHook"

static jvmtiEnv *hook_jvmti;
static jclass hook_class;     /* global ref; NULL: probe only */
static jmethodID hook_method; /* static void m(long[] report) */

/* Probe the calling thread into a new long[] (NULL if that failed). */
static jlongArray probe_to_array(JNIEnv *env)
{
    int64_t report[RSEQAGENT_REPORT_FIELDS];
    if (rseqagent_thread_probe(report, 0) != 0)
        return NULL;
    jlongArray array = (*env)->NewLongArray(env, RSEQAGENT_REPORT_FIELDS);
    if (!array) {
        (*env)->ExceptionClear(env);
        return NULL;
    }
    (*env)->SetLongArrayRegion(env, array, 0, RSEQAGENT_REPORT_FIELDS, (const jlong *)report);
    return array;
}

static void JNICALL on_thread_start(jvmtiEnv *jvmti, JNIEnv *env, jthread thread)
{
    (void)jvmti;
    (void)thread;
    if (!hook_class) {
        int64_t report[RSEQAGENT_REPORT_FIELDS];
        rseqagent_thread_probe(report, 0); /* still record the first owner */
        return;
    }
    jlongArray report = probe_to_array(env);
    if (!report)
        return;
    (*env)->CallStaticVoidMethod(env, hook_class, hook_method, report);
    if ((*env)->ExceptionCheck(env))
        (*env)->ExceptionClear(env); /* the agent must never break the thread */
    (*env)->DeleteLocalRef(env, report);
}

static int hook_enable(JavaVM *vm)
{
    if ((*vm)->GetEnv(vm, (void **)&hook_jvmti, JVMTI_VERSION_1_2) != JNI_OK)
        return -ENOTSUP;
    jvmtiEventCallbacks callbacks;
    memset(&callbacks, 0, sizeof(callbacks));
    callbacks.ThreadStart = on_thread_start;
    if ((*hook_jvmti)->SetEventCallbacks(hook_jvmti, &callbacks, sizeof(callbacks)) != JVMTI_ERROR_NONE)
        return -EIO;
    if ((*hook_jvmti)->SetEventNotificationMode(hook_jvmti, JVMTI_ENABLE, JVMTI_EVENT_THREAD_START, NULL) !=
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

/* ---- Registration Table ---- */
static const JNINativeMethod hook_methods[] = {
    { "install0", "(Ljava/lang/Class;Ljava/lang/String;[J)I", (void *)rseqagent_jvm_hook_install0 },
    { "bindMemory0", "(Ljava/lang/Class;)I", (void *)rseqagent_jvm_hook_bind_memory0 },
    { "defineInBootLoader0", "(Ljava/lang/String;[B)Ljava/lang/Class;", (void *)rseqagent_jvm_hook_define_in_boot_loader0 },
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
