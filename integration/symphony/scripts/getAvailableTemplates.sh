#!/usr/bin/env bash
# Host Factory provider script: getAvailableTemplates (see invoke.sh).
. "$(cd "$(dirname "$0")" && pwd)/invoke.sh"
ohf_invoke getAvailableTemplates "$@"
