#!/usr/bin/env bash
# echo-bench.sh: the jasyncio Protocol echo server (examples' EchoServer) and Streams echo server
# (bench's StreamsEcho) side by side with a raw java.nio selector echo (bench's RawNioEcho, the
# ceiling), loaded by ../shared/bench's echoload. Compiles them with javac into a scratch
# directory (never touches target/).
# usage: bench/echo-bench.sh [runs] [secs]        (CASES="conns:size ..." overrides the cases)
set -euo pipefail
runs=${1:-3} secs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
[ -x "$shared/echo-bench.sh" ] || shared=/work/shared/bench
# JDK 25: JAVA_HOME if it is one, else the usual install places (as mvnw's toolchain finds it).
. "$root/bench/find-jdk.sh" javac
out=$(mktemp -d /tmp/echo-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/classes"
"$jdk/bin/javac" -nowarn -d "$out/classes" \
  $(find "$root/core/src/main/java" -name '*.java' ! -name module-info.java) \
  "$root/examples/src/main/java/io/jasyncio/examples/EchoServer.java" \
  "$root/bench/src/main/java/io/jasyncio/bench/RawNioEcho.java" \
  "$root/bench/src/main/java/io/jasyncio/bench/StreamsEcho.java"
"$jdk/bin/jar" --create --file "$out/echo.jar" -C "$out/classes" .
java="$jdk/bin/java --add-opens java.base/java.lang=ALL-UNNAMED -cp $out/echo.jar"
cases=${CASES:-"10:1024 100:1024 10:65536"}
echo "# runs=$runs secs=$secs cases=$cases jdk=$jdk"
# One case at a time, both servers back to back, so a change in machine load hits both alike.
for c in $cases; do
  CASES=$c "$shared/echo-bench.sh" raw-nio 8889 "$java io.jasyncio.bench.RawNioEcho 8889" "$runs" "$secs"
  CASES=$c "$shared/echo-bench.sh" jasyncio-protocol 8888 "$java io.jasyncio.examples.EchoServer 8888" "$runs" "$secs"
  CASES=$c "$shared/echo-bench.sh" jasyncio-streams 8887 "$java io.jasyncio.bench.StreamsEcho 8887" "$runs" "$secs"
done
