/*
 * seq_x86_64.h — the per-CPU slab sequences for x86-64, each one rseq
 * critical section implementing percpu/pseudocode.h. Included by slab.h only.
 *
 * They are asm goto: a failed compare and an abort leave straight for the
 * caller's labels, and success falls through, so after inlining the caller
 * branches once and no status register is kept. Outputs are used only on
 * the fall-through path (all a compiler promises for asm goto outputs), and
 * each is marked volatile: GCC 12 deleted an asm goto whose outputs went
 * unused, although asm goto is meant to be volatile already.
 */
#ifndef RSEQAGENT_SEQ_X86_64_H
#define RSEQAGENT_SEQ_X86_64_H

/*
 * region = base + (cpu << RSEQAGENT_SLAB_REGION_SHIFT), with cpu = *idx checked < ncpus (else
 * label "failed"). First, the area must still be registered (cpu_id >= 0): an
 * unregistered area's mm_cid reads 0, a valid index with no protection.
 */
#define RSEQAGENT_ASM_REGION(region)                                             \
    "cmpl $0, 4(%[area])\n\t"                  /* if area->cpu_id < 0: fail */  \
    "jl %l[failed]\n\t"                                                       \
    "movl (%[idx]), %k[" region "]\n\t"        /* cpu = *idx */                 \
    "cmpq %[ncpus], %[" region "]\n\t"         /* if cpu >= ncpus: fail */      \
    "jae %l[failed]\n\t"                                                      \
    "shlq $" RSEQAGENT_XSTR(RSEQAGENT_SLAB_REGION_SHIFT) ", %[" region "]\n\t" /* region = base + (cpu << shift) */\
    "addq %[base], %[" region "]\n\t"

/* The operands every sequence takes; base and ncpus stay in memory (fewer registers, no spills). */
#define RSEQAGENT_ASM_INPUTS                                                     \
    [area] "r"(area), [idx] "r"(idx), [base] "m"(slab->base), [ncpus] "m"(slab->ncpus), [cls] "r"(cls)

/* rseq_pop_slab: 0 committed (*item set), 1 empty/out of range, -1 aborted. */
static inline int _rseqagent_rseq_pop_slab(const struct _rseqagent_slab *slab, void *area,
                                           const uint32_t *idx, uint64_t cls, void **item)
{
    uint64_t region, h, cur;
    void *out;
    __asm__ __volatile__ goto(
        RSEQAGENT_ASM_BEGIN("region")
        RSEQAGENT_ASM_REGION("region")
        "movq (%[region],%[cls],8), %[h]\n\t"        /* h = header(region, cls) */
        "movq %[h], %[cur]\n\t"                      /* if current(h) == begin(h): fail (empty) */
        "shrq $16, %[cur]\n\t"
        "cmpw %w[h], %w[cur]\n\t"
        "je %l[failed]\n\t"
        "movzwl %w[h], %k[cur]\n\t"                  /* cur = current(h) */
        "movq -8(%[region],%[cur],8), %[out]\n\t"    /* out = slot(region, cur - 1) */
        "incq " RSEQAGENT_XSTR(RSEQAGENT_SLAB_STATS_OFFSET) "(%[region],%[cls],8)\n\t" /* hits(region, cls)++ */
        RSEQAGENT_ASM_INJECT
        "decq %[h]\n\t"                              /* header(region, cls) = h - 1: commit */
        "movq %[h], (%[region],%[cls],8)\n\t"
        RSEQAGENT_ASM_END
        : [out] "=&r"(out), [region] "=&r"(region), [h] "=&r"(h), [cur] "=&r"(cur)
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
    uint64_t region, h, cur;
    __asm__ __volatile__ goto(
        RSEQAGENT_ASM_BEGIN("region")
        RSEQAGENT_ASM_REGION("region")
        "movq (%[region],%[cls],8), %[h]\n\t"        /* h = header(region, cls) */
        "movq %[h], %[cur]\n\t"                      /* if current(h) == end(h): fail (full) */
        "shrq $32, %[cur]\n\t"
        "cmpw %w[h], %w[cur]\n\t"
        "je %l[failed]\n\t"
        "movzwl %w[h], %k[cur]\n\t"                  /* cur = current(h) */
        "movq %[item], (%[region],%[cur],8)\n\t"     /* slot(region, cur) = item */
        "incq " RSEQAGENT_XSTR(RSEQAGENT_SLAB_FREES_OFFSET) "(%[region],%[cls],8)\n\t" /* frees(region, cls)++ */
        RSEQAGENT_ASM_INJECT
        "incq %[h]\n\t"                              /* header(region, cls) = h + 1: commit */
        "movq %[h], (%[region],%[cls],8)\n\t"
        RSEQAGENT_ASM_END
        : [region] "=&r"(region), [h] "=&r"(h), [cur] "=&r"(cur)
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
 * *cpu_out = the index read (UINT32_MAX if none): stored from inside, as no
 * asm goto output is valid on the failure paths.
 */
static inline int _rseqagent_rseq_cmpeqz_store_header(const struct _rseqagent_slab *slab, void *area,
                                                      const uint32_t *idx, uint64_t cls, uint64_t h_new,
                                                      uint32_t *cpu_out)
{
    uint64_t region;
    __asm__ __volatile__ goto(
        RSEQAGENT_ASM_BEGIN("region")
        "movl $0xffffffff, (%[cpu_out])\n\t"         /* cpu_out = none yet */
        "cmpl $0, 4(%[area])\n\t"                    /* if area->cpu_id < 0: fail */
        "jl %l[failed]\n\t"
        "movl (%[idx]), %k[region]\n\t"              /* cpu_out = cpu = *idx */
        "movl %k[region], (%[cpu_out])\n\t"
        "cmpq %[ncpus], %[region]\n\t"               /* if cpu >= ncpus: fail */
        "jae %l[failed]\n\t"
        "shlq $" RSEQAGENT_XSTR(RSEQAGENT_SLAB_REGION_SHIFT) ", %[region]\n\t" /* region = base + (cpu << shift) */
        "addq %[base], %[region]\n\t"
        "cmpq $0, (%[region],%[cls],8)\n\t"          /* if header != 0: fail */
        "jne %l[failed]\n\t"
        "movq %[hnew], (%[region],%[cls],8)\n\t"     /* header(region, cls) = h_new: commit */
        RSEQAGENT_ASM_END
        : [region] "=&r"(region)
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
