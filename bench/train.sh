#!/usr/bin/env bash
# Training benchmarks (not part of ./mvnw -B verify): mlapi train against scikit-learn, as whole processes.
#   bench/train.sh [--quick] [--repeats N] [--sizes 1000,10000,100000] [--phases search,rows]
# Installs what they need, builds target/mlapi.jar, runs bench/train.py (results in bench/results/train.json).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/java-home.sh
. scripts/java-home.sh
scripts/apt-install python3-sklearn
./mvnw -q -B -DskipTests -Djacoco.skip=true package >&2
/usr/bin/python3 bench/train.py "$@"
