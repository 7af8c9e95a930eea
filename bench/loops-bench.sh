#!/usr/bin/env bash
# loops-bench.sh: the Protocol echo on a LoopGroup of 1 loop vs 2 loops (the EchoServer example with a loop count),
# alternating A B A B ..., each round loaded by ../shared/bench's echoload. Prints per round the
# req/s and server CPU µs/request of both, their ratio (2 loops / 1 loop) and the 1-minute load
# average, then the medians of the ratios.
# SERVER_CPUS/CLIENT_CPUS choose the pinning (default: server on 0,1 and client on 0,1, i.e. the
# three processes share both cores; SERVER_CPUS=0 CLIENT_CPUS=1 gives the server one core).
# usage: bench/loops-bench.sh [rounds] [secs] [conns] [size]
set -euo pipefail
rounds=${1:-5} secs=${2:-4} conns=${3:-100} size=${4:-1024}
scpus=${SERVER_CPUS:-0,1} ccpus=${CLIENT_CPUS:-0,1}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
[ -f "$shared/echoload.c" ] || shared=/work/shared/bench
. "$root/bench/find-jdk.sh" javac
out=$(mktemp -d /tmp/loops-bench.XXXXXX)
srv=""
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$out"' EXIT
load=${ECHOLOAD:-$out/echoload}
[ -x "$load" ] || gcc -O2 -o "$load" "$shared/echoload.c"
mkdir -p "$out/classes"
"$jdk/bin/javac" -nowarn -d "$out/classes" \
  $(find "$root/core/src/main/java" -name '*.java' ! -name module-info.java) \
  "$root/examples/src/main/java/io/jasyncio/examples/EchoServer.java"
java="$jdk/bin/java --add-opens java.base/java.lang=ALL-UNNAMED -cp $out/classes"
port=8886
# one measurement: start the server with $1 loops, load it, print "req/s cpu_us/req", stop it
measure() {
  taskset -c "$scpus" $java io.jasyncio.examples.EchoServer $port "$1" >"$out/srv.log" 2>&1 &
  srv=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  local c0 c1 r
  c0=$(awk '{ print $14 + $15 }' /proc/$srv/stat)
  r=$(taskset -c "$ccpus" "$load" -p $port -c "$conns" -s "$size" -d "$secs" -w 1 | sed -E 's/.*req\/s=([0-9]+).*/\1/')
  c1=$(awk '{ print $14 + $15 }' /proc/$srv/stat)
  kill $srv; wait $srv 2>/dev/null || true; srv=""
  awk -v t=$((c1 - c0)) -v r="$r" -v s="$secs" 'BEGIN { printf "%d %.2f", r, t * 10000.0 / (r * (s + 1)) }'
}
echo "# rounds=$rounds secs=$secs conns=$conns size=$size server_cpus=$scpus client_cpus=$ccpus nproc=$(nproc)"
printf '%-6s %-10s %-10s %-10s %-10s %-9s %-9s %s\n' round req1 cpu1 req2 cpu2 req2/req1 cpu2/cpu1 load1
ratios=() cratios=()
for i in $(seq "$rounds"); do
  read -r r1 c1 <<<"$(measure 1)"
  read -r r2 c2 <<<"$(measure 2)"
  rr=$(awk -v a="$r2" -v b="$r1" 'BEGIN { printf "%.3f", a / b }')
  cr=$(awk -v a="$c2" -v b="$c1" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$rr") cratios+=("$cr")
  printf '%-6s %-10s %-10s %-10s %-10s %-9s %-9s %s\n' "$i" "$r1" "$c1" "$r2" "$c2" "$rr" "$cr" "$(cut -d' ' -f1 /proc/loadavg)"
done
med() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
echo "median req/s ratio (2 loops / 1 loop): $(med "${ratios[@]}")   median CPU/req ratio: $(med "${cratios[@]}")"
