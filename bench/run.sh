#!/usr/bin/env bash
# mlapi's benchmarks side by side, in one command (not part of ./mvnw -B verify):
#   bench/run.sh [--quick] [--phases http,jmh,batch,startup,cold,openloop,image,protocols,many_models]
# Installs the Debian packages they need, builds target/mlapi.jar, runs bench/run.py (results in
# bench/results/latest.json), then renders docs/performance.md's tables and charts
# (docs/performance.png, docs/performance-openloop.png).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/java-home.sh
. scripts/java-home.sh

packages=(wrk nginx-light python3-flask python3-flask-restful python3-sklearn python3-joblib python3-pandas
  gunicorn python3-matplotlib curl
  nghttp2-client python3-grpc-tools  # h2load for gRPC, and the stubs that encode its message
  # the image phase: the base image (scripts/image-base) and the image under podman
  podman runc catatonit netavark iptables debootstrap binutils)
scripts/apt-install "${packages[@]}"

./mvnw -q -B -DskipTests -Djacoco.skip=true package >&2
/usr/bin/python3 bench/run.py "$@"
/usr/bin/python3 bench/report.py
