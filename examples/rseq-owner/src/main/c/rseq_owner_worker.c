/*
 * rseq_owner_worker.c — a worker thread of the library's own, as native
 * runtimes have: created with pthread_create, it attaches to the JVM several
 * times to call back into Java, detaching in between; before one of those
 * attaches (or never) it takes a use of rseq through the library, which it
 * gives back after its last detach. What the agent must handle there: a
 * thread it first sees at JNI attach, that comes and goes as a Java thread,
 * that its own library registers on while it is detached, and that outlives
 * its last detach.
 */
#include <errno.h>
#include <jni.h>
#include <pthread.h>
#include <stdint.h>

#include "rseq_owner.h"

struct worker {
    JavaVM *vm;
    jclass target;       /* global reference */
    jmethodID callback;  /* static void (int round) */
    int attaches;
    int register_before; /* the attach before which the library registers; -1: never */
    int rc;              /* 0, or the first failure as -errno */
};

static void fail(struct worker *w, int rc)
{
    if (w->rc == 0)
        w->rc = rc;
}

static void call_back(struct worker *w, int round)
{
    JNIEnv *env;
    JavaVMAttachArgs args = { JNI_VERSION_1_8, "owner-worker", NULL };
    if ((*w->vm)->AttachCurrentThread(w->vm, (void **)&env, &args) != JNI_OK) {
        fail(w, -EAGAIN);
        return;
    }
    (*env)->CallStaticVoidMethod(env, w->target, w->callback, (jint)round);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionDescribe(env);
        fail(w, -EIO);
    }
    if ((*w->vm)->DetachCurrentThread(w->vm) != JNI_OK)
        fail(w, -EAGAIN);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    int registered = 0;
    for (int round = 0; round < w->attaches; round++) {
        if (round == w->register_before) {
            int rc = rseq_owner_register_current_thread();
            registered = rc == 0;
            if (rc)
                fail(w, rc);
        }
        call_back(w, round);
    }
    if (registered) {
        int rc = rseq_owner_unregister_current_thread();
        if (rc)
            fail(w, rc);
    }
    return NULL;
}

JNIEXPORT jint JNICALL Java_dev_rseqagent_examples_owner_RseqOwner_runWorker0(JNIEnv *env, jclass cls,
                                                                              jclass target, jstring method,
                                                                              jint attaches, jint register_before)
{
    (void)cls;
    struct worker w = { .attaches = attaches, .register_before = register_before };
    const char *name = (*env)->GetStringUTFChars(env, method, NULL);
    if (!name)
        return -ENOMEM;
    w.callback = (*env)->GetStaticMethodID(env, target, name, "(I)V");
    (*env)->ReleaseStringUTFChars(env, method, name);
    if (!w.callback)
        return -ENOENT; /* NoSuchMethodError pending */
    if ((*env)->GetJavaVM(env, &w.vm) != JNI_OK || !(w.target = (*env)->NewGlobalRef(env, target)))
        return -ENOMEM;
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, worker_main, &w);
    if (rc == 0)
        rc = pthread_join(thread, NULL); /* the worker attaches itself: this thread only waits */
    (*env)->DeleteGlobalRef(env, w.target);
    return rc ? -rc : w.rc;
}
