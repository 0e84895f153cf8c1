/*
 * rseq_reg.c — registration and ownership of the calling thread's rseq area.
 *
 * The protocol, in the order the kernel lets us ask without taking anything:
 *  1. "Is anything registered?" rseq(PROBE_ADDR, 32, 0, sig): the kernel
 *     answers EINVAL when some area is registered (another address), EFAULT
 *     when none is (PROBE_ADDR is aligned but not user memory, so it can
 *     never be registered). Anything else: rseq is unavailable here.
 *  2. Only when something is registered, confirm candidates one at a time:
 *     rseq(candidate, len, 0, RSEQAGENT_SIG) answers EBUSY for that area and
 *     signature, EPERM for that area with another signature, EINVAL for
 *     another area or length. Candidates: our own area, glibc's (thread
 *     pointer + __rseq_offset), then libraries exporting __rseq_abi.
 *     Probing a candidate when nothing is registered would register it.
 *  3. Take only on ACQUIRE: register our own area when nobody owns the
 *     thread, or take a foreign owner's __rseq_refcount (the "express use"
 *     protocol), so a library that registers later is not locked out. After
 *     a RELEASE the allocator's implicit ACQUIRE takes nothing: the thread
 *     was handed back for a library to register on.
 *
 * Per-thread state is heap-allocated (not initial-exec TLS: the shim is
 * dlopen'd) and torn down by a pthread key destructor that gives back what
 * was taken before the memory is freed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc/alloc.h"
#include "arch.h"
#include "internal.h"
#include "rseq_abi.h"

#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#endif
#ifndef AT_RSEQ_ALIGN
#define AT_RSEQ_ALIGN 28
#endif
#define MM_CID_FEATURE_SIZE 28 /* offsetof(struct rseq, end) once mm_cid exists */

#define PROBE_ADDR ((void *)(~(uintptr_t)0 & ~(uintptr_t)31))

struct process {
    int kernel_errno;
    uint32_t feature_size;
    uint32_t align;
    ptrdiff_t glibc_offset;
    uint32_t glibc_size;
    int glibc_symbols;
    int cpu_source;
};

/* What the probe found on the calling thread. */
struct owner_view {
    int owner;
    int mode;
    void *area;
    uint32_t len;
    int sig;
    int err;
    struct _rseqagent_foreign_hit foreign; /* valid when owner == FOREIGN */
};

struct thread_state {
    struct rseqagent_area own; /* first, so the allocation's alignment is the area's */
    int own_registered;
    int exiting;
    int holding;               /* holds held.refcount */
    struct _rseqagent_foreign_hit held;
    int64_t last_owner;
    int64_t last_mode;
    int64_t tid;
    void *cs_area;             /* what the allocator may use after the last probe (see cs_area_of) */
    int handed_back;           /* released: only an explicit ACQUIRE takes anything here again */
};

static struct process proc;
__thread void *_rseqagent_tls_cs_area __attribute__((tls_model("initial-exec")));
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;
static pthread_key_t state_key;
static __thread struct thread_state *tls_state;
/* Threads past our destructor see this: fallback, never re-register. */
static struct thread_state exiting_state = { .exiting = 1 };

static _Atomic int64_t counters[RSEQAGENT_COUNTERS];

/* The kernel's thread id: the system call, as gettid() is glibc 2.30+ (glibc_compat.h). */
static pid_t thread_id(void)
{
    return (pid_t)syscall(SYS_gettid);
}

static void count(int which, int64_t delta)
{
    atomic_fetch_add_explicit(&counters[which], delta, memory_order_relaxed);
}

/* ---- kernel questions ---------------------------------------------------- */

/* Step 1: 0 nothing registered, 1 something is, <0 -errno (unavailable). */
static int kernel_anything_registered(void)
{
    int rc = _rseqagent_sys_rseq(PROBE_ADDR, RSEQAGENT_ORIG_AREA_LEN, 0, RSEQAGENT_SIG);
    if (rc == -EFAULT)
        return 0;
    if (rc == -EINVAL)
        return 1;
    if (rc == 0)
        abort(); /* the kernel registered an address it cannot access: incoherent */
    return rc;
}

