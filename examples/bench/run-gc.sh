#!/usr/bin/env bash
# run-gc.sh [ROUNDS] — the full GCs that short-lived direct buffers cost, with
# the JDK's own buffers and with rewritten ones, on JDK 17 and Temurin 25, the
# two sides alternating; writes GC-RESULTS.md beside this script. Not part of the tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rounds=${1:-3}
buffers=3000000
jdk25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
(cd "$top" && mvn -B -q package -DskipTests)
cp="$here/target/classes"
jvm="-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxDirectMemorySize=256m --enable-native-access=ALL-UNNAMED"
agent="-javaagent:$top/agent/target/rseq-agent.jar=packages=dev.rseqagent.bench.alloc,log=none"
log=$here/target/gc.log
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
{
  echo "# Full GCs of short-lived direct buffers"
  echo
  echo "Measured by \`examples/bench/run-gc.sh $rounds\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r)."
  echo "$buffers ByteBuffer.allocateDirect(4096) dropped at once (\`DirectChurn\`), shared among 1 or 8 threads, $jvm;"
  echo "each full GC is the JDK's reclaim loop meeting the 256 MiB limit (64 Ki dead buffers)."
  echo "Medians of $rounds rounds, the sides alternating; the pause is the mean over the run's full GCs."
  echo
  echo "| JDK | threads | buffers | full GCs | mean full-GC pause | ns a buffer (second half, wall clock) |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for jdk in "$jdk17" "$jdk25"; do for threads in 1 8; do
    declare -A count pause ns
    for side in jdk agent; do count[$side]=""; pause[$side]=""; ns[$side]=""; done
    for r in $(seq "$rounds"); do
      for side in jdk agent; do
        extra=""; [ "$side" = agent ] && extra=$agent
        out=$("$jdk/bin/java" $jvm $extra -Xlog:gc:file="$log" -cp "$cp" dev.rseqagent.bench.alloc.DirectChurn $buffers $threads)
        ns[$side]="${ns[$side]} $(echo "$out" | awk '/ns_per_buffer/ {print $2}')"
        count[$side]="${count[$side]} $(grep -c 'Pause Full' "$log")"
        pause[$side]="${pause[$side]} $(grep 'Pause Full' "$log" | awk '{gsub("ms","",$NF); t+=$NF; n++} END {printf "%.1f", t/n}')"
      done
    done
    for side in jdk agent; do
      what="the JDK's own"; [ "$side" = agent ] && what="rewritten (rseq-agent)"
      echo "| $(basename "$jdk") | $threads | $what | $(echo ${count[$side]} | median) | $(echo ${pause[$side]} | median) ms | $(echo ${ns[$side]} | median) |"
    done
  done; done
} > "$here/GC-RESULTS.md.tmp"
mv "$here/GC-RESULTS.md.tmp" "$here/GC-RESULTS.md"
cat "$here/GC-RESULTS.md"
