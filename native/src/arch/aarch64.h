/* arch/aarch64.h — rseq facts for aarch64. Include "arch.h" instead. */
#ifndef RSEQAGENT_ARCH_INCLUDE_OK
#error "include arch.h, not arch/aarch64.h"
#endif
#ifndef RSEQAGENT_ARCH_AARCH64_H
#define RSEQAGENT_ARCH_AARCH64_H

/* Signature placed before every abort handler: "brk #0x45e0", a trap. */
#define RSEQAGENT_SIG 0xd428bc00U

/* Thread pointer (tpidr_el0); glibc's area lives at tp + __rseq_offset. */
static inline void *_rseqagent_thread_pointer(void)
{
    void *tp;
    __asm__("mrs %0, tpidr_el0" : "=r"(tp)); /* tp = TPIDR_EL0 */
    return tp;
}

/* ---- per-CPU slab sequences: percpu/pseudocode.h is their spec ---------- */

#define RSEQAGENT_CS_OFFSET 8 /* offsetof(struct rseq, rseq_cs) */

/* The critical-section descriptor for labels 1 (start), 2 (post-commit), 4 (abort); label 3 names it. */
#define RSEQAGENT_ASM_CS_DESCRIPTOR                                              \
    ".pushsection __rseq_cs, \"aw\"\n\t"                                       \
    ".balign 32\n\t"                                                          \
    "3:\n\t"                                                                  \
    ".long 0x0, 0x0\n\t"                                                      \
    ".quad 1f, (2f - 1f), 4f\n\t"                                             \
    ".popsection\n\t"

/* area->rseq_cs = &descriptor (tmp: a scratch register operand). */
#define RSEQAGENT_ASM_ARM_CS(tmp, area)                                          \
    "adrp %[" tmp "], 3b\n\t"                                                  \
    "add %[" tmp "], %[" tmp "], :lo12:3b\n\t"                                  \
    "str %[" tmp "], [%[" area "], #8]\n\t"

/* The abort handler, out of line, after the signature the kernel checks
 * (the instruction brk #0x45e0). It sets status = -1. */
#define RSEQAGENT_ASM_ABORT(status)                                              \
    ".pushsection __rseq_failure, \"ax\"\n\t"                                  \
    ".inst 0xd428bc00\n\t"                                                     \
    "4:\n\t"                                                                  \
    "mov %w[" status "], #-1\n\t"                                              \
    "b 6f\n\t"                                                                \
    ".popsection\n\t"

/* Label 2 (post-commit): status = 0; label 5 (a compare failed): status = 1;
 * the abort handler: status = -1; all meet at label 6. */
#define RSEQAGENT_ASM_EPILOGUE                                                   \
    "2:\n\t"                                                                  \
    "mov %w[status], #0\n\t"                                                     \
    "b 6f\n\t"                                                              \
    "5:\n\t"                                                                  \
    "mov %w[status], #1\n\t"                                                         \
    "b 6f\n\t"                                                              \
    RSEQAGENT_ASM_ABORT("status")                                                \
    "6:\n\t"

#define RSEQAGENT_XSTR(x) RSEQAGENT_STR(x)
#define RSEQAGENT_STR(x) #x
#ifdef RSEQAGENT_INJECT_DELAY
#define RSEQAGENT_ASM_INJECT                                                     \
    "mov w16, #" RSEQAGENT_XSTR(RSEQAGENT_INJECT_DELAY) "\n\t"                  \
    "88: subs w16, w16, #1\n\t"                                                \
    "b.ne 88b\n\t"
#define RSEQAGENT_INJECT_CLOBBER , "x16"
#else
#define RSEQAGENT_ASM_INJECT ""
#define RSEQAGENT_INJECT_CLOBBER
#endif

/* counter(region, cls)++, the counter array starting in_page bytes into the region's stats
 * page (addr and tmp are scratch registers; a plain add: only this CPU's sequences write it). */