/* Step 2: enum rseqagent_sig if area/len is the registered one, else 0. */
static int kernel_confirm(void *area, uint32_t len)
{
    int rc = _rseqagent_sys_rseq(area, len, 0, RSEQAGENT_SIG);
    if (rc == -EBUSY)
        return RSEQAGENT_SIG_MATCH;
    if (rc == -EPERM)
        return RSEQAGENT_SIG_OTHER;
    return 0;
}

/* Register or unregister with every signal blocked: no handler on this thread
 * may see a half-made registration or refcount. */
static int kernel_register_masked(void *area, int flags)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = _rseqagent_sys_rseq(area, RSEQAGENT_ORIG_AREA_LEN, flags, RSEQAGENT_SIG);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* ---- process init ---------------------------------------------------------- */

/* A test seam: the environment variable is "1". */
static int seam_on(const char *name)
{
    const char *value = getenv(name);
    return value && strcmp(value, "1") == 0;
}

static void glibc_symbols_read(void)
{
    if (seam_on("RSEQAGENT_TEST_HIDE_GLIBC_SYMBOLS")) /* glibc < 2.35 */
        return;
    const ptrdiff_t *offset = dlsym(RTLD_DEFAULT, "__rseq_offset");
    const unsigned int *size = dlsym(RTLD_DEFAULT, "__rseq_size");
    if (!offset || !size)
        return;
    proc.glibc_symbols = 1;
    proc.glibc_offset = *offset;
    proc.glibc_size = *size;
}

static void thread_exit(void *arg);
static void atfork_prepare(void);
static void atfork_parent(void);
static void atfork_child(void);

