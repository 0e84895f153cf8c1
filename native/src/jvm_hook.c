/*
 * jvm_hook.c — JNI/JVMTI glue only: calls a Java method on every Java thread
 * the JVM starts, on that thread, before it runs user code (JVMTI
 * ThreadStart). The Java side probes and logs; this file decides nothing.
 */
#include <errno.h>
#include <jni.h>
#include <jvmti.h>
#include <string.h>

#include "internal.h"

static jvmtiEnv *hook_jvmti;
static jclass hook_class;      /* global ref */
static jmethodID hook_method;  /* static void m() */

static void JNICALL on_thread_start(jvmtiEnv *jvmti, JNIEnv *env, jthread thread)
{
    (void)jvmti;
    (void)thread;
    (*env)->CallStaticVoidMethod(env, hook_class, hook_method);
    if ((*env)->ExceptionCheck(env))
        (*env)->ExceptionClear(env); /* the agent must never break the thread */
}

static int hook_resolve(JNIEnv *env, const char *class_name, const char *method_name)
{
    jclass local = (*env)->FindClass(env, class_name);
    if (!local) {
        (*env)->ExceptionClear(env);
        return -ENOENT;
    }
    hook_method = (*env)->GetStaticMethodID(env, local, method_name, "()V");
    if (!hook_method) {
        (*env)->ExceptionClear(env);
        (*env)->DeleteLocalRef(env, local);
        return -ENOENT;
    }
    hook_class = (*env)->NewGlobalRef(env, local);
    (*env)->DeleteLocalRef(env, local);
    return hook_class ? 0 : -ENOMEM;
}

static int hook_enable(JNIEnv *env)
{
    JavaVM *vm;
    if ((*env)->GetJavaVM(env, &vm) != JNI_OK)
        return -EIO;
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
 * Call class_name.method_name()V (JNI slashed name, found through the class
 * loader of the calling native method) on every thread the JVM starts from
 * now on. Once per process. pre: called from a Java thread through JNI.
 */
RSEQAGENT_EXPORT int rseqagent_jvm_hook_thread_start(JNIEnv *env, const char *class_name,
                                                     const char *method_name)
{
    if (!env || !class_name || !method_name)
        return -EINVAL;
    if (hook_class)
        return -EALREADY;
    int rc = hook_resolve(env, class_name, method_name);
    if (rc == 0)
        rc = hook_enable(env);
    return rc;
}
