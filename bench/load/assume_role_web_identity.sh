#!/bin/sh
# AssumeRoleWithWebIdentity load benchmark (ES256 and RS256 clusters). Builds irsa in Release
# (build/bench) unless IRSA_BIN is set. Extra flags go to assume_role_web_identity.py
# (--tokens, --duration, --algorithms ES256, --no-build, ...). Result: one JSON object on stdout.
set -eu
exec python3 "$(dirname "$0")/assume_role_web_identity.py" "$@"
