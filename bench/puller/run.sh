#!/usr/bin/env bash
# Puller backfill throughput against the Kaizala double, budget lifted at both ends (docs/BENCHMARKS.md "Puller").
# Usage:
#   bench/puller/run.sh                                  # 50,000 responses (50 per action), 3 rounds, private broker
#   BENCH_RESPONSES=5000 BENCH_ROUNDS=1 bench/puller/run.sh   # smoke test
#   BENCH_BOOTSTRAP=127.0.0.1:9092 bench/puller/run.sh   # an already running broker
#   PULLER_PAGE_SIZE=100 bench/puller/run.sh             # a puller setting
# Prints each round (responses/s, calls), the median, and the time 100,000 responses take at 100 calls/min,
# computed from the calls a backfill needed.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/target"
mkdir -p "$OUT/classes"

cd "$ROOT"
# one invocation, -am, as bench/processor does: the last module written, kaizala-puller, leaves cp.txt
mvn -B -q -pl kaizala-puller -am test-compile dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
  -Dmdep.outputFile="$OUT/cp.txt"
# the reactor's own classes first (the local repository may hold stale snapshot jars of these modules)
CP="$ROOT/kaizala-puller/target/classes:$ROOT/kaizala-double/target/classes:$ROOT/pipeline-model/target/classes"
CP="$CP:$ROOT/pipeline-launcher/target/classes:$ROOT/pipeline-testkit/target/classes:$(cat "$OUT/cp.txt")"
javac -d "$OUT/classes" -cp "$CP" "$HERE"/*.java

cd "$OUT"
echo; echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
exec java -Xms256m -Xmx1g ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile="$HERE/logback-bench.xml" \
  -cp "$OUT/classes:$CP" io.kzpipe.bench.PullerBench
