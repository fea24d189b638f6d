#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#   0. the include-direction check of the module table (scripts/check-includes.py);
#   1. release build: unit tests, end-to-end tests with real clients (AWS CLI v1/v2, boto3,
#      kubectl), PostgreSQL tests against a throwaway server;
#   2. ASan+UBSan build: the unit tests again;
#   3. the fuzz targets for a bounded time (clang/libFuzzer).
# Exits non-zero on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== module include order"
scripts/check-includes.py

jobs=$(nproc)
echo "== release build"
scripts/build.sh release -j"$jobs"
echo "== tests (release)"
ctest --test-dir build/release --output-on-failure -j"$jobs" --timeout 600

echo "== sanitizer build (ASan+UBSan)"
scripts/build.sh asan -j"$jobs"
echo "== unit tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs" -L unit --timeout 600

if [ "${IRSA_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz targets (bounded)"
  scripts/fuzz.sh "${IRSA_FUZZ_SECONDS:-30}"
fi
echo "== all tests passed"