static void process_init(void)
{
    int rc = _rseqagent_sys_rseq(NULL, 0, 0, 0); /* EINVAL: the kernel knows rseq */
    proc.kernel_errno = rc == -EINVAL ? 0 : (rc == 0 ? EIO : -rc);
    proc.feature_size = (uint32_t)getauxval(AT_RSEQ_FEATURE_SIZE);
    proc.align = (uint32_t)getauxval(AT_RSEQ_ALIGN);
    if (seam_on("RSEQAGENT_TEST_NO_RSEQ_AUXV")) /* a kernel before 6.3: neither is in the auxv, no mm_cid */
        proc.feature_size = proc.align = 0;
    glibc_symbols_read();
    if (proc.kernel_errno)
        proc.cpu_source = RSEQAGENT_CPU_SOURCE_NONE;
    else if (proc.feature_size >= MM_CID_FEATURE_SIZE)
        proc.cpu_source = RSEQAGENT_CPU_SOURCE_MM_CID;
    else
        proc.cpu_source = RSEQAGENT_CPU_SOURCE_CPU_ID;
    init_rc = -pthread_key_create(&state_key, thread_exit);
    if (init_rc == 0)
        init_rc = -pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

RSEQAGENT_EXPORT int rseqagent_init(void)
{
    pthread_once(&init_once, process_init);
    return init_rc;
}

RSEQAGENT_EXPORT int rseqagent_process_info(int64_t *info)
{
    if (!info)
        return -EINVAL;
    int rc = rseqagent_init();
    if (rc)
        return rc;
    info[RSEQAGENT_P_KERNEL_ERRNO] = proc.kernel_errno;
    info[RSEQAGENT_P_FEATURE_SIZE] = proc.feature_size;
    info[RSEQAGENT_P_ALIGN] = proc.align;
    info[RSEQAGENT_P_GLIBC_OFFSET] = proc.glibc_offset;
    info[RSEQAGENT_P_GLIBC_SIZE] = proc.glibc_size;
    info[RSEQAGENT_P_GLIBC_SYMBOLS] = proc.glibc_symbols;
    info[RSEQAGENT_P_CPU_SOURCE] = proc.cpu_source;
    return 0;
}

RSEQAGENT_EXPORT int rseqagent_counters(int64_t *out)
{
    if (!out)
        return -EINVAL;
    for (int i = 0; i < RSEQAGENT_COUNTERS; i++)
        out[i] = atomic_load_explicit(&counters[i], memory_order_relaxed);
    out[RSEQAGENT_C_EVENTS_DROPPED] = _rseqagent_events_dropped();
    return 0;
}

/* ---- per-thread state ------------------------------------------------------ */

static struct thread_state *state_get(void)
{
    struct thread_state *st = tls_state;
    if (st)
        return st;
    size_t align = proc.align > 64 ? proc.align : 64;
    size_t size = (sizeof(*st) + align - 1) / align * align;
    st = aligned_alloc(align, size);
    if (!st)
        return NULL;
    memset(st, 0, sizeof(*st));
    st->own.cpu_id = (uint32_t)RSEQAGENT_CPU_ID_UNINITIALIZED;
    st->last_owner = RSEQAGENT_OWNER_NEW;
    st->last_mode = RSEQAGENT_MODE_NONE;
    st->tid = thread_id();
    if (pthread_setspecific(state_key, st) != 0) {
        free(st);
        return NULL;
    }
    tls_state = st;
    count(RSEQAGENT_C_THREAD_STATES, 1);
    return st;
}

/* ---- identification ------------------------------------------------------ */

static int confirm_own(struct thread_state *st, struct owner_view *v)
{
    if (!st->own_registered || !kernel_confirm(&st->own, RSEQAGENT_ORIG_AREA_LEN))
        return 0;
    v->owner = RSEQAGENT_OWNER_SHIM;
    v->mode = RSEQAGENT_MODE_RSEQ;
    v->area = &st->own;
    v->len = RSEQAGENT_ORIG_AREA_LEN;
    v->sig = RSEQAGENT_SIG_MATCH;
    return 1;
}

/* glibc may have registered a length other than __rseq_size (Debian's 2.36
 * reports 20 and registered 32), so both are asked. */
static int confirm_glibc(struct owner_view *v)
{
    if (!proc.glibc_symbols || proc.glibc_size == 0)
        return 0;
    void *area = (char *)_rseqagent_thread_pointer() + proc.glibc_offset;
    uint32_t lens[] = { RSEQAGENT_ORIG_AREA_LEN, proc.glibc_size, proc.feature_size };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        int sig = lens[i] ? kernel_confirm(area, lens[i]) : 0;
        if (!sig)
            continue;
        v->owner = RSEQAGENT_OWNER_GLIBC;
        v->mode = sig == RSEQAGENT_SIG_MATCH ? RSEQAGENT_MODE_RSEQ : RSEQAGENT_MODE_FALLBACK;
        v->area = area;
        v->len = lens[i];
        v->sig = sig;
        return 1;
    }
    return 0;
}

static void view_foreign(struct owner_view *v, const struct _rseqagent_foreign_hit *hit)
{
    v->owner = RSEQAGENT_OWNER_FOREIGN;
    /* Critical sections only where we can express use: standard signature
     * and a refcount, or the owner may unregister under us at any time. */
    v->mode = hit->sig == RSEQAGENT_SIG_MATCH && hit->refcount ? RSEQAGENT_MODE_RSEQ
                                                             : RSEQAGENT_MODE_FALLBACK;
    v->area = hit->area;
    v->len = RSEQAGENT_ORIG_AREA_LEN;
    v->sig = hit->sig;
    v->foreign = *hit;
}

static int confirm_foreign(struct thread_state *st, struct owner_view *v)
{
    if (st->holding && kernel_confirm(st->held.area, RSEQAGENT_ORIG_AREA_LEN)) {
        view_foreign(v, &st->held);
        v->foreign.handle = NULL; /* the handle stays with st->held */
        return 1;
    }
    struct _rseqagent_foreign_hit hit;
    if (!_rseqagent_foreign_find(&hit))
        return 0;
    view_foreign(v, &hit);
    return 1;
}

