#!/bin/sh
# A/B of the two costs the signals branch adds, side by side in one run (A = baseline classes,
# B = these classes; rounds alternate A B A B):
#   run      - Asyncio.run(() -> 1) on the main thread (SIGINT hook installed and removed); add "x"
#              as a third argument to run it off the main thread (no hook)
#   yield    - a task doing sleep(0) in a loop: one loop iteration each (the per-iteration check
#              that the interrupt watch is installed)
#   pingpong - a platform thread hands a callback to the sleeping loop and waits for its answer:
#              one blocking select + wake-up per round trip (the interrupt watch is re-armed)
# usage: bench/signals-ab/run.sh BASELINE_CLASSES NEW_CLASSES run|yield|pingpong N [x]
# e.g. (baseline built outside the repo with `git archive <commit> | tar -x -C /tmp/base`, then
#      ./mvnw -q -pl core compile in /tmp/base):
#   bench/signals-ab/run.sh /tmp/base/core/target/classes core/target/classes run 20000
set -e
J=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin}
D=$(mktemp -d)
"$J/javac" -nowarn -cp "$1" -d "$D/a" "$(dirname "$0")/SigBench.java" 2>/dev/null
"$J/javac" -nowarn -cp "$2" -d "$D/b" "$(dirname "$0")/SigBench.java" 2>/dev/null
echo "load: $(cat /proc/loadavg)"
for r in 1 2 3 4 5 6; do
  A=$("$J/java" --add-opens java.base/java.lang=ALL-UNNAMED -Djasyncio.jmx=false -cp "$D/a:$1" SigBench "$3" "$4" $5)
  B=$("$J/java" --add-opens java.base/java.lang=ALL-UNNAMED -Djasyncio.jmx=false -cp "$D/b:$2" SigBench "$3" "$4" $5)
  echo "round $r: A=$A ns B=$B ns B/A=$(python3 -c "print(round($B/$A, 3))")"
done
echo "load: $(cat /proc/loadavg)"
rm -rf "$D"
