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
 * (the instruction brk #0x45e0). It leaves for the C label "aborted" (the
 * sequences are asm goto). */
#define RSEQAGENT_ASM_ABORT                                                      \
    ".pushsection __rseq_failure, \"ax\"\n\t"                                  \
    ".inst 0xd428bc00\n\t"                                                     \
    "4:\n\t"                                                                  \
    "b %l[aborted]\n\t"                                                        \
    ".popsection\n\t"

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

#endif
