#!/usr/bin/env bash
# Stream-processor throughput benchmark (see docs/BENCHMARKS.md "Stream processor"). Usage:
#   bench/processor/run.sh                      # 100000 events, 3 rounds, private co-located broker
#   BENCH_EVENTS=20000 BENCH_ROUNDS=1 bench/processor/run.sh   # smoke test
#   BENCH_BOOTSTRAP=127.0.0.1:9092 bench/processor/run.sh      # an already running broker
#   KAFKA_STREAMS_COMMIT_INTERVAL_MS=500 bench/processor/run.sh  # any processor setting
#   BENCH_MODE=rate bench/processor/run.sh      # the service as a process: 100k backlog, then 2,000/s for 60 s
#       (BENCH_BACKLOG, BENCH_RATE, BENCH_SECONDS; BENCH_PROCESSOR_JAVA_OPTS = the service's JVM options)
#   BENCH_MODE=micro bench/processor/run.sh     # parse+map and serialization CPU per event, no Kafka
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/target"
mkdir -p "$OUT/classes"

cd "$ROOT"
mvn -B -q -pl stream-processor -am test-compile dependency:build-classpath -DskipTests -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/cp.txt"
# one invocation, -am: the reactor's own modules resolve to their target/classes (a fresh machine has no project jars
# in the local repository, and it may hold stale ones); the last module written, stream-processor, leaves cp.txt
CP="$ROOT/stream-processor/target/classes:$ROOT/stream-processor/target/test-classes:$ROOT/pipeline-model/target/classes:$ROOT/pipeline-testkit/target/classes:$(cat "$OUT/cp.txt")"
javac -d "$OUT/classes" -cp "$CP" "$HERE"/*.java

cd "$OUT"
echo; echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
exec java -Xms1g -Xmx2g -XX:+UseParallelGC ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile="$HERE/logback-bench.xml" \
  -cp "$OUT/classes:$CP" io.kzpipe.bench.ProcessorBench
