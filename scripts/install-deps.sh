#!/usr/bin/env bash
# Installs the Debian bookworm packages irsa needs to build, test and benchmark, if any is
# missing. Runs as root, or through sudo otherwise. Safe to run repeatedly.
set -euo pipefail

# `install-deps.sh --build-only`: only what building the irsa binary needs (the Containerfile's
# build stage).
build_packages=(
  cmake ninja-build g++ pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libcli11-dev libjemalloc-dev libxml2-dev
  # SAML signatures (src/saml/): XML-DSig with libxmlsec1's OpenSSL engine
  libxmlsec1-dev
)
packages=(
  "${build_packages[@]}"
  # build: the second compiler, formatting, tests and benchmarks
  clang clang-format libgtest-dev libgmock-dev libbenchmark-dev
  # tests: real clients and servers
  python3 awscli postgresql openssl curl wrk sqlite3
  # tests/e2e/test_iam_keys_certs.py compares SSH key fingerprints with ssh-keygen's
  openssh-client
  # tests/e2e/test_iam_login_mfa.py reads CreateVirtualMFADevice's QR code back with zbarimg
  zbar-tools
  # `irsa --version` reads the commit at configure time; the completion test runs zsh
  git zsh
  # tests/e2e/test_readme_blocks.py runs the documents in a private network namespace
  iproute2 util-linux
  # the SDK matrix (tests/e2e/test_sdk_matrix.py): the Go SDK v1 built offline (GO111MODULE=off),
  # the JavaScript SDKs from npm into the build tree (scripts/install-js-deps.sh)
  golang-go golang-github-aws-aws-sdk-go-dev
  # the chart test (tests/e2e/test_packaging.py): its renderer (Go text/template, as Helm) reads
  # YAML values; readelf and ldd check the Containerfile against the binary
  golang-gopkg-yaml.v3-dev binutils
)

if [ "${1:-}" = "--build-only" ]; then
  packages=("${build_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm: any installation that provides both commands will do. A machine with
# NodeSource's nodejs (which bundles npm) cannot take Debian's npm package: apt refuses the
# combination ("held broken packages"), so Debian's pair is installed only when a command is absent.
if [ "${1:-}" != "--build-only" ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
