# Sourced by the bench scripts: sets $jdk to a JDK 25 home that has bin/$1 (java or javac):
# JAVA_HOME if it is one, else the usual install places (as mvnw's toolchain finds it); exits
# with a message saying what to set otherwise.
jdk=""
for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*; do
  if [ -n "$d" ] && [ -x "$d/bin/${1:-java}" ] && "$d/bin/java" -version 2>&1 | grep -q '"25'; then jdk=$d; break; fi
done
[ -n "$jdk" ] || { echo "no JDK 25 found: set JAVA_HOME" >&2; exit 1; }
