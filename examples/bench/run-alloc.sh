#!/usr/bin/env bash
# run-alloc.sh — builds the C allocator benchmark against the shim's sources
# and runs it beside glibc malloc in one run; writes ALLOC-RESULTS.md beside
# this script. Not part of the tests. Needs gcc and a JDK (for jni.h).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
native=$(cd "$here/../../native" && pwd)
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
out=$here/target/c
mkdir -p "$out"
srcs=$(make -s -C "$native" print-srcs JAVA_HOME="$java_home" | sed "s|^|$native/|; s| | $native/|g")
cflags="-std=gnu11 -O2 -g -I$native/src -I$native/include -isystem $java_home/include -isystem $java_home/include/linux"
gcc $cflags "$here/c/alloc_bench.c" $srcs -o "$out/alloc_bench" -ldl -lpthread
gcc $cflags "$here/c/rss_churn.c" $srcs -o "$out/rss_churn" -ldl -lpthread
gcc $cflags "$here/c/zero_order.c" -o "$out/zero_order"
{
  echo "# Allocator: rseq-agent against glibc malloc"
  echo
  echo "Measured by \`examples/bench/run-alloc.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r), glibc $(ldd --version | head -1 | sed 's/.* //'); medians of 21 interleaved runs, 3,000,000 operations each."
  echo
  "$out/alloc_bench"
  # peak RSS varies run to run (glibc's arenas most): medians of 5 interleaved runs
  gs=""; os=""
  for i in 1 2 3 4 5; do
    gs="$gs $("$out/rss_churn" glibc | sed 's/.* //')"
    os="$os $("$out/rss_churn" rseq-agent | sed 's/.* //')"
  done
  g=$(echo $gs | tr ' ' '\n' | sort -n | sed -n 3p)
  o=$(echo $os | tr ' ' '\n' | sort -n | sed -n 3p)
  echo "| peak RSS, 256 threads churn 16 B - 64 KiB (median of 5) | $g KiB | $o KiB | $(awk "BEGIN{printf \"%.2fx\", $o/$g}") | <= 0.5x |"
  echo
  echo "Why a refill hands its blocks out in rising order, and calloc zeroes a block top-down when it lies below the previous one (c/zero_order.c, no allocator: 256 MiB of 4 KiB blocks, medians of 9 passes):"
  echo
  echo "| blocks | ns a block |"
  echo "| --- | --- |"
  "$out/zero_order"
} > "$here/ALLOC-RESULTS.md.tmp"
mv "$here/ALLOC-RESULTS.md.tmp" "$here/ALLOC-RESULTS.md"
cat "$here/ALLOC-RESULTS.md"
