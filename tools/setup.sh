#!/usr/bin/env bash
# The single source of installs for building, running and testing the engine.
# Debian 12 packages only; idempotent (apt-get skips what is installed).
set -euo pipefail

PACKAGES=(
  # build
  bazel-bootstrap g++ protobuf-compiler
  # libFuzzer targets (tests/fuzz) and the ASan/UBSan configuration
  clang libclang-rt-14-dev
  # libraries the engine links
  librdkafka-dev librocksdb-dev libprotobuf-dev libabsl-dev prometheus-cpp-dev libcivetweb-dev
  libyaml-cpp-dev libgtest-dev libgmock-dev
  # declarative `pattern` parser (RE2: linear-time regular expressions)
  libre2-dev
  # independent clients used by end-to-end tests
  kcat python3 python3-confluent-kafka python3-protobuf
  # an independent parser of the /metrics exposition in tests
  python3-prometheus-client
  # topology rendering to PNG (//tools:topology render --format=png)
  graphviz
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "setup: all ${#PACKAGES[@]} packages present"
