#!/usr/bin/env bash
# ab-echo.sh: the Streams echo (bench's StreamsEcho) of git revision REV against the work tree's,
# with the raw java.nio echo (RawNioEcho) as the baseline, in alternating rounds (odd rounds
# raw, old, new; even rounds raw, new, old, so neither always runs last), each one run of
# ../shared/bench/echo-bench.sh per case.
# Prints every round's lines with the 1-minute load average; ratios are computed from them.
# usage: bench/ab-echo.sh REV [rounds] [secs]        (CASES="conns:size ..." overrides the cases)
set -euo pipefail
rev=$1 rounds=${2:-3} secs=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
[ -x "$shared/echo-bench.sh" ] || shared=/work/shared/bench
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
out=$(mktemp -d /tmp/ab-echo.XXXXXX)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/old-src" "$out/old" "$out/new"
git -C "$root" archive "$rev" core/src/main/java | tar -x -C "$out/old-src"
bench_src="$root/bench/src/main/java/io/jasyncio/bench"
"$jdk/bin/javac" -nowarn -d "$out/old" $(find "$out/old-src" -name '*.java' ! -name module-info.java) \
  "$bench_src/StreamsEcho.java" "$bench_src/RawNioEcho.java"
"$jdk/bin/javac" -nowarn -d "$out/new" $(find "$root/core/src/main/java" -name '*.java' ! -name module-info.java) \
  "$bench_src/StreamsEcho.java" "$bench_src/RawNioEcho.java"
java="$jdk/bin/java --add-opens java.base/java.lang=ALL-UNNAMED"
cases=${CASES:-"10:1024 10:65536"}
echo "# rev=$rev rounds=$rounds secs=$secs cases=$cases"
for r in $(seq "$rounds"); do
  for c in $cases; do
    echo "# round $r case $c load1=$(cut -d' ' -f1 /proc/loadavg)"
    CASES=$c "$shared/echo-bench.sh" raw-nio 8889 "$java -cp $out/new io.jasyncio.bench.RawNioEcho 8889" 1 "$secs"
    order="old new"; [ $((r % 2)) -eq 0 ] && order="new old"
    for v in $order; do
      CASES=$c "$shared/echo-bench.sh" streams-$v 8887 "$java -cp $out/$v io.jasyncio.bench.StreamsEcho 8887" 1 "$secs"
    done
  done
done
