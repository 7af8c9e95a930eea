#!/usr/bin/env bash
# apps-bench.sh: the HTTP and RESP examples side by side with the programs users would otherwise
# pick, in one run, alternating the contenders round by round (A B C A B C ...), so that a change
# in machine load hits all alike. Servers are pinned to CPU 0, the load generators to CPU 1.
#
#   HTTP hello, wrk -t1 -c50: jasyncio's HttpServer example vs Netty 4 (NettyHttpHello, one NIO
#   event loop thread) vs Python asyncio (bench/http_hello.py, Protocol API) [vs asyncio+uvloop].
#   RESP: redis-benchmark -t get,set -c 50 with -P 16 and -P 1: jasyncio's RespServer vs
#   redis-server (Debian), no persistence.
#
# usage: bench/apps-bench.sh [rounds] [secs]     (build first: ./mvnw -q -pl examples,bench -am package -DskipTests)
#        P16_N / P1_N: requests per redis-benchmark run with -P 16 / -P 1 (default 200000 / 20000)
# Prints one line per round and contender, then per-round ratios and their medians, and the
# 1-minute load average seen at the start and the end.
set -euo pipefail
rounds=${1:-5} secs=${2:-5}
p16_n=${P16_N:-200000} p1_n=${P1_N:-20000}
root=$(cd "$(dirname "$0")/.." && pwd)
jdk=""
for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*; do
  if [ -n "$d" ] && [ -x "$d/bin/java" ] && "$d/bin/java" -version 2>&1 | grep -q '"25'; then jdk=$d; break; fi
done
[ -n "$jdk" ] || { echo "no JDK 25 found: set JAVA_HOME" >&2; exit 1; }
for t in wrk redis-benchmark redis-server taskset python3; do
  command -v $t >/dev/null || { echo "$t is missing: apt-get install -y wrk redis-tools redis-server util-linux python3" >&2; exit 1; }
done
demo=$root/examples/target/jasyncio-demo.jar
benchjar=$root/bench/target/benchmarks.jar
[ -f "$demo" ] && [ -f "$benchjar" ] || { echo "build first: ./mvnw -q -pl examples,bench -am package -DskipTests" >&2; exit 1; }
java="taskset -c 0 $jdk/bin/java -Xms256m -Xmx256m --add-opens java.base/java.lang=ALL-UNNAMED"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
start() { # name port command...
  local name=$1 port=$2; shift 2
  "$@" >/tmp/apps-bench-$name.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$name did not start on port $port; see /tmp/apps-bench-$name.log" >&2; exit 1
}
load() { cut -d' ' -f1 /proc/loadavg; }

echo "# apps-bench rounds=$rounds secs=$secs jdk=$jdk cpus=$(nproc) load1_start=$(load)"
start jasyncio-http 18080 $java -cp "$demo" io.jasyncio.examples.http.HttpServer 18080
start netty-http 18081 $java -cp "$benchjar" io.jasyncio.bench.NettyHttpHello 18081
# One interpreter for both Python contenders: the first that has uvloop (Debian's python3-uvloop
# goes to /usr/bin/python3, which may not be the python3 on the PATH).
py=python3
for p in python3 /usr/bin/python3; do if "$p" -c 'import uvloop' 2>/dev/null; then py=$p; break; fi; done
echo "# python: $($py --version 2>&1) ($py)"
start asyncio-http 18082 taskset -c 0 $py "$root/bench/http_hello.py" 18082
http=(jasyncio:18080 netty:18081 asyncio:18082)
if $py -c 'import uvloop' 2>/dev/null; then
  start uvloop-http 18083 taskset -c 0 $py "$root/bench/http_hello.py" 18083 uvloop
  http+=(uvloop:18083)
fi
start jasyncio-resp 16380 $java -cp "$demo" io.jasyncio.examples.resp.RespServer 16380
start redis-server 16381 taskset -c 0 redis-server --port 16381 --bind 127.0.0.1 --save '' --appendonly no --daemonize no
resp=(jasyncio:16380 redis:16381)

wrk_rps() { taskset -c 1 wrk -t1 -c50 -d"$2"s "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'; }
rb_rps() { # port pipeline -> "set get"
  taskset -c 1 redis-benchmark -p "$1" -t set,get -c 50 -P "$2" -n "$3" -q 2>/dev/null | tr '\r' '\n' \
    | awk '/^SET:/ {s=$2} /^GET:/ {g=$2} END {print s, g}'
}

# Warm-up (JIT): every server gets the same load once, results dropped.
for c in "${http[@]}"; do wrk_rps "${c#*:}" 3 >/dev/null; done
for c in "${resp[@]}"; do rb_rps "${c#*:}" 16 "$p16_n" >/dev/null; rb_rps "${c#*:}" 1 "$p1_n" >/dev/null; done

declare -A R
for r in $(seq 1 "$rounds"); do
  for c in "${http[@]}"; do R[http,${c%%:*},$r]=$(wrk_rps "${c#*:}" "$secs"); echo "round $r http ${c%%:*} ${R[http,${c%%:*},$r]} req/s"; done
  for p in 16 1; do
    n=$(( p == 16 ? p16_n : p1_n ))
    for c in "${resp[@]}"; do
      read -r s g < <(rb_rps "${c#*:}" $p $n)
      R[set$p,${c%%:*},$r]=$s; R[get$p,${c%%:*},$r]=$g
      echo "round $r resp -P $p ${c%%:*} SET $s GET $g req/s"
    done
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratios() { # kind a b
  local list=""
  for r in $(seq 1 "$rounds"); do list+=$(awk -v x="${R[$1,$2,$r]}" -v y="${R[$1,$3,$r]}" 'BEGIN {printf "%.3f ", x/y}'); done
  echo "$1 $2/$3 per round: $list median $(echo $list | tr ' ' '\n' | median)"
}
echo "# medians of per-round ratios"
for c in "${http[@]}"; do echo "http ${c%%:*} median req/s: $(for r in $(seq 1 "$rounds"); do echo "${R[http,${c%%:*},$r]}"; done | median)"; done
ratios http jasyncio netty
ratios http jasyncio asyncio
[ ${#http[@]} -gt 3 ] && ratios http jasyncio uvloop
for k in set16 get16 set1 get1; do
  for c in "${resp[@]}"; do echo "$k ${c%%:*} median req/s: $(for r in $(seq 1 "$rounds"); do echo "${R[$k,${c%%:*},$r]}"; done | median)"; done
  ratios $k jasyncio redis
done
echo "# load1_end=$(load)"
