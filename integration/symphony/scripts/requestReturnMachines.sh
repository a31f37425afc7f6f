#!/usr/bin/env bash
# Host Factory provider script: requestReturnMachines (see invoke.sh).
. "$(cd "$(dirname "$0")" && pwd)/invoke.sh"
ohf_invoke requestReturnMachines "$@"