static void probe_owner(struct thread_state *st, struct owner_view *v)
{
    memset(v, 0, sizeof(*v));
    int registered = kernel_anything_registered();
    if (registered < 0) {
        v->owner = RSEQAGENT_OWNER_UNAVAILABLE;
        v->mode = RSEQAGENT_MODE_FALLBACK;
        v->err = -registered;
        return;
    }
    if (registered == 0) {
        st->own_registered = 0; /* nobody, not even us */
        v->owner = RSEQAGENT_OWNER_NONE;
        v->mode = RSEQAGENT_MODE_NONE;
        return;
    }
    if (confirm_own(st, v) || confirm_glibc(v) || confirm_foreign(st, v))
        return;
    v->owner = RSEQAGENT_OWNER_UNKNOWN;
    v->mode = RSEQAGENT_MODE_FALLBACK;
}

static void view_done(struct owner_view *v)
{
    if (v->foreign.handle)
        dlclose(v->foreign.handle);
    v->foreign.handle = NULL;
}

/* ---- taking and giving back ------------------------------------------------ */

static void acquire(struct thread_state *st, struct owner_view *v)
{
    if (st->handed_back)
        return;
    if (v->owner == RSEQAGENT_OWNER_NONE) {
        st->own.cpu_id = (uint32_t)RSEQAGENT_CPU_ID_UNINITIALIZED;
        if (kernel_register_masked(&st->own, 0) == 0) {
            st->own_registered = 1;
            count(RSEQAGENT_C_REGISTRATIONS, 1);
        }
        return;
    }
    if (v->owner == RSEQAGENT_OWNER_FOREIGN && v->mode == RSEQAGENT_MODE_RSEQ && !st->holding) {
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        (*v->foreign.refcount)++;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        st->held = v->foreign;   /* keeps the owner loaded while we hold its count */
        v->foreign.handle = NULL;
        st->holding = 1;
        count(RSEQAGENT_C_FOREIGN_TAKES, 1);
    }
}

/* The old protocol: whoever drops __rseq_refcount to zero unregisters. */
static void give_back_foreign(struct thread_state *st)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    if (--(*st->held.refcount) == 0)
        _rseqagent_sys_rseq(st->held.area, RSEQAGENT_ORIG_AREA_LEN, RSEQAGENT_FLAG_UNREGISTER,
                            RSEQAGENT_SIG);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    dlclose(st->held.handle);
    memset(&st->held, 0, sizeof(st->held));
    st->holding = 0;
    count(RSEQAGENT_C_FOREIGN_GIVES, 1);
}

static void release(struct thread_state *st)
{
    if (st->holding)
        give_back_foreign(st);
    /* If the kernel refused, the area stays registered (and st must never be freed). */
    if (st->own_registered && kernel_register_masked(&st->own, RSEQAGENT_FLAG_UNREGISTER) == 0) {
        count(RSEQAGENT_C_UNREGISTRATIONS, 1);
        st->own_registered = 0;
    }
}

/* Gives back what the agent holds here; the allocator decides again at its next call. */
static void give_back(struct thread_state *st)
{
    _rseqagent_tls_cs_area = NULL; /* before the area goes: a signal handler may allocate */
    release(st);
}

/* ---- reports --------------------------------------------------------------- */

static void report_fill(int64_t *r, int kind, const struct thread_state *st, const struct owner_view *v)
{
    memset(r, 0, sizeof(int64_t) * RSEQAGENT_REPORT_FIELDS);
    r[RSEQAGENT_R_KIND] = kind;
    r[RSEQAGENT_R_TID] = st->tid ? st->tid : thread_id();
    r[RSEQAGENT_R_FROM_OWNER] = st->last_owner;
    r[RSEQAGENT_R_FROM_MODE] = st->last_mode;
    r[RSEQAGENT_R_OWNER] = v->owner;
    r[RSEQAGENT_R_MODE] = v->mode;
    r[RSEQAGENT_R_AREA] = (int64_t)(uintptr_t)v->area;
    r[RSEQAGENT_R_LEN] = v->len;
    r[RSEQAGENT_R_SIG] = v->sig;
    r[RSEQAGENT_R_CPU_SOURCE] = v->mode == RSEQAGENT_MODE_RSEQ ? proc.cpu_source
                                                               : RSEQAGENT_CPU_SOURCE_NONE;
    r[RSEQAGENT_R_ERRNO] = v->err;
    r[RSEQAGENT_R_HELD] = st->holding;
}

