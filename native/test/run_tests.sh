#!/bin/sh
# run_tests.sh DIR — runs the ownership tests built in DIR, each in the
# environment its scenario needs; fails if any TAP test fails.
set -u
dir=$1
off=glibc.pthread.rseq=0
failed=0

run() { # name, then the command
    name=$1
    shift
    echo "# $name"
    if ! "$@"; then
        echo "FAILED: $name"
        failed=$((failed + 1))
    fi
}

run glibc-owner            "$dir/test_probe_glibc"
run nobody-owns            env GLIBC_TUNABLES=$off "$dir/test_probe_none"
run foreign-owner          env GLIBC_TUNABLES=$off "$dir/test_foreign" "$dir"
run hidden-glibc-registered env RSEQAGENT_TEST_HIDE_GLIBC_SYMBOLS=1 "$dir/test_hidden_symbols" registered
run hidden-glibc-off       env RSEQAGENT_TEST_HIDE_GLIBC_SYMBOLS=1 GLIBC_TUNABLES=$off "$dir/test_hidden_symbols" off
run seccomp-eperm          "$dir/block-syscall-exec" rseq EPERM "$dir/test_unavailable" 1
run seccomp-enosys         "$dir/block-syscall-exec" rseq ENOSYS "$dir/test_unavailable" 38
run fork                   env GLIBC_TUNABLES=$off "$dir/test_fork"
run alloc-layers           "$dir/test_alloc_layers"
run slab                   "$dir/test_slab"
run malloc-api             "$dir/test_malloc_api"
run alloc-stats            "$dir/test_alloc_stats"
run debug-double-free      "$dir/test_double_free_debug"
run slab-aborts            "$dir/test_slab_inject" aborts
# stress: mode threads rounds abort-floor (the floor holds with the injected delay)
run stress-glibc           "$dir/test_alloc_stress_inject" run 4 40000 100 mm_cid
run stress-shim            env GLIBC_TUNABLES=$off "$dir/test_alloc_stress_inject" run 4 40000 100 mm_cid
# kernels before 6.3 (no AT_RSEQ_* auxv, no mm_cid): the caches are indexed by cpu_id
run stress-glibc-cpu-id    env RSEQAGENT_TEST_NO_RSEQ_AUXV=1 "$dir/test_alloc_stress_inject" run 4 40000 100 cpu_id
run stress-shim-cpu-id     env RSEQAGENT_TEST_NO_RSEQ_AUXV=1 GLIBC_TUNABLES=$off "$dir/test_alloc_stress_inject" run 4 40000 100 cpu_id
run stress-fallback        "$dir/block-syscall-exec" rseq EPERM "$dir/test_alloc_stress" run 4 20000 0
run stress-plain           "$dir/test_alloc_stress" run 4 40000 0
run stress-reclaim         "$dir/test_alloc_stress_inject" reclaim 4 20000 50
run reclaim-idle           "$dir/test_reclaim"
run reclaim-refused-eperm  "$dir/block-syscall-exec" membarrier EPERM "$dir/test_reclaim" refused 1
run reclaim-refused-enosys "$dir/block-syscall-exec" membarrier ENOSYS "$dir/test_reclaim" refused 38
run event-queue            "$dir/test_events"
run stress-negative-control "$dir/test_alloc_stress" plant 4 40000

if [ "$failed" -ne 0 ]; then
    echo "$failed scenario(s) failed in $dir"
    exit 1
fi
echo "all scenarios passed in $dir"
