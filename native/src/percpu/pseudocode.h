/*
 * pseudocode.h — the specification every architecture's per-CPU slab
 * sequences implement (percpu/seq_<arch>.h). Each is one rseq critical section on
 * the calling thread's current CPU: the kernel restarts it at the abort
 * handler if the thread is preempted, migrated or signalled inside, so the
 * single committing store is the only write other threads on that CPU can
 * see, and no lock or atomic instruction is needed.
 *
 * Layout (percpu/slab.h): region(cpu) = base + (cpu << 16) (64 KiB regions); the
 * region starts with one 64-bit header per size class,
 *   header = current | begin << 16 | end << 32      (slot indices, 16 bits each)
 * followed by slots: void *slot[i] at region + 8 * i. A class's stack holds
 * slot[begin .. current-1]; it is empty when current == begin and full when
 * current == end. An all-zero header (a region never initialised) is both
 * empty and full, so every sequence takes its slow path there.
 *
 * Return values: 0 committed, 1 compare failed (empty, full, already set,
 * index out of range), -1 aborted (retry or take the slow path).
 *
 * Every sequence first checks that the thread's area is still registered:
 *     if area->cpu_id < 0: return 1        // unregistered: mm_cid would read 0
 *
 * rseq_pop_slab(idx_ptr, base, ncpus, cls, &item):
 *     cpu = *idx_ptr                       // cpu_id or mm_cid, read inside
 *     if cpu >= ncpus: return 1
 *     region = base + (cpu << 16)
 *     h = header(region, cls)
 *     if current(h) == begin(h): return 1
 *     item = slot(region, current(h) - 1)
 *     hits(region, cls) += 1               // a counter: may count an aborted pop
 *     header(region, cls) = h - 1          // commit
 *     return 0
 *
 * rseq_push_slab(idx_ptr, base, ncpus, cls, item):
 *     cpu = *idx_ptr; if cpu >= ncpus: return 1
 *     region = ...; h = header(region, cls)
 *     if current(h) == end(h): return 1
 *     slot(region, current(h)) = item      // invisible until the commit
 *     frees(region, cls) += 1              // a counter: may count an aborted push
 *     header(region, cls) = h + 1          // commit
 *     return 0
 *
 * rseq_cmpeqz_store_header(idx_ptr, base, ncpus, cls, h_new, &cpu_out):
 *     cpu = *idx_ptr; if cpu >= ncpus: return 1
 *     cpu_out = cpu
 *     if header(region(cpu), cls) != 0: return 1
 *     header(region(cpu), cls) = h_new     // commit
 *     return 0
 */
#ifndef RSEQAGENT_PSEUDOCODE_H
#define RSEQAGENT_PSEUDOCODE_H
#endif
