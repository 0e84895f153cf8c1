#!/usr/bin/env bash
# run.sh [ROUNDS] — builds the project and measures start-up and thread-start
# cost with and without the agent, on JDK 17 and Temurin 25, in one run;
# writes RESULTS.md beside this script. Not part of the tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rounds=${1:-15}
jdk25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
(cd "$top" && mvn -B -q package -DskipTests)
{
  echo "# Start-up and thread-start cost"
  echo
  echo "Measured by \`examples/bench/run.sh $rounds\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r), $(ldd --version | head -1 | sed 's/.* //') glibc."
  echo "Each JVM is started $rounds times per variant, variants interleaved in one run; medians."
  echo "Time to main: from the parent's fork of \`java\` to the first statement of \`main\` (CLOCK_MONOTONIC in both)."
  echo "Whole run: from the same fork to the JVM's exit, main returning at once (a short command-line run, shutdown included)."
  echo "Thread start: start + join of an empty thread, back to back (thousands a second: first sightings summarised), mean of 2,000 after 500 warm-up, median over runs."
  echo "Sparse thread start: the same, 40 threads 10 ms apart from the JVM's start (under 100 a second: each thread's line printed on it before it runs), median of the 40, median over runs."
  echo "Unless the variant says so, no packages are opted in (rewriting off: Byte Buddy's nested jar is never opened); JMX and JFR on (the defaults)."
  echo
  java -cp "$here/target/classes" dev.rseqagent.bench.StartupBench \
    "$top/agent/target/rseq-agent.jar" "$here/target/classes" "$rounds" "$jdk17" "$jdk25"
} > "$here/RESULTS.md.tmp"
mv "$here/RESULTS.md.tmp" "$here/RESULTS.md"
cat "$here/RESULTS.md"
