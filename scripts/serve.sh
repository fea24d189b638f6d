#!/usr/bin/env bash
# Quickstart: installs what is missing, builds irsa (release) and starts `irsa serve` with its
# embedded defaults (SQLite under ./.data). Extra arguments are passed to `irsa serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release irsa
exec build/release/irsa serve --data-dir "${IRSA_DATA_DIR:-.data}" "$@"
