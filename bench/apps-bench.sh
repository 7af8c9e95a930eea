#!/usr/bin/env bash
# apps-bench.sh: the HTTP and RESP examples side by side with the programs users would otherwise
# pick, in one run, alternating the contenders round by round (A B C A B C ...), so that a change
# in machine load hits all alike. Servers are pinned to CPU 0, the load generators to CPU 1.
#
#   HTTP, wrk -t1 -c50:
#     jasyncio          the HttpServer example (streams, parses and validates every request)
#     jasyncio-old      the same example from an older build, when OLD_DEMO=path/to/jasyncio-demo.jar
#     netty             Netty 4 (NettyHttpHello: HttpServerCodec, one NIO event loop thread)
#     asyncio-streams   bench/http_parsing.py streams: asyncio streams, the example's parsing
#     asyncio-protocol  bench/http_parsing.py protocol: asyncio Protocol API, the example's parsing
#     asyncio-hello     bench/http_hello.py: Protocol API that only counts "\r\n\r\n" (no parsing)
#     uvloop-*          the three Python servers again on uvloop, if it imports
#   RESP: redis-benchmark -t get,set -c 50 with -P 16 and -P 1: jasyncio's RespServer vs
#   redis-server (Debian), no persistence.
#
# wrk -t1 on one core saturates at about the rate of every server here, so req/s alone cannot
# tell them apart: each run also records the server's CPU time (utime+stime of the whole process,
# from /proc/PID/stat, before and after the run) divided by the requests served: "us/req". The
# efficiency ratio other/jasyncio of that number is what the targets are judged on. User and system
# time are shown apart: the kernel's loopback TCP is most of every server's cost.
#
# usage: bench/apps-bench.sh [rounds] [secs]     (build first: ./mvnw -q -pl examples,bench -am package -DskipTests)
#        PARTS="http resp" (default): which benchmarks to run, e.g. PARTS=http
#        OLD_DEMO: a jasyncio-demo.jar of an older build, run as contender jasyncio-old
#        WARM: seconds of wrk warm-up per HTTP server before the rounds (default 10: the JIT of a
#              JVM pinned to one busy core needs that long; 3 s left Netty's first round at 1/3 speed)
#        P16_N / P1_N: requests per redis-benchmark run with -P 16 / -P 1 (default 200000 / 20000)
# Prints one line per round and contender, then per-round ratios and their medians, and the
# 1-minute load average at the start of each round and at the end.
set -euo pipefail
rounds=${1:-5} secs=${2:-5}
p16_n=${P16_N:-200000} p1_n=${P1_N:-20000}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/find-jdk.sh" java
for t in wrk redis-benchmark redis-server taskset python3; do
  command -v $t >/dev/null || { echo "$t is missing: apt-get install -y wrk redis-tools redis-server util-linux python3" >&2; exit 1; }
done
demo=$root/examples/target/jasyncio-demo.jar
benchjar=$root/bench/target/benchmarks.jar
[ -f "$demo" ] && [ -f "$benchjar" ] || { echo "build first: ./mvnw -q -pl examples,bench -am package -DskipTests" >&2; exit 1; }
java="taskset -c 0 $jdk/bin/java -Xms256m -Xmx256m --add-opens java.base/java.lang=ALL-UNNAMED"

parts=${PARTS:-http resp} warm=${WARM:-10}
case " $parts " in *" http "*) do_http=1;; *) do_http=0;; esac
case " $parts " in *" resp "*) do_resp=1;; *) do_resp=0;; esac
[ $do_http = 1 ] || [ $do_resp = 1 ] || { echo "PARTS must name http and/or resp, not '$parts'" >&2; exit 1; }
if [ -n "${OLD_DEMO:-}" ] && [ ! -f "$OLD_DEMO" ]; then echo "OLD_DEMO=$OLD_DEMO is not a file" >&2; exit 1; fi