#define RSEQAGENT_ASM_COUNT(addr, tmp, in_page)                                  \
    "add %[" addr "], %[region], %[cls], lsl #3\n\t"                           \
    "add %[" addr "], %[" addr "], #" RSEQAGENT_XSTR(RSEQAGENT_SLAB_STATS_PAGE) ", lsl #12\n\t" \
    "ldr %[" tmp "], [%[" addr "], #" RSEQAGENT_XSTR(in_page) "]\n\t"        \
    "add %[" tmp "], %[" tmp "], #1\n\t"                                      \
    "str %[" tmp "], [%[" addr "], #" RSEQAGENT_XSTR(in_page) "]\n\t"

/* region = base + (cpu << RSEQAGENT_SLAB_REGION_SHIFT), with cpu = *idx checked < ncpus (else
 * label 5); first the area must still be registered (cpu_id >= 0). */
#define RSEQAGENT_ASM_REGION(region)                                             \
    "ldr %w[" region "], [%[area], #4]\n\t"    /* if area->cpu_id < 0: fail */  \
    "tbnz %w[" region "], #31, 5f\n\t"                                         \
    "ldr %w[" region "], [%[idx]]\n\t"         /* cpu = *idx */                 \
    "cmp %[" region "], %[ncpus]\n\t"          /* if cpu >= ncpus: fail */      \
    "b.hs 5f\n\t"                                                             \
    "lsl %[" region "], %[" region "], #" RSEQAGENT_XSTR(RSEQAGENT_SLAB_REGION_SHIFT) "\n\t" /* region = base + (cpu << shift) */ \
    "add %[" region "], %[" region "], %[base]\n\t"

/* rseq_pop_slab: 0 committed (*item set), 1 empty/out of range, -1 aborted. */
static inline int _rseqagent_rseq_pop_slab(void *area, const uint32_t *idx, char *base,
                                           uint64_t ncpus, uint64_t cls, void **item)
{
    uint64_t region, h, cur, beg;
    void *out = 0;
    int status;
    __asm__ __volatile__(
        RSEQAGENT_ASM_CS_DESCRIPTOR
        RSEQAGENT_ASM_ARM_CS("region", "area")
        "1:\n\t"
        RSEQAGENT_ASM_REGION("region")
        "ldr %[h], [%[region], %[cls], lsl #3]\n\t"  /* h = header(region, cls) */
        "and %[cur], %[h], #0xffff\n\t"              /* cur = current(h) */
        "ubfx %[beg], %[h], #16, #16\n\t"            /* beg = begin(h) */
        "cmp %[cur], %[beg]\n\t"                     /* if cur == beg: fail (empty) */
        "b.eq 5f\n\t"
        "add %[out], %[region], %[cur], lsl #3\n\t"  /* out = slot(region, cur - 1) */
        "ldur %[out], [%[out], #-8]\n\t"
        RSEQAGENT_ASM_COUNT("beg", "cur", 0)         /* hits(region, cls)++ */
        RSEQAGENT_ASM_INJECT
        "sub %[h], %[h], #1\n\t"                     /* header(region, cls) = h - 1: commit */
        "str %[h], [%[region], %[cls], lsl #3]\n\t"
        RSEQAGENT_ASM_EPILOGUE
        : [status] "=&r"(status), [out] "=&r"(out), [region] "=&r"(region), [h] "=&r"(h),
          [cur] "=&r"(cur), [beg] "=&r"(beg)
        : [area] "r"(area), [idx] "r"(idx), [base] "r"(base),
          [ncpus] "r"(ncpus), [cls] "r"(cls)
        : "memory", "cc" RSEQAGENT_INJECT_CLOBBER);
    *item = out;
    return status;
}

