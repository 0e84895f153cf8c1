/* arch/x86_64.h — rseq facts for x86-64. Include "arch.h" instead. */
#ifndef RSEQAGENT_ARCH_INCLUDE_OK
#error "include arch.h, not arch/x86_64.h"
#endif
#ifndef RSEQAGENT_ARCH_X86_64_H
#define RSEQAGENT_ARCH_X86_64_H

/*
 * Signature placed before every abort handler. As an instruction it decodes
 * to "ud1 0x53053053(%rip),%edi": a trap, so straying into it is caught.
 */
#define RSEQAGENT_SIG 0x53053053U

/* Thread pointer (%fs base); glibc's area lives at tp + __rseq_offset. */
static inline void *_rseqagent_thread_pointer(void)
{
    void *tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp)); /* tp = *(fs:0), the TCB self pointer */
    return tp;
}

/* ---- per-CPU slab sequences: percpu/pseudocode.h is their spec ---------- */

#define RSEQAGENT_CS_OFFSET 8 /* offsetof(struct rseq, rseq_cs) */

/*
 * The critical-section descriptor (struct rseq_cs: version, flags, start_ip,
 * post_commit_offset, abort_ip) for labels 1 (start), 2 (post-commit) and
 * 4 (abort); label 3 names it.
 */
#define RSEQAGENT_ASM_CS_DESCRIPTOR                                              \
    ".pushsection __rseq_cs, \"aw\"\n\t"                                       \
    ".balign 32\n\t"                                                          \
    "3:\n\t"                                                                  \
    ".long 0x0, 0x0\n\t"                                                      \
    ".quad 1f, (2f - 1f), 4f\n\t"                                             \
    ".popsection\n\t"

/* area->rseq_cs = &descriptor (tmp: any scratch register operand). */
#define RSEQAGENT_ASM_ARM_CS(tmp, area)                                          \
    "leaq 3b(%%rip), %[" tmp "]\n\t"                                           \
    "movq %[" tmp "], 8(%[" area "])\n\t"

/*
 * The abort handler, out of line, preceded by the signature the kernel checks
 * (as an instruction: ud1 0x53053053(%rip),%edi). It sets status = -1.
 */
#define RSEQAGENT_ASM_ABORT(status)                                              \
    ".pushsection __rseq_failure, \"ax\"\n\t"                                  \
    ".byte 0x0f, 0xb9, 0x3d\n\t"                                               \
    ".long 0x53053053\n\t"                                                     \
    "4:\n\t"                                                                  \
    "movl $-1, %k[" status "]\n\t"                                             \
    "jmp 6f\n\t"                                                              \
    ".popsection\n\t"

/* Label 2 (post-commit): status = 0; label 5 (a compare failed): status = 1;
 * the abort handler: status = -1; all meet at label 6. */
#define RSEQAGENT_ASM_EPILOGUE                                                   \
    "2:\n\t"                                                                  \
    "xorl %k[status], %k[status]\n\t"                                                     \
    "jmp 6f\n\t"                                                              \
    "5:\n\t"                                                                  \
    "movl $1, %k[status]\n\t"                                                         \
    "jmp 6f\n\t"                                                              \
    RSEQAGENT_ASM_ABORT("status")                                                \
    "6:\n\t"

/* Tests widen the window between load and commit (RSEQAGENT_INJECT_DELAY=n spins). */
#define RSEQAGENT_XSTR(x) RSEQAGENT_STR(x)
#define RSEQAGENT_STR(x) #x
#ifdef RSEQAGENT_INJECT_DELAY
#define RSEQAGENT_ASM_INJECT                                                     \
    "movl $" RSEQAGENT_XSTR(RSEQAGENT_INJECT_DELAY) ", %%eax\n\t"              \
    "88: decl %%eax\n\t"                                                       \
    "jnz 88b\n\t"
#define RSEQAGENT_INJECT_CLOBBER , "rax"
#else
#define RSEQAGENT_ASM_INJECT ""
#define RSEQAGENT_INJECT_CLOBBER
#endif

/*
 * region = base + (cpu << RSEQAGENT_SLAB_REGION_SHIFT), with cpu = *idx checked < ncpus (else
 * label 5). First, the area must still be registered (cpu_id >= 0): an
 * unregistered area's mm_cid reads 0, a valid index with no protection.
 */