/* The area the allocator may use after an acquire, or the fallback marker. */
static void *cs_area_of(const struct thread_state *st, const struct owner_view *v)
{
    int usable = v->mode == RSEQAGENT_MODE_RSEQ &&
                 (v->owner != RSEQAGENT_OWNER_FOREIGN || (st->holding && st->held.area == v->area));
    return usable ? v->area : (void *)(uintptr_t)RSEQAGENT_CS_AREA_FALLBACK;
}

/* What the kernel now says becomes the report (from the thread's last state) and its last state. */
static void record_view(struct thread_state *st, const struct owner_view *v, int kind, int64_t *report)
{
    report_fill(report, kind, st, v);
    st->last_owner = v->owner;
    st->last_mode = v->mode;
    st->cs_area = cs_area_of(st, v);
}

/* A thread past our destructor: report what is there, change nothing. */
static int probe_exiting(int64_t *report)
{
    struct owner_view v;
    struct thread_state scratch = exiting_state;
    probe_owner(&scratch, &v);
    view_done(&v);
    v.mode = RSEQAGENT_MODE_FALLBACK;
    scratch.last_owner = v.owner;
    scratch.last_mode = v.mode;
    report_fill(report, RSEQAGENT_EVENT_PROBE, &scratch, &v);
    return 0;
}

/*
 * A probe; ACQUIRE from the allocator (for_allocator) leaves a thread that
 * was handed back alone, so a library the application gave it to can still
 * register there. An explicit ACQUIRE ends the hand-back.
 */
static int thread_probe(int64_t *report, int flags, int for_allocator)
{
    int rc = rseqagent_init();
    if (rc)
        return rc;
    struct thread_state *st = state_get();
    if (!st)
        return -ENOMEM;
    if (st->exiting)
        return probe_exiting(report);
    struct owner_view v;
    if (flags & RSEQAGENT_PROBE_RELEASE) {
        give_back(st);
        st->handed_back = 1;
    }
    probe_owner(st, &v);
    if (flags & RSEQAGENT_PROBE_ACQUIRE) {
        if (!for_allocator)
            st->handed_back = 0;
        acquire(st, &v);
        view_done(&v);
        probe_owner(st, &v); /* report what the kernel now says, not what we meant */
    }
    view_done(&v);
    record_view(st, &v, RSEQAGENT_EVENT_PROBE, report);
    /* Only _rseqagent_cs_area_decide sets the allocator's area; any probe that
     * finds it changed makes the allocator decide again. */
    if (_rseqagent_tls_cs_area && _rseqagent_tls_cs_area != st->cs_area)
        _rseqagent_tls_cs_area = NULL;
    return 0;
}

RSEQAGENT_EXPORT int rseqagent_thread_probe(int64_t *report, int flags)
{
    if (!report || (flags & ~(RSEQAGENT_PROBE_ACQUIRE | RSEQAGENT_PROBE_RELEASE)) ||
        flags == (RSEQAGENT_PROBE_ACQUIRE | RSEQAGENT_PROBE_RELEASE))
        return -EINVAL;
    return thread_probe(report, flags, 0);
}

/* ---- the allocator's view ---------------------------------------------- */

