/* test_hidden_symbols.c — glibc < 2.35 seen through the test seam
 * RSEQAGENT_TEST_HIDE_GLIBC_SYMBOLS=1. argv[1] says what glibc did:
 * "registered" (default tunables): an area nobody can name, UNKNOWN/fallback;
 * "off" (tunable off): NONE, then SHIM on acquire. */
#include "probe_util.h"
#include "tap.h"

int main(int argc, char **argv)
{
    int registered = argc > 1 && strcmp(argv[1], "registered") == 0;
    is_int(rseqagent_init(), 0, "init");
    int64_t info[RSEQAGENT_PROCESS_FIELDS];
    rseqagent_process_info(info);
    is_int(info[RSEQAGENT_P_GLIBC_SYMBOLS], 0, "glibc symbols hidden");
    struct probe p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    if (registered) {
        is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_UNKNOWN, "an unnamed area: UNKNOWN");
        is_int(p.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_FALLBACK, "UNKNOWN: fallback");
    } else {
        is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_SHIM, "nobody owned it: SHIM on acquire");
        is_int(p.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_RSEQ, "SHIM: rseq");
    }
    return tap_done();
}
