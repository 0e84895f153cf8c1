#!/usr/bin/env bash
# run-jmh.sh [ITERATIONS [ROUNDS]] — builds the project and runs the Java allocation
# benchmarks (JMH) with and without the agent, on JDK 17 and Temurin 25, in
# one run; writes JMH-RESULTS.md beside this script. Not part of the tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
iterations=${1:-3}
rounds=${2:-3}
jdk25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
(cd "$top" && mvn -B -q package -DskipTests)
cp="$here/target/classes:$(cat "$here/target/bench.classpath")"
# the floor rows' native (c/jni_identity.c)
gcc -std=gnu11 -O2 -shared -fPIC -Wall -Werror -isystem "$jdk17/include" -isystem "$jdk17/include/linux" \
  "$here/c/jni_identity.c" -o "$here/target/libjniidentity.so"
{
  echo "# Java allocation: rewritten calls against the JDK"
  echo
  echo "Measured by \`examples/bench/run-jmh.sh $iterations $rounds\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r), $(ldd --version | head -1 | sed 's/.* //') glibc."
  echo "JMH 1.37; each side of a ratio in $rounds rounds, the sides alternating, one fork per round, $iterations x 1 s warm-up and $iterations x 1 s measurement; medians of the rounds."
  echo "-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxDirectMemorySize=256m on both sides,"
  echo "the agent side adds \`-javaagent:rseq-agent.jar=packages=dev.rseqagent.bench.alloc,log=none\` (facade: JNI on 17; on 25 FFM critical downcalls, built by the agent within the first second, inside the warm-up)."
  echo "Ratios are rseq-agent / JDK from the same run: below 1 is faster for times, above 1 is faster for throughput."
  echo "The floor rows have no agent: two calls of a function that returns its argument, as a JNI native (and on JDK 22+ as an FFM critical downcall), set against the JDK's Unsafe 64 B pair above them."
  echo "The allocateDirect floor is allocateDirect under the JDK's semantics over an allocator that costs nothing (\`DirectFloorBench\`, no agent): the JDK's accounting, zeroing, a cleaner a buffer and the full GCs of the JDK's reclaim loop, over a pointer stepping through a limit's worth of memory, so that zeroing meets memory as cold as a GC-freed buffer's."
  echo
  java -Dbench.jniIdentity="$here/target/libjniidentity.so" -cp "$cp" dev.rseqagent.bench.JavaAllocBench \
    "$top/agent/target/rseq-agent.jar" "$iterations" "$rounds" "$jdk17" "$jdk25" 2> "$here/target/jmh-progress.log"
} > "$here/JMH-RESULTS.md.tmp"
mv "$here/JMH-RESULTS.md.tmp" "$here/JMH-RESULTS.md"
cat "$here/JMH-RESULTS.md"
