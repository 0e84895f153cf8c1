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

#endif
