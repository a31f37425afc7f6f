#!/usr/bin/env bash
# Host Factory provider script: getRequestStatus (see invoke.sh).
. "$(cd "$(dirname "$0")" && pwd)/invoke.sh"
ohf_invoke getRequestStatus "$@"
