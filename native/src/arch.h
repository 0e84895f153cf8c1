/*
 * arch.h — selects the one architecture header this build uses.
 * Each arch header holds that ISA's rseq facts: the signature that must
 * precede abort handlers, and how to read the thread pointer.
 */
#ifndef RSEQAGENT_ARCH_H
#define RSEQAGENT_ARCH_H

#include <stdint.h>

/* Every per-CPU slab region is 2^16 bytes (8,192 slots): the sequences shift, not multiply. */
#define RSEQAGENT_SLAB_REGION_SHIFT 16
/*
 * The last 4 KiB page of a region holds its CPU's counters: hits per class
 * (counted by the pop sequence), frees per class (by the push sequence),
 * both before the commit, so an aborted sequence may count once too often;
 * then the slow path's. 61440 = 15 pages; frees start 1024 bytes in
 * (128 classes of hits).
 */
#define RSEQAGENT_SLAB_STATS_PAGE 15
#define RSEQAGENT_SLAB_STATS_OFFSET 61440
#define RSEQAGENT_SLAB_FREES_OFFSET 62464
#define RSEQAGENT_SLAB_FREES_IN_PAGE 1024

#define RSEQAGENT_ARCH_INCLUDE_OK 1
#if defined(__x86_64__)
#include "arch/x86_64.h"
#elif defined(__aarch64__)
#include "arch/aarch64.h"
#else
#error "rseq-agent: unsupported architecture (x86-64 and aarch64 only)"
#endif
#undef RSEQAGENT_ARCH_INCLUDE_OK

#endif /* RSEQAGENT_ARCH_H */
