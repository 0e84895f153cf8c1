/*
 * seq_aarch64.h — the per-CPU slab sequences for aarch64, each one rseq
 * critical section implementing percpu/pseudocode.h. Included by slab.h only.
 * asm goto, as on x86-64 (seq_x86_64.h): failures and aborts branch to the
 * caller's labels; outputs are used on the fall-through path only.
 */
#ifndef RSEQAGENT_SEQ_AARCH64_H
#define RSEQAGENT_SEQ_AARCH64_H

/* counter(region, cls)++, the counter array starting in_page bytes into the region's stats
 * page (addr and tmp are scratch registers; a plain add: only this CPU's sequences write it). */
#define RSEQAGENT_ASM_COUNT(addr, tmp, in_page)                                  \
    "add %[" addr "], %[region], %[cls], lsl #3\n\t"                           \
    "add %[" addr "], %[" addr "], #" RSEQAGENT_XSTR(RSEQAGENT_SLAB_STATS_PAGE) ", lsl #12\n\t" \
    "ldr %[" tmp "], [%[" addr "], #" RSEQAGENT_XSTR(in_page) "]\n\t"        \
    "add %[" tmp "], %[" tmp "], #1\n\t"                                      \
    "str %[" tmp "], [%[" addr "], #" RSEQAGENT_XSTR(in_page) "]\n\t"

/* region = base + (cpu << RSEQAGENT_SLAB_REGION_SHIFT), with cpu = *idx checked < ncpus (else
 * label "failed"); first the area must still be registered (cpu_id >= 0). */
#define RSEQAGENT_ASM_REGION(region)                                             \
    "ldr %w[" region "], [%[area], #4]\n\t"    /* if area->cpu_id < 0: fail */  \
    "tbnz %w[" region "], #31, %l[failed]\n\t"                                \
    "ldr %w[" region "], [%[idx]]\n\t"         /* cpu = *idx */                 \
    "cmp %[" region "], %[ncpus]\n\t"          /* if cpu >= ncpus: fail */      \
    "b.hs %l[failed]\n\t"                                                     \
    "lsl %[" region "], %[" region "], #" RSEQAGENT_XSTR(RSEQAGENT_SLAB_REGION_SHIFT) "\n\t" /* region = base + (cpu << shift) */ \
    "add %[" region "], %[" region "], %[base]\n\t"

/* The operands every sequence takes (registers are plenty here). */
#define RSEQAGENT_ASM_INPUTS                                                     \
    [area] "r"(area), [idx] "r"(idx), [base] "r"(slab->base), [ncpus] "r"(slab->ncpus), [cls] "r"(cls)

/* rseq_pop_slab: 0 committed (*item set), 1 empty/out of range, -1 aborted. */
static inline int _rseqagent_rseq_pop_slab(const struct _rseqagent_slab *slab, void *area,
                                           const uint32_t *idx, uint64_t cls, void **item)
{
    uint64_t region, h, cur, beg;
    void *out;
    __asm__ __volatile__ goto(
        RSEQAGENT_ASM_BEGIN("region")
        RSEQAGENT_ASM_REGION("region")
        "ldr %[h], [%[region], %[cls], lsl #3]\n\t"  /* h = header(region, cls) */
        "and %[cur], %[h], #0xffff\n\t"              /* cur = current(h) */
        "ubfx %[beg], %[h], #16, #16\n\t"            /* beg = begin(h) */
        "cmp %[cur], %[beg]\n\t"                     /* if cur == beg: fail (empty) */
        "b.eq %l[failed]\n\t"
        "add %[out], %[region], %[cur], lsl #3\n\t"  /* out = slot(region, cur - 1) */
        "ldur %[out], [%[out], #-8]\n\t"
        RSEQAGENT_ASM_COUNT("beg", "cur", 0)         /* hits(region, cls)++ */
        RSEQAGENT_ASM_INJECT
        "sub %[h], %[h], #1\n\t"                     /* header(region, cls) = h - 1: commit */
        "str %[h], [%[region], %[cls], lsl #3]\n\t"
        RSEQAGENT_ASM_END
        : [out] "=&r"(out), [region] "=&r"(region), [h] "=&r"(h), [cur] "=&r"(cur), [beg] "=&r"(beg)
        : RSEQAGENT_ASM_INPUTS
        : "memory", "cc" RSEQAGENT_INJECT_CLOBBER
        : failed, aborted);
    *item = out;
    return 0;
failed:
    return 1;
aborted:
    return -1;
}

