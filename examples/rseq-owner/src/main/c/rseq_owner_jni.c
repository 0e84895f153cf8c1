/* rseq_owner_jni.c — JNI glue of the example library for
 * dev.rseqagent.examples.owner.RseqOwner; no logic of its own. */
#include <jni.h>

#include "rseq_owner.h"

#define OWNER_JNI(name) JNIEXPORT jint JNICALL Java_dev_rseqagent_examples_owner_RseqOwner_##name

OWNER_JNI(register0)(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return rseq_owner_register_current_thread();
}

OWNER_JNI(unregister0)(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return rseq_owner_unregister_current_thread();
}

OWNER_JNI(refcount0)(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return (jint)rseq_owner_refcount();
}

OWNER_JNI(cpuId0)(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return rseq_owner_cpu_id();
}
