#!/bin/sh
# Reproduces docs/performance.md: Release build, micro-benchmarks, then the three load
# benchmarks. Results go to ${OUT:-/tmp/irsa-bench-results}/*.json (one JSON object each).
# QUICK=1 shortens everything (fewer tokens/roles) for a busy machine.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=${IRSA_BENCH_BUILD_DIR:-$REPO/build/bench}
OUT=${OUT:-/tmp/irsa-bench-results}
mkdir -p "$OUT"
cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIRSA_BENCH=ON -DIRSA_TESTS=OFF >&2
targets=irsa
for b in "$REPO"/bench/*_bench.cc; do
  n=$(basename "$b" _bench.cc); targets="$targets bench_$n"
done
ninja -C "$BUILD" $targets >&2
{ nproc; grep -m1 'model name' /proc/cpuinfo; cat /proc/loadavg; } > "$OUT/machine.txt"
for b in "$REPO"/bench/*_bench.cc; do
  n=$(basename "$b" _bench.cc)
  "$BUILD/bench/bench_$n" --benchmark_min_time=0.2 > "$OUT/micro_$n.txt"
done
export IRSA_BIN="$BUILD/irsa"
if [ "${QUICK:-0}" = 1 ]; then
  "$HERE/getcalleridentity.sh" --no-build > "$OUT/getcalleridentity.json"
  "$HERE/assume_role_web_identity.sh" --no-build --tokens 120 --probe-duration 2 > "$OUT/assume_role_web_identity.json"
  "$HERE/assume_role_web_identity.sh" --no-build --tokens 120 --probe-duration 2 --per-core > "$OUT/assume_role_web_identity_per_core.json"
  python3 "$HERE/iam_scale.py" --no-build --roles 600 --peer-roles 200 > "$OUT/iam_scale.json"
else
  "$HERE/getcalleridentity.sh" --no-build > "$OUT/getcalleridentity.json"
  "$HERE/assume_role_web_identity.sh" --no-build > "$OUT/assume_role_web_identity.json"
  "$HERE/assume_role_web_identity.sh" --no-build --per-core > "$OUT/assume_role_web_identity_per_core.json"
  python3 "$HERE/iam_scale.py" --no-build > "$OUT/iam_scale.json"
fi
"$HERE/multinode.py" --no-build > "$OUT/multinode.json"   # 1 vs 3 nodes on one PostgreSQL
echo "results in $OUT" >&2
