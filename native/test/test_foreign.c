/* test_foreign.c — a library that owns rseq itself (the example owner, loaded
 * RTLD_LOCAL as System.load does), with glibc's registration off
 * (GLIBC_TUNABLES=glibc.pthread.rseq=0). argv[1]: directory of lib<variant>.so.
 * Covers the refcount protocol, leaving the JVM while holding the count,
 * owner variants, and load/unload churn. */
#include "probe_util.h"
#include <string.h>
#include "internal.h"
#include "tap.h"

#define CHURN 1000

static const char *dir;

static void refcount_protocol(void)
{
    struct owner_lib o;
    ok(owner_open(&o, dir, "owner") == 0, "load the standard owner");
    struct probe p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_NONE, "start probe: NONE");
    ok(!kernel_registered(), "start probe took nothing");

    is_int(o.reg(), 0, "owner registers after the start probe");
    p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_FROM_OWNER], RSEQAGENT_OWNER_NONE, "from NONE");
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_FOREIGN, "FOREIGN");
    is_int(p.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_RSEQ, "standard signature + refcount: rseq");
    is_int(p.r[RSEQAGENT_R_SIG], RSEQAGENT_SIG_MATCH, "signature confirmed");
    is_int(p.r[RSEQAGENT_R_AREA], (int64_t)(uintptr_t)dlsym(o.handle, "__rseq_abi"), "area is the owner's __rseq_abi");

    p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_HELD], 1, "acquire holds the owner's refcount");
    is_int(o.refcount(), 2, "refcount is 2");
    is_int(o.unreg(), 0, "owner gives its use back");
    ok(kernel_registered(), "... and stays registered while the shim holds it");
    p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_FOREIGN, "still FOREIGN");
    is_int(p.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_RSEQ, "still rseq");

    p = probe_now(RSEQAGENT_PROBE_RELEASE);
    is_int(o.refcount(), 0, "release gave the count back");
    ok(!kernel_registered(), "the last user (the shim) unregistered");
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_NONE, "FOREIGN -> NONE");

    is_int(o.reg(), 0, "owner registers again");
    p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_FOREIGN, "FOREIGN again");
    is_int(o.unreg(), 0, "owner unregisters while the shim does not hold it");
    p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_FROM_OWNER], RSEQAGENT_OWNER_FOREIGN, "from FOREIGN");
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_NONE, "to NONE");
    p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_SHIM, "then SHIM when rseq is needed");
    is_int(o.reg(), -EINVAL, "the owner is now refused by the kernel (another area)");
    o.unreg();
    p = probe_now(RSEQAGENT_PROBE_RELEASE);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_NONE, "release gives the thread back");
    dlclose(o.handle);
}

/* The thread leaves the JVM (JVMTI ThreadEnd: a JNI detach) while the agent
 * holds the owner's count: the count goes back at once, the owner's own use
 * keeps its registration, and its last use unregisters, as the protocol says. */
static void leaving_the_jvm(void)
{
    struct owner_lib o;
    int64_t ev[4 * RSEQAGENT_REPORT_FIELDS];
    ok(owner_open(&o, dir, "owner") == 0, "leaving the JVM: load the standard owner");
    is_int(o.reg(), 0, "the owner registers");
    struct probe p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_HELD], 1, "the agent holds its count");
    while (rseqagent_events_drain(ev, 4, 10) > 0)
        ;
    _rseqagent_thread_leaves_jvm();
    is_int(o.refcount(), 1, "leaving the JVM gave the count back");
    ok(kernel_registered(), "the owner's own use keeps its registration");
    int n = rseqagent_events_drain(ev, 4, 200);
    ok(n == 1 && ev[RSEQAGENT_R_KIND] == RSEQAGENT_EVENT_LEFT_JVM && ev[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_FOREIGN &&
           ev[RSEQAGENT_R_MODE] == RSEQAGENT_MODE_RSEQ && ev[RSEQAGENT_R_HELD] == 0,
       "one report: still FOREIGN/rseq, nothing held (%d)", n);
    _rseqagent_thread_leaves_jvm();
    is_int(rseqagent_events_drain(ev, 4, 10), 0, "leaving again, holding nothing: nothing happens");
    is_int(o.refcount(), 1, "... and the count is untouched");
    is_int(o.unreg(), 0, "the owner's last use");
    ok(!kernel_registered(), "... unregisters");
    dlclose(o.handle);
}

static void variant(const char *name, int owner, int mode, int sig)
{
    struct owner_lib o;
    ok(owner_open(&o, dir, name) == 0, "load %s", name);
    char owners[4096];
    int listed = rseqagent_foreign_owners(owners, sizeof(owners));
    int exports = owner == RSEQAGENT_OWNER_FOREIGN; /* the private-area variant exports no __rseq_abi */
    ok((strstr(owners, name) != NULL) == exports && listed == exports,
       "%s %slisted among libraries defining __rseq_abi (%d)", name, exports ? "" : "not ", listed);
    is_int(o.reg(), 0, "%s registers", name);
    struct probe p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_OWNER], owner, "%s: owner", name);
    is_int(p.r[RSEQAGENT_R_MODE], mode, "%s: mode", name);
    is_int(p.r[RSEQAGENT_R_SIG], sig, "%s: signature", name);
    is_int(p.r[RSEQAGENT_R_HELD], 0, "%s: nothing held", name);
    is_int(o.unreg(), 0, "%s unregisters", name);
    p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_NONE, "%s: NONE after", name);
    dlclose(o.handle);
}

static void churn(void)
{
    int foreign = 0, none = 0;
    for (int i = 0; i < CHURN; i++) {
        struct owner_lib o;
        if (owner_open(&o, dir, "owner") != 0)
            break;
        o.reg();
        struct probe p = probe_now(i % 2 ? RSEQAGENT_PROBE_ACQUIRE : 0);
        foreign += p.r[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_FOREIGN;
        if (i % 2)
            probe_now(RSEQAGENT_PROBE_RELEASE);
        o.unreg();
        dlclose(o.handle);
        p = probe_now(0);
        none += p.r[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_NONE;
    }
    is_int(foreign, CHURN, "churn: FOREIGN each time it was loaded and registered");
    is_int(none, CHURN, "churn: NONE each time after unregister + dlclose");
    is_int(counter(RSEQAGENT_C_FOREIGN_TAKES), counter(RSEQAGENT_C_FOREIGN_GIVES), "takes == gives");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s OWNER_LIB_DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    is_int(rseqagent_init(), 0, "init");
    refcount_protocol();
    leaving_the_jvm();
    variant("owner-othersig", RSEQAGENT_OWNER_FOREIGN, RSEQAGENT_MODE_FALLBACK, RSEQAGENT_SIG_OTHER);
    variant("owner-norefcount", RSEQAGENT_OWNER_FOREIGN, RSEQAGENT_MODE_FALLBACK, RSEQAGENT_SIG_MATCH);
    variant("owner-private", RSEQAGENT_OWNER_UNKNOWN, RSEQAGENT_MODE_FALLBACK, RSEQAGENT_SIG_NOT_CHECKED);
    churn();
    char owners[4096];
    is_int(rseqagent_foreign_owners(owners, sizeof(owners)), 0, "after dlclose no library defines __rseq_abi");
    is_int(rseqagent_foreign_owners(owners, 0), -EINVAL, "no room: EINVAL");
    return tap_done();
}
