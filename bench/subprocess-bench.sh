#!/usr/bin/env bash
# subprocess-bench.sh: 1 GiB through `cat` (stdin -> stdout) with jasyncio (bench's SubprocessCat)
# and with Python asyncio (bench/subprocess_asyncio.py), alternating A B A B in one run so a change
# in machine load hits both; prints each round's MB/s, the per-round ratio and the median ratio,
# and the 1-minute load average before and after. Compiles with javac into a scratch directory
# (never touches target/ or ~/.m2).
# usage: bench/subprocess-bench.sh [rounds] [bytes]
set -euo pipefail
rounds=${1:-5} bytes=${2:-1073741824}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/find-jdk.sh" javac
out=$(mktemp -d /tmp/subprocess-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/classes"
"$jdk/bin/javac" -nowarn -d "$out/classes" \
  $(find "$root/core/src/main/java" -name '*.java' ! -name module-info.java) \
  "$root/bench/src/main/java/io/jasyncio/bench/SubprocessCat.java"
java="$jdk/bin/java --add-opens java.base/java.lang=ALL-UNNAMED -cp $out/classes"
echo "# rounds=$rounds bytes=$bytes jdk=$jdk python=$(python3 --version 2>&1) nproc=$(nproc)"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ratios=() cratios=()
for i in $(seq 1 "$rounds"); do
  j=$($java io.jasyncio.bench.SubprocessCat "$bytes")
  p=$(python3 "$root/bench/subprocess_asyncio.py" "$bytes")
  jm=$(echo "$j" | awk '{print $4}') pm=$(echo "$p" | awk '{print $4}')
  r=$(awk -v a="$jm" -v b="$pm" 'BEGIN{printf "%.2f", a/b}')
  ratios+=("$r")
  jc=$(echo "$j" | awk '{print $5}') pc=$(echo "$p" | awk '{print $5}')
  cr=$(awk -v a="$jc" -v b="$pc" 'BEGIN{printf "%.2f", b/a}')
  cratios+=("$cr")
  echo "round $i: jasyncio $jm MB/s ($(echo "$j" | awk '{print $3}') s, cpu $jc s)  asyncio $pm MB/s ($(echo "$p" | awk '{print $3}') s, cpu $pc s)  ratio $r  cpu ratio asyncio/jasyncio $cr  load $(cut -d' ' -f1 /proc/loadavg)"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "median ratio jasyncio/asyncio (MB/s): $median"
cmedian=$(printf '%s\n' "${cratios[@]}" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "median CPU ratio asyncio/jasyncio (parent process CPU seconds per transfer): $cmedian"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
