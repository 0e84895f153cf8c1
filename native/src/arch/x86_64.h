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

#endif
