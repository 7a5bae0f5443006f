#!/usr/bin/env bash
# Dashboard query benchmark, one run on one machine: loads N responses (default 10,000,000 over 90 days; first
# the most recent half, then the older half) into ClickHouse 18.16 (a private server from the test kit) and the
# current engine (chDB, in-process), times every query of the "Kaizala responses" dashboard for 24 h, 7 d and
# 30 d beside its no-dedup ceiling, at half and at full history, and checks both engines return the same rows.
#
#   bench/dashboards/run.sh [responses] [days]      (BENCH_RUNS: timed runs per query, default 3)
#
# It is a JUnit class (deploy-tests DashboardsBench) so that it gets its engines from the test kit like the
# tests do; the build never runs it (not named *Test or *IT). The report is printed and written to
# deploy-tests/target/dashboards-bench.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RESPONSES=${1:-10000000}
DAYS=${2:-90}
cd "$ROOT"
mvn -B -q -DskipTests -Dcheckstyle.skip install -pl deploy-tests -am
mvn -B -pl deploy-tests failsafe:integration-test failsafe:verify -Dit.test=DashboardsBench \
  -Dbench.responses="$RESPONSES" -Dbench.days="$DAYS" -Dbench.runs="${BENCH_RUNS:-3}" \
  -Dbench.out="$ROOT/deploy-tests/target/dashboards-bench.md" -DtrimStackTrace=false
echo "report: deploy-tests/target/dashboards-bench.md"
