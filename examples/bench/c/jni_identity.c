/*
 * jni_identity.c — the least a facade call can cost: a function that returns
 * its argument, as a JNI static native (JniFloorBench) and as a plain symbol
 * for an FFM critical downcall (FfmFloorBench). Each bench calls it twice per
 * operation, as the facade calls the shim twice per allocate+free pair
 * (built by run-jmh.sh).
 */
#include <jni.h>

JNIEXPORT jlong JNICALL Java_dev_rseqagent_bench_plain_JniFloorBench_identity(JNIEnv *env, jclass cls, jlong x)
{
    (void)env;
    (void)cls;
    return x;
}

JNIEXPORT jlong rseqagent_bench_identity(jlong x)
{
    return x;
}
