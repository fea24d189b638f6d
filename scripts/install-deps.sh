#!/usr/bin/env bash
# Installs the Debian bookworm packages irsa needs to build, test and benchmark, if any is
# missing. Runs as root, or through sudo otherwise. Safe to run repeatedly.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ clang clang-format pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libcli11-dev libjemalloc-dev libxml2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # tests: real clients and servers
  python3 awscli postgresql openssl curl wrk sqlite3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
