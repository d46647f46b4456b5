#!/usr/bin/env bash
# JMH micro-benchmarks of the prediction hot path (src/jmh/java), outside the default build.
#   bench/jmh.sh [JMH options...]       e.g. bench/jmh.sh -f 1 -wi 1 -i 1 -w 1s -r 1s  (a smoke run)
# Compiles with the `bench` Maven profile (up to process-test-classes: target/mlapi.jar is left
# alone), then runs org.openjdk.jmh.Main with the options given.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/java-home.sh"
cd "$root"
./mvnw -q -B -Pbench -Djacoco.skip=true process-test-classes >&2
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector \
  -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" \
  org.openjdk.jmh.Main "$@"
