/*
 * jni_identity.c — the least a JNI facade call can cost: a static native that
 * returns its argument. JniFloorBench calls it twice per operation, as the
 * facade calls the shim twice per allocate+free pair (built by run-jmh.sh).
 */
#include <jni.h>

JNIEXPORT jlong JNICALL Java_dev_rseqagent_bench_plain_JniFloorBench_identity(JNIEnv *env, jclass cls, jlong x)
{
    (void)env;
    (void)cls;
    return x;
}