/* rseq_push_slab: 0 committed, 1 full/out of range, -1 aborted. */
static inline int _rseqagent_rseq_push_slab(const struct _rseqagent_slab *slab, void *area,
                                            const uint32_t *idx, uint64_t cls, void *item)
{
    uint64_t region, h, cur, end;
    __asm__ __volatile__ goto(
        RSEQAGENT_ASM_BEGIN("region")
        RSEQAGENT_ASM_REGION("region")
        "ldr %[h], [%[region], %[cls], lsl #3]\n\t"  /* h = header(region, cls) */
        "and %[cur], %[h], #0xffff\n\t"              /* cur = current(h) */
        "ubfx %[end], %[h], #32, #16\n\t"            /* end = end(h) */
        "cmp %[cur], %[end]\n\t"                     /* if cur == end: fail (full) */
        "b.eq %l[failed]\n\t"
        "str %[item], [%[region], %[cur], lsl #3]\n\t" /* slot(region, cur) = item */
        RSEQAGENT_ASM_COUNT("end", "cur", RSEQAGENT_SLAB_FREES_IN_PAGE) /* frees(region, cls)++ */
        RSEQAGENT_ASM_INJECT
        "add %[h], %[h], #1\n\t"                     /* header(region, cls) = h + 1: commit */
        "str %[h], [%[region], %[cls], lsl #3]\n\t"
        RSEQAGENT_ASM_END
        : [region] "=&r"(region), [h] "=&r"(h), [cur] "=&r"(cur), [end] "=&r"(end)
        : RSEQAGENT_ASM_INPUTS, [item] "r"(item)
        : "memory", "cc" RSEQAGENT_INJECT_CLOBBER
        : failed, aborted);
    return 0;
failed:
    return 1;
aborted:
    return -1;
}

/*
 * rseq_cmpeqz_store_header: 0 committed, 1 already set/out of range, -1 aborted.
 * *cpu_out = the index read (UINT32_MAX if none), stored from inside.
 */
static inline int _rseqagent_rseq_cmpeqz_store_header(const struct _rseqagent_slab *slab, void *area,
                                                      const uint32_t *idx, uint64_t cls, uint64_t h_new,
                                                      uint32_t *cpu_out)
{
    uint64_t region, cpu, h;
    __asm__ __volatile__ goto(
        RSEQAGENT_ASM_BEGIN("region")
        "mov %w[cpu], #-1\n\t"                       /* cpu_out = none yet */
        "str %w[cpu], [%[cpu_out]]\n\t"
        "ldr %w[h], [%[area], #4]\n\t"               /* if area->cpu_id < 0: fail */
        "tbnz %w[h], #31, %l[failed]\n\t"
        "ldr %w[cpu], [%[idx]]\n\t"                  /* cpu_out = cpu = *idx */
        "str %w[cpu], [%[cpu_out]]\n\t"
        "cmp %[cpu], %[ncpus]\n\t"                   /* if cpu >= ncpus: fail */
        "b.hs %l[failed]\n\t"
        "lsl %[region], %[cpu], #" RSEQAGENT_XSTR(RSEQAGENT_SLAB_REGION_SHIFT) "\n\t" /* region = base + (cpu << shift) */
        "add %[region], %[region], %[base]\n\t"
        "ldr %[h], [%[region], %[cls], lsl #3]\n\t"  /* if header != 0: fail */
        "cbnz %[h], %l[failed]\n\t"
        "str %[hnew], [%[region], %[cls], lsl #3]\n\t" /* header(region, cls) = h_new: commit */
        RSEQAGENT_ASM_END
        : [region] "=&r"(region), [cpu] "=&r"(cpu), [h] "=&r"(h)
        : RSEQAGENT_ASM_INPUTS, [hnew] "r"(h_new), [cpu_out] "r"(cpu_out)
        : "memory", "cc"
        : failed, aborted);
    return 0;
failed:
    return 1;
aborted:
    return -1;
}

#endif