/* rseq_push_slab: 0 committed, 1 full/out of range, -1 aborted. */
static inline int _rseqagent_rseq_push_slab(void *area, const uint32_t *idx, char *base,
                                            uint64_t ncpus, uint64_t cls, void *item)
{
    uint64_t region, h, cur, end;
    int status;
    __asm__ __volatile__(
        RSEQAGENT_ASM_CS_DESCRIPTOR
        RSEQAGENT_ASM_ARM_CS("region", "area")
        "1:\n\t"
        RSEQAGENT_ASM_REGION("region")
        "ldr %[h], [%[region], %[cls], lsl #3]\n\t"  /* h = header(region, cls) */
        "and %[cur], %[h], #0xffff\n\t"              /* cur = current(h) */
        "ubfx %[end], %[h], #32, #16\n\t"            /* end = end(h) */
        "cmp %[cur], %[end]\n\t"                     /* if cur == end: fail (full) */
        "b.eq 5f\n\t"
        "str %[item], [%[region], %[cur], lsl #3]\n\t" /* slot(region, cur) = item */
        RSEQAGENT_ASM_COUNT("end", "cur", RSEQAGENT_SLAB_FREES_IN_PAGE) /* frees(region, cls)++ */
        RSEQAGENT_ASM_INJECT
        "add %[h], %[h], #1\n\t"                     /* header(region, cls) = h + 1: commit */
        "str %[h], [%[region], %[cls], lsl #3]\n\t"
        RSEQAGENT_ASM_EPILOGUE
        : [status] "=&r"(status), [region] "=&r"(region), [h] "=&r"(h), [cur] "=&r"(cur), [end] "=&r"(end)
        : [area] "r"(area), [idx] "r"(idx), [base] "r"(base),
          [ncpus] "r"(ncpus), [cls] "r"(cls), [item] "r"(item)
        : "memory", "cc" RSEQAGENT_INJECT_CLOBBER);
    return status;
}

/* rseq_cmpeqz_store_header: 0 committed, 1 already set/out of range, -1 aborted; *cpu_out = cpu. */
static inline int _rseqagent_rseq_cmpeqz_store_header(void *area, const uint32_t *idx, char *base,
                                                      uint64_t ncpus, uint64_t cls,
                                                      uint64_t h_new, uint32_t *cpu_out)
{
    uint64_t region, cpu, h;
    int status;
    __asm__ __volatile__(
        RSEQAGENT_ASM_CS_DESCRIPTOR
        RSEQAGENT_ASM_ARM_CS("region", "area")
        "1:\n\t"
        "mov %w[cpu], #-1\n\t"                       /* cpu = none yet */
        "ldr %w[h], [%[area], #4]\n\t"               /* if area->cpu_id < 0: fail */
        "tbnz %w[h], #31, 5f\n\t"
        "ldr %w[cpu], [%[idx]]\n\t"                  /* cpu = *idx */
        "cmp %[cpu], %[ncpus]\n\t"                   /* if cpu >= ncpus: fail */
        "b.hs 5f\n\t"
        "lsl %[region], %[cpu], #" RSEQAGENT_XSTR(RSEQAGENT_SLAB_REGION_SHIFT) "\n\t" /* region = base + (cpu << shift) */
        "add %[region], %[region], %[base]\n\t"
        "ldr %[h], [%[region], %[cls], lsl #3]\n\t"  /* if header != 0: fail */
        "cbnz %[h], 5f\n\t"
        "str %[hnew], [%[region], %[cls], lsl #3]\n\t" /* header(region, cls) = h_new: commit */
        RSEQAGENT_ASM_EPILOGUE
        : [status] "=&r"(status), [region] "=&r"(region), [cpu] "=&r"(cpu), [h] "=&r"(h)
        : [area] "r"(area), [idx] "r"(idx), [base] "r"(base),
          [ncpus] "r"(ncpus), [cls] "r"(cls), [hnew] "r"(h_new)
        : "memory", "cc");
    *cpu_out = (uint32_t)cpu;
    return status;
}

#endif
