#!/usr/bin/env bash
# ONNX Runtime against mlapi's own predictor, one server, one run (not part of ./mvnw -B verify):
#   bench/onnx.sh [--quick]
# Installs wrk if missing, builds target/mlapi.jar, then runs bench/onnx.py (results in
# bench/results/onnx-latest.json). JMH's side of it: bench/jmh.sh OnnxTensorBenchmark.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/apt-install wrk
./mvnw -q -B -DskipTests -Djacoco.skip=true package >&2
/usr/bin/python3 bench/onnx.py "$@"
