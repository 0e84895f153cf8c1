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

/* ---- pieces of the per-CPU slab sequences (percpu/seq_x86_64.h) ---------- */

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
 * (as an instruction: ud1 0x53053053(%rip),%edi). It leaves for the C label
 * "aborted": the sequences are asm goto, so a failed compare and an abort
 * branch straight to the caller's code, and success falls through.
 */
#define RSEQAGENT_ASM_ABORT                                                      \
    ".pushsection __rseq_failure, \"ax\"\n\t"                                  \
    ".byte 0x0f, 0xb9, 0x3d\n\t"                                               \
    ".long 0x53053053\n\t"                                                     \
    "4:\n\t"                                                                  \
    "jmp %l[aborted]\n\t"                                                     \
    ".popsection\n\t"

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

#endif
