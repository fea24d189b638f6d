#!/bin/sh
# GetCallerIdentity load benchmark (irsa vs moto). Builds irsa in Release (build/bench) unless
# IRSA_BIN is set, then runs wrk -t2 -c64 -d10s. Extra flags go to getcalleridentity.py
# (--duration, --connections, --peer none, --no-build, ...). Result: one JSON object on stdout.
set -eu
exec python3 "$(dirname "$0")/getcalleridentity.py" "$@"