pids=()
declare -A PID
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
start() { # name port command...   (taskset execs the server, so $! is the server's own pid)
  local name=$1 port=$2; shift 2
  "$@" >/tmp/apps-bench-$name.log 2>&1 &
  pids+=($!)
  PID[$port]=$!
  for _ in $(seq 1 200); do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$name did not start on port $port; see /tmp/apps-bench-$name.log" >&2; exit 1
}
load() { cut -d' ' -f1 /proc/loadavg; }
tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # utime and stime of every thread of the process

echo "# apps-bench rounds=$rounds secs=$secs warm=${warm}s parts='$parts' jdk=$jdk cpus=$(nproc) load1_start=$(load)"
http=() resp=()
if [ $do_http = 1 ]; then
  start jasyncio-http 18080 $java -cp "$demo" io.jasyncio.examples.http.HttpServer 18080
  http+=(jasyncio:18080)
  if [ -n "${OLD_DEMO:-}" ]; then
    start jasyncio-old-http 18090 $java -cp "$OLD_DEMO" io.jasyncio.examples.http.HttpServer 18090
    http+=(jasyncio-old:18090)
  fi
  start netty-http 18081 $java -cp "$benchjar" io.jasyncio.bench.NettyHttpHello 18081
  http+=(netty:18081)
  # One interpreter for all Python contenders: the first that has uvloop (Debian's python3-uvloop
  # goes to /usr/bin/python3, which may not be the python3 on the PATH).
  py=python3
  for p in python3 /usr/bin/python3; do if "$p" -c 'import uvloop' 2>/dev/null; then py=$p; break; fi; done
  echo "# python: $($py --version 2>&1) ($py)"
  loops=(asyncio)
  $py -c 'import uvloop' 2>/dev/null && loops+=(uvloop)
  port=18082
  for l in "${loops[@]}"; do
    u=$([ $l = uvloop ] && echo uvloop || true)
    start $l-streams-http $port taskset -c 0 $py "$root/bench/http_parsing.py" $port streams $u; http+=($l-streams:$port); port=$((port + 1))
    start $l-protocol-http $port taskset -c 0 $py "$root/bench/http_parsing.py" $port protocol $u; http+=($l-protocol:$port); port=$((port + 1))
    start $l-hello-http $port taskset -c 0 $py "$root/bench/http_hello.py" $port $u; http+=($l-hello:$port); port=$((port + 1))
  done
fi
if [ $do_resp = 1 ]; then
  start jasyncio-resp 16380 $java -cp "$demo" io.jasyncio.examples.resp.RespServer 16380
  start redis-server 16381 taskset -c 0 redis-server --port 16381 --bind 127.0.0.1 --save '' --appendonly no --daemonize no
  resp=(jasyncio:16380 redis:16381)
fi

# wrk on port for secs -> "req/s requests us/req user-us/req sys-us/req" (server CPU per request)
wrk_run() {
  local u0 s0 u1 s1 out
  read -r u0 s0 < <(cpu_ticks "${PID[$1]}")
  out=$(taskset -c 1 wrk -t1 -c50 -d"$2"s "http://127.0.0.1:$1/")
  read -r u1 s1 < <(cpu_ticks "${PID[$1]}")
  echo "$out" | awk -v du=$((u1 - u0)) -v ds=$((s1 - s0)) -v tck="$tck" -v port="$1" '
    /requests in/ {n=$1} /Requests\/sec/ {rps=$2} /Non-2xx|Socket errors/ {bad=bad $0}
    END {if (bad != "") print "wrk reported errors: " bad > "/dev/stderr"
         if (n == 0) {print "wrk served no request on port " port > "/dev/stderr"; print "0 0 nan nan nan"; exit}
         f = 1e6 / tck / n
         printf "%s %d %.3f %.3f %.3f\n", rps, n, (du + ds) * f, du * f, ds * f}'
}
# redis-benchmark on port with pipeline p, n requests per test -> "set get us/req" (us/req over both tests)
rb_run() {
  local u0 s0 u1 s1 out
  read -r u0 s0 < <(cpu_ticks "${PID[$1]}")
  out=$(taskset -c 1 redis-benchmark -p "$1" -t set,get -c 50 -P "$2" -n "$3" -q 2>/dev/null | tr '\r' '\n')
  read -r u1 s1 < <(cpu_ticks "${PID[$1]}")
  echo "$out" | awk -v dc=$((u1 + s1 - u0 - s0)) -v tck="$tck" -v n="$3" '/^SET:/ {s=$2} /^GET:/ {g=$2} END {printf "%s %s %.3f\n", s, g, dc * 1e6 / tck / (2 * n)}'
}

