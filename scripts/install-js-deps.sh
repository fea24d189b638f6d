#!/usr/bin/env bash
# Installs the npm packages the end-to-end tests use into build/js/node_modules (never committed):
#   * the JavaScript SDKs of the SDK matrix (tests/e2e/test_sdk_matrix.py): aws-sdk (v2),
#     @aws-sdk/client-sts and @aws-sdk/credential-providers (v3);
#   * the JavaScript SDK v3 S3 client of the S3 tests (tests/e2e/test_s3.py): @aws-sdk/client-s3;
#   * the Kubernetes object validators of the chart test (tests/e2e/test_packaging.py):
#     kubernetes-models (generated from the Kubernetes OpenAPI schema) and
#     @kubernetes-models/prometheus-operator (ServiceMonitor), with the yaml parser.
# Usage: scripts/install-js-deps.sh [DIR] (default build/js). Safe to run repeatedly; exits 0
# without doing anything when every package is present. Needs node and npm (install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/js}
# Tests running in parallel share the directory: one installs, the others wait and then find
# every package present (npm rearranges node_modules while it installs).
mkdir -p "$dir"
exec 9>"$dir/.install.lock"
flock 9
packages=(aws-sdk @aws-sdk/client-sts @aws-sdk/credential-providers @aws-sdk/client-s3
          kubernetes-models @kubernetes-models/prometheus-operator yaml)
missing=()
for p in "${packages[@]}"; do
  [ -f "$dir/node_modules/$p/package.json" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name": "irsa-test-js", "private": true}' >"$dir/package.json"
echo "install-js-deps: installing ${missing[*]} into $dir" >&2
# No versions: the AWS packages are not all published at one version; npm picks compatible ones.
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "${missing[@]}" >&2
