/* test_unavailable.c — rseq blocked by a seccomp filter installed before exec
 * (run under block-syscall-exec rseq). argv[1]: the errno the filter answers. */
#include "probe_util.h"
#include <stdlib.h>
#include "tap.h"

int main(int argc, char **argv)
{
    int want = argc > 1 ? atoi(argv[1]) : ENOSYS;
    is_int(rseqagent_init(), 0, "init still succeeds");
    int64_t info[RSEQAGENT_PROCESS_FIELDS];
    rseqagent_process_info(info);
    is_int(info[RSEQAGENT_P_KERNEL_ERRNO], want, "process: kernel errno");
    is_int(info[RSEQAGENT_P_GLIBC_SIZE], 0, "glibc could not register");
    struct probe p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_UNAVAILABLE, "UNAVAILABLE");
    is_int(p.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_FALLBACK, "fallback");
    is_int(p.r[RSEQAGENT_R_ERRNO], want, "errno reported");
    p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_UNAVAILABLE, "acquire cannot change that");
    is_int(counter(RSEQAGENT_C_REGISTRATIONS), 0, "nothing registered");
    return tap_done();
}