void *_rseqagent_cs_area_decide(void)
{
    int64_t report[RSEQAGENT_REPORT_FIELDS];
    if (_rseqagent_tls_cs_area)
        return _rseqagent_tls_cs_area;
    int rc = thread_probe(report, RSEQAGENT_PROBE_ACQUIRE, 1);
    if (rc == 0 && (report[RSEQAGENT_R_FROM_OWNER] != report[RSEQAGENT_R_OWNER] ||
                    report[RSEQAGENT_R_FROM_MODE] != report[RSEQAGENT_R_MODE])) {
        report[RSEQAGENT_R_KIND] = RSEQAGENT_EVENT_ALLOCATOR; /* nobody else would see this transition */
        _rseqagent_event_push(report);
    }
    struct thread_state *st = tls_state;
    _rseqagent_tls_cs_area = rc == 0 && st && !st->exiting ? st->cs_area
                                                           : (void *)(uintptr_t)RSEQAGENT_CS_AREA_FALLBACK;
    return _rseqagent_tls_cs_area;
}

uint32_t _rseqagent_cpu_index_offset(void)
{
    rseqagent_init();
    return proc.cpu_source == RSEQAGENT_CPU_SOURCE_MM_CID ? offsetof(struct rseqagent_area, mm_cid)
                                                         : offsetof(struct rseqagent_area, cpu_id);
}

uint32_t _rseqagent_cpu_index_count(void)
{
    const char *fake = getenv("RSEQAGENT_TEST_FAKE_CPUS"); /* test seam: many CPUs on a small machine */
    long n = fake ? atol(fake) : sysconf(_SC_NPROCESSORS_CONF);
    return n > 0 && n < 65536 ? (uint32_t)n : 1;
}

/* ---- leaving the JVM, thread exit and fork -------------------------------- */

/*
 * The calling thread leaves the JVM (JVMTI ThreadEnd: a JNI detach, or the
 * end of a Java thread): no rewritten Java code runs here any more, so what
 * the agent took goes back now, not at thread exit. A native thread that
 * detaches and lives on is then free for its own library to register rseq.
 * Not a hand-back: attached again, the allocator takes the thread again.
 * Nothing held, nothing done (no system call).
 */
void _rseqagent_thread_leaves_jvm(void)
{
    struct thread_state *st = tls_state;
    if (!st || st->exiting || (!st->holding && !st->own_registered))
        return;
    give_back(st);
    struct owner_view v;
    probe_owner(st, &v);
    view_done(&v);
    int64_t report[RSEQAGENT_REPORT_FIELDS];
    record_view(st, &v, RSEQAGENT_EVENT_LEFT_JVM, report);
    _rseqagent_event_push(report);
}

static void thread_exit(void *arg)
{
    struct thread_state *st = arg;
    tls_state = &exiting_state;
    _rseqagent_tls_cs_area = (void *)(uintptr_t)RSEQAGENT_CS_AREA_FALLBACK;
    release(st);
    struct owner_view v = { .owner = st->last_owner, .mode = st->last_mode };
    if (kernel_anything_registered() == 0) {
        v.owner = RSEQAGENT_OWNER_NONE;
        v.mode = RSEQAGENT_MODE_NONE;
    }
    int64_t report[RSEQAGENT_REPORT_FIELDS];
    report_fill(report, RSEQAGENT_EVENT_THREAD_EXIT, st, &v);
    _rseqagent_event_push(report);
    if (!st->own_registered) /* else the kernel still writes to it: leaked on purpose */
        free(st);
    count(RSEQAGENT_C_THREAD_STATES, -1);
}

static void atfork_prepare(void)
{
    _rseqagent_events_atfork_prepare();
    _rseqagent_foreign_atfork_prepare();
    _rseqagent_central_atfork_prepare();
}

static void atfork_parent(void)
{
    _rseqagent_central_atfork_parent();
    _rseqagent_foreign_atfork_parent();
    _rseqagent_events_atfork_parent();
}

/* The child keeps only the forking thread: its registration and its state. */
static void atfork_child(void)
{
    _rseqagent_central_atfork_child();
    _rseqagent_foreign_atfork_child();
    _rseqagent_events_atfork_child();
    atomic_store(&counters[RSEQAGENT_C_THREAD_STATES], tls_state && !tls_state->exiting ? 1 : 0);
    if (tls_state && !tls_state->exiting)
        tls_state->tid = thread_id();
}
