#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time (default 30 s) over
# its seed corpus in fuzz/corpus/<name>/. New inputs go to a scratch directory, never the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
# Only the fuzz targets: the server binary is not instrumented (clang 14 cannot build the
# Beast/OpenSSL objects of src/http with these flags, and nothing there is fuzzed).
targets=()
for src in fuzz/*_fuzz.cc; do
  name=${src##*/}
  targets+=("fuzz_${name%_fuzz.cc}")
done
scripts/build.sh fuzz -j"$(nproc)" "${targets[@]}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# One target per core at a time: each run is single-threaded and bounded by time, so the stage
# takes about ceil(targets / cores) * seconds.
run_one() {
  local bin=$1 name=${1##*/fuzz_}
  mkdir -p "$scratch/$name"
  if "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=0 "$scratch/$name" "fuzz/corpus/$name" >"$scratch/$name.log" 2>&1; then
    echo "fuzz: $name ok (${seconds}s)"
  else
    echo "fuzz: $name FAILED"; tail -50 "$scratch/$name.log"; return 1
  fi
}
status=0
ran=0
pids=()
for bin in build/fuzz/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  ran=$((ran + 1))
  if [ ${#pids[@]} -ge "$(nproc)" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
  run_one "$bin" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
if [ "$ran" -eq 0 ]; then echo "fuzz: no fuzz target was built"; exit 1; fi
exit $status