# Warm-up (JIT): every server gets the same load once, results dropped.
for c in "${http[@]}"; do wrk_run "${c#*:}" "$warm" >/dev/null; done
for c in "${resp[@]}"; do rb_run "${c#*:}" 16 "$p16_n" >/dev/null; rb_run "${c#*:}" 1 "$p1_n" >/dev/null; done

declare -A R
for r in $(seq 1 "$rounds"); do
  echo "# round $r load1=$(load)"
  for c in "${http[@]}"; do
    read -r rps n us usr sys < <(wrk_run "${c#*:}" "$secs")
    R[http,${c%%:*},$r]=$rps; R[httpcpu,${c%%:*},$r]=$us; R[httpusr,${c%%:*},$r]=$usr; R[httpsys,${c%%:*},$r]=$sys
    echo "round $r http ${c%%:*} $rps req/s $us us/req (user $usr sys $sys; $n requests)"
  done
  for p in 16 1; do
    [ ${#resp[@]} -gt 0 ] || break
    n=$(( p == 16 ? p16_n : p1_n ))
    for c in "${resp[@]}"; do
      read -r s g us < <(rb_run "${c#*:}" $p $n)
      R[set$p,${c%%:*},$r]=$s; R[get$p,${c%%:*},$r]=$g; R[rcpu$p,${c%%:*},$r]=$us
      echo "round $r resp -P $p ${c%%:*} SET $s GET $g req/s $us us/req"
    done
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratios() { # kind a b [label]: per-round a/b of R[kind,...] and the median
  local list=""
  for r in $(seq 1 "$rounds"); do list+=$(awk -v x="${R[$1,$2,$r]}" -v y="${R[$1,$3,$r]}" 'BEGIN {printf "%.3f ", x/y}'); done
  echo "${4:-$1} $2/$3 per round: $list median $(echo $list | tr ' ' '\n' | median)"
}
medians() { # kind unit
  for c in "${@:3}"; do echo "$1 ${c%%:*} median $2: $(for r in $(seq 1 "$rounds"); do echo "${R[$1,${c%%:*},$r]}"; done | median)"; done
}
echo "# medians of per-round values and ratios (req/s: jasyncio/other, higher is better for jasyncio;"
echo "#   efficiency: other's server CPU per request / jasyncio's, higher is better for jasyncio)"
if [ ${#http[@]} -gt 0 ]; then
  medians http req/s "${http[@]}"
  medians httpcpu us/req "${http[@]}"
  medians httpusr user-us/req "${http[@]}"
  medians httpsys sys-us/req "${http[@]}"
  for c in "${http[@]:1}"; do ratios http jasyncio "${c%%:*}" "http req/s"; done
  for c in "${http[@]:1}"; do ratios httpcpu "${c%%:*}" jasyncio "http efficiency"; done
fi
if [ ${#resp[@]} -gt 0 ]; then
  for k in set16 get16 set1 get1; do
    medians $k req/s "${resp[@]}"
    ratios $k jasyncio redis
  done
  for p in 16 1; do
    medians rcpu$p us/req "${resp[@]}"
    ratios rcpu$p redis jasyncio "resp -P $p efficiency"
  done
fi
echo "# load1_end=$(load)"
