#!/usr/bin/env bash
# hop-ab.sh: the cost of one hop off the loop and back, old jar against new jar, alternating
# (A B A B) so that machine load hits both alike: FilesBench's small-file rows (64 MiB, 20,000 ×
# 1 KiB files on tmpfs), FileHopCost (CPU and wall µs per call), then JMH HopBench with -prof gc.
# usage: bench/hop-ab.sh OLD.jar NEW.jar   (each a copy of bench/target/benchmarks.jar; build
#        the old one from the baseline commit first and copy it aside)
set -euo pipefail
old=$1 new=$2
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
J="$jdk/bin/java"
dir=/dev/shm/jasyncio-hop-ab
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"
for r in 1 2 3; do
  for j in "$old" "$new"; do
    echo "### FilesBench round $r $j"
    "$J" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$j" io.jasyncio.bench.FilesBench --dir "$dir/files" --rounds 1 \
        --mib 64 --files 20000 --file-size 1024 --concurrency 16 | grep -E "RESULT round=0 small|loadavg"
    rm -rf "$dir/files"
  done
done
for r in 1 2 3; do
  for j in "$old" "$new"; do
    echo "### FileHopCost round $r $j"
    "$J" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$j" io.jasyncio.bench.FileHopCost "$dir"
  done
done
for r in 1 2; do
  for j in "$old" "$new"; do
    echo "### HopBench round $r $j loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
    "$J" -jar "$j" HopBench -prof gc -wi 2 -w 1 -i 3 -r 2 -f 1 2>&1 | grep -E "^HopBench\.[a-zA-Z]+ |^HopBench.*alloc.rate.norm"
  done
done
echo "### end loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
