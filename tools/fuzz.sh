#!/usr/bin/env bash
# Builds one libFuzzer target with clang (ASan + UBSan) and runs it.
#
#   tools/fuzz.sh TARGET [SECONDS]      TARGET: syslog_vendors | pattern |
#                                               json | flow
#
# The fuzzers live in tests/fuzz/<TARGET>_fuzzer.cc; `bazel test
# //tests/fuzz/...` replays their checked-in corpora (tests/fuzz/corpus/)
# with the normal toolchain. This script builds outside Bazel because the
# project's Bazel toolchain is gcc and libFuzzer is clang's: the parsers
# are plain C++ over Abseil, protobuf and RE2, so a direct compile is
# simple. Work files go to $FUZZ_OUT (default /tmp/netstreams-fuzz); new
# interesting inputs stay there. Crashes are written to $FUZZ_OUT/crash-*
# and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: tools/fuzz.sh TARGET [SECONDS]}
seconds=${2:-300}
out=${FUZZ_OUT:-/tmp/netstreams-fuzz}
src=tests/fuzz/${target}_fuzzer.cc
[ -f "$src" ] || { echo "no fuzzer $src" >&2; exit 2; }

mkdir -p "$out/gen" "$out/corpus/$target"
protoc --proto_path=proto --proto_path=/usr/include --cpp_out="$out/gen" \
  proto/cgnat/v1/*.proto proto/netstreams/stages/v1/parse.proto

absl_libs=$(ls /usr/lib/x86_64-linux-gnu/libabsl_*.so | sed -E 's|.*/lib(absl_[^.]*)\.so|-l\1|')
# shellcheck disable=SC2086
clang++ -std=c++17 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I. -I"$out/gen" \
  src/parsers/*.cc src/common/ip_address.cc \
  "$out"/gen/cgnat/v1/*.pb.cc "$out"/gen/netstreams/stages/v1/parse.pb.cc \
  "$src" -o "$out/${target}_fuzzer" \
  -Wl,--as-needed -lprotobuf -lre2 $absl_libs -lpthread

# Seeds: the checked-in corpus, and for line formats every fixture line.
cp tests/fuzz/corpus/"$target"/* "$out/corpus/$target/" 2>/dev/null || true
if [ "$target" = syslog_vendors ]; then
  i=0
  for f in tests/parsers/testdata/*.log topology/samples/*.log; do
    while IFS= read -r line; do
      i=$((i + 1))
      printf '%s' "$line" > "$out/corpus/$target/fixture-$i"
    done < "$f"
  done
fi

cd "$out"
"./${target}_fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=5 \
  -rss_limit_mb=2048 -print_final_stats=1 "corpus/$target"
