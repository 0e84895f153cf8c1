/* test_probe_glibc.c — glibc >= 2.35 owns every thread's registration
 * (run with the default tunables): GLIBC/rseq on main and new threads, and
 * neither a probe nor an acquire changes anything. */
#include "probe_util.h"
#include <pthread.h>
#include "tap.h"

static void *thread_body(void *arg)
{
    struct probe *out = arg;
    *out = probe_now(0);
    return NULL;
}

int main(void)
{
    is_int(rseqagent_init(), 0, "init");
    int64_t info[RSEQAGENT_PROCESS_FIELDS];
    rseqagent_process_info(info);
    is_int(info[RSEQAGENT_P_KERNEL_ERRNO], 0, "the kernel has rseq");
    ok(info[RSEQAGENT_P_GLIBC_SIZE] > 0, "glibc registered (__rseq_size %lld)", (long long)info[RSEQAGENT_P_GLIBC_SIZE]);

    struct probe p = probe_now(0);
    is_int(p.rc, 0, "probe main");
    is_int(p.r[RSEQAGENT_R_FROM_OWNER], RSEQAGENT_OWNER_NEW, "first sight is NEW");
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_GLIBC, "main: GLIBC");
    is_int(p.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_RSEQ, "main: rseq mode");
    is_int(p.r[RSEQAGENT_R_SIG], RSEQAGENT_SIG_MATCH, "main: standard signature");
    is_int(p.r[RSEQAGENT_R_LEN], 32, "glibc registered 32 bytes");
    ok(p.r[RSEQAGENT_R_CPU_SOURCE] != RSEQAGENT_CPU_SOURCE_NONE, "rseq mode has a cpu index source");

    p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_FROM_OWNER], RSEQAGENT_OWNER_GLIBC, "second probe: from GLIBC");

    p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_GLIBC, "acquire leaves GLIBC in place");
    is_int(counter(RSEQAGENT_C_REGISTRATIONS), 0, "no own registration");

    for (int i = 0; i < 4; i++) {
        pthread_t t;
        struct probe tp;
        pthread_create(&t, NULL, thread_body, &tp);
        pthread_join(t, NULL);
        is_int(tp.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_GLIBC, "thread %d: GLIBC", i);
        is_int(tp.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_RSEQ, "thread %d: rseq", i);
    }
    is_int(rseqagent_thread_probe(p.r, 3), -EINVAL, "acquire|release together is refused");
    is_int(rseqagent_thread_probe(NULL, 0), -EINVAL, "NULL report is refused");
    return tap_done();
}