#define RSEQAGENT_ASM_REGION(region)                                             \
    "cmpl $0, 4(%[area])\n\t"                  /* if area->cpu_id < 0: fail */  \
    "jl 5f\n\t"                                                               \
    "movl (%[idx]), %k[" region "]\n\t"        /* cpu = *idx */                 \
    "cmpq %[ncpus], %[" region "]\n\t"         /* if cpu >= ncpus: fail */      \
    "jae 5f\n\t"                                                              \
    "shlq $" RSEQAGENT_XSTR(RSEQAGENT_SLAB_REGION_SHIFT) ", %[" region "]\n\t" /* region = base + (cpu << shift) */\
    "addq %[base], %[" region "]\n\t"

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
        "movq (%[region],%[cls],8), %[h]\n\t"        /* h = header(region, cls) */
        "movzwl %w[h], %k[cur]\n\t"                  /* cur = current(h) */
        "movq %[h], %[beg]\n\t"                      /* beg = begin(h) */
        "shrq $16, %[beg]\n\t"
        "movzwl %w[beg], %k[beg]\n\t"
        "cmpq %[beg], %[cur]\n\t"                    /* if cur == beg: fail (empty) */
        "je 5f\n\t"
        "movq -8(%[region],%[cur],8), %[out]\n\t"    /* out = slot(region, cur - 1) */
        "incq " RSEQAGENT_XSTR(RSEQAGENT_SLAB_STATS_OFFSET) "(%[region],%[cls],8)\n\t" /* hits(region, cls)++ */
        RSEQAGENT_ASM_INJECT
        "decq %[h]\n\t"                              /* header(region, cls) = h - 1: commit */
        "movq %[h], (%[region],%[cls],8)\n\t"
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
        "movq (%[region],%[cls],8), %[h]\n\t"        /* h = header(region, cls) */
        "movzwl %w[h], %k[cur]\n\t"                  /* cur = current(h) */
        "movq %[h], %[end]\n\t"                      /* end = end(h) */
        "shrq $32, %[end]\n\t"
        "movzwl %w[end], %k[end]\n\t"
        "cmpq %[end], %[cur]\n\t"                    /* if cur == end: fail (full) */
        "je 5f\n\t"
        "movq %[item], (%[region],%[cur],8)\n\t"     /* slot(region, cur) = item */
        "incq " RSEQAGENT_XSTR(RSEQAGENT_SLAB_FREES_OFFSET) "(%[region],%[cls],8)\n\t" /* frees(region, cls)++ */
        RSEQAGENT_ASM_INJECT
        "incq %[h]\n\t"                              /* header(region, cls) = h + 1: commit */
        "movq %[h], (%[region],%[cls],8)\n\t"
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
    uint64_t region, cpu;
    int status;
    __asm__ __volatile__(
        RSEQAGENT_ASM_CS_DESCRIPTOR
        RSEQAGENT_ASM_ARM_CS("region", "area")
        "1:\n\t"
        "movl $0xffffffff, %k[cpu]\n\t"              /* cpu = none yet */
        "cmpl $0, 4(%[area])\n\t"                    /* if area->cpu_id < 0: fail */
        "jl 5f\n\t"
        "movl (%[idx]), %k[cpu]\n\t"                 /* cpu = *idx */
        "cmpq %[ncpus], %[cpu]\n\t"                  /* if cpu >= ncpus: fail */
        "jae 5f\n\t"
        "movq %[cpu], %[region]\n\t"                 /* region = base + (cpu << shift) */
        "shlq $" RSEQAGENT_XSTR(RSEQAGENT_SLAB_REGION_SHIFT) ", %[region]\n\t"
        "addq %[base], %[region]\n\t"
        "cmpq $0, (%[region],%[cls],8)\n\t"          /* if header != 0: fail */
        "jne 5f\n\t"
        "movq %[hnew], (%[region],%[cls],8)\n\t"     /* header(region, cls) = h_new: commit */
        RSEQAGENT_ASM_EPILOGUE
        : [status] "=&r"(status), [region] "=&r"(region), [cpu] "=&r"(cpu)
        : [area] "r"(area), [idx] "r"(idx), [base] "r"(base),
          [ncpus] "r"(ncpus), [cls] "r"(cls), [hnew] "r"(h_new)
        : "memory", "cc");
    *cpu_out = (uint32_t)cpu;
    return status;
}

#endif
