/* test_fork.c — fork with the shim's registration live (tunable off): the
 * child keeps the forking thread's registration and can give it back. */
#include "probe_util.h"
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

int main(void)
{
    is_int(rseqagent_init(), 0, "init");
    struct probe p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_SHIM, "parent: SHIM");
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        struct probe c = probe_now(0);
        int okay = c.r[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_SHIM;
        c = probe_now(RSEQAGENT_PROBE_RELEASE);
        okay = okay && c.r[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_NONE && !kernel_registered();
        c = probe_now(RSEQAGENT_PROBE_ACQUIRE);
        okay = okay && c.r[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_SHIM;
        _exit(okay ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: SHIM inherited, released, re-acquired");
    p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_SHIM, "parent unchanged");
    return tap_done();
}
