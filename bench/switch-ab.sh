#!/usr/bin/env bash
# Task-switch A/B (issue 12 item 3): two copies of benchmarks.jar, alternating per round
# (odd rounds old then new, even rounds new then old), each in its own JMH run, with the
# bare-mechanism baselines (rawVirtualThreadPingPong, arrayBlockingQueueVirtualThreads) in the
# same run. Prints the 1-minute load average before every run; raw JMH output goes to OUT_DIR.
#
#   bench/switch-ab.sh OLD.jar NEW.jar [ROUNDS] [OUT_DIR] [JMH_FILTER]
set -euo pipefail
OLD=$1 NEW=$2 ROUNDS=${3:-3} OUT=${4:-/tmp/switch-ab}
FILTER=${5:-'SwitchBench.(futurePingPong|loopParkPingPong|rawVirtualThreadPingPong|callSoonChain)|QueueBench.(pingPong|arrayBlockingQueueVirtualThreads)$|GatherBench.gatherCoroutines100k'}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
mkdir -p "$OUT"
run() { # name jar round
    echo "round $3 $1 load1 $(cut -d' ' -f1 /proc/loadavg) $(date -u +%H:%M:%S)"
    "$JAVA" --add-opens java.base/java.lang=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
        -Djmh.ignoreLock=true -jar "$2" -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc "$FILTER" \
        > "$OUT/$1-$3.txt" 2>&1
    grep -E '^[A-Z][A-Za-z]+\.[A-Za-z0-9]+(:gc.alloc.rate.norm)? ' "$OUT/$1-$3.txt" | sed "s/^/round $3 $1 /"
}
for r in $(seq 1 "$ROUNDS"); do
    if (( r % 2 )); then run old "$OLD" "$r"; run new "$NEW" "$r"
    else run new "$NEW" "$r"; run old "$OLD" "$r"; fi
done
