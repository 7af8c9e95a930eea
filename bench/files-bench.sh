#!/usr/bin/env bash
# files-bench.sh: io.jasyncio.file against plain FileChannel/Files (inside FilesBench, alternating
# within each round) and against Python asyncio + to_thread (files_asyncio.py), the Java and the
# Python process alternating round by round so that machine load hits both alike. Prints every
# RESULT line, then per-round jasyncio/asyncio ratios and their medians.
# usage: bench/files-bench.sh [rounds] [dir]   (build first: ./mvnw -q -pl bench -am package -DskipTests)
# Extra FilesBench/files_asyncio.py options: ARGS="--mib 1024 --files 100000" (the defaults).
set -euo pipefail
rounds=${1:-3} dir=${2:-/dev/shm/jasyncio-files-bench}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/find-jdk.sh" java
jar=$(mktemp /tmp/files-bench.XXXXXX.jar)
out=$(mktemp /tmp/files-bench.XXXXXX.txt)
trap 'rm -f "$jar" "$out"; rm -rf "$dir"' EXIT
cp "$root/bench/target/benchmarks.jar" "$jar"   # a rebuild meanwhile cannot change what runs
mkdir -p "$dir"
for r in $(seq 0 $((rounds - 1))); do
  "$jdk/bin/java" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$jar" io.jasyncio.bench.FilesBench \
      --dir "$dir/java" --rounds 1 ${ARGS:-} | sed "s/round=0/round=$r/" | tee -a "$out"
  python3 "$root/bench/files_asyncio.py" --dir "$dir/python" --rounds 1 ${ARGS:-} | sed "s/round=0/round=$r/" | tee -a "$out"
done
python3 - "$out" <<'PY'
import re, statistics, sys
res = {}
for line in open(sys.argv[1]):
    m = re.match(r"RESULT round=(\d+) (\S+) (\S+) ([\d.]+) \S+ cpu-ms=([\d.]+)", line)
    if m:
        res.setdefault(m.group(2), {}).setdefault(int(m.group(1)), {})[m.group(3)] = float(m.group(4))
        res.setdefault("cpu-ms " + m.group(2), {}).setdefault(int(m.group(1)), {})[m.group(3)] = float(m.group(5))
print("# jasyncio / Python asyncio+to_thread, per round: throughput ratio (> 1: jasyncio faster); for cpu-ms rows the CPU ratio (< 1: jasyncio cheaper)")
for work, rounds in res.items():
    for a, b in [("jasyncio", "asyncio"), ("jasyncio-concurrent", "asyncio-concurrent"), ("jasyncio", "plain")]:
        rs = [v[a] / v[b] for _, v in sorted(rounds.items()) if a in v and b in v]
        if rs:
            print(f"MEDIAN {work} {a}/{b} {statistics.median(rs):.3f}  (rounds: {[round(x, 3) for x in rs]})")
PY
