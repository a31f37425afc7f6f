#!/usr/bin/env bash
# Host Factory provider script: getReturnRequests (see invoke.sh).
. "$(cd "$(dirname "$0")" && pwd)/invoke.sh"
ohf_invoke getReturnRequests "$@"
