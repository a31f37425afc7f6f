#!/usr/bin/env bash
# Shared by the five Host Factory scripts: POST the input file to the service, print its answer.
# Host Factory runs `<script> -f <input-file>` from any directory with its own environment.
# Only the JSON answer reaches stdout; on failure: exit 1 and {"message": "..."} on stdout.

ohf_fail() {
  local msg=${1//\\/\\\\}
  msg=${msg//\"/\\\"}
  msg=${msg//$'\n'/ }
  printf '{"message": "%s"}\n' "$msg"
  exit 1
}

# ohf_fail_escaped TEXT: like ohf_fail, for TEXT that is already the content of a JSON string
# (taken from the service's answer, escapes kept): escaping it again would show the backslashes.
ohf_fail_escaped() {
  printf '{"message": "%s"}\n' "$1"
  exit 1
}

# ohf_json_string FILE KEY: the string value of a top-level key in a small JSON file.
ohf_json_string() {
  sed -n 's/.*"'"$2"'"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$1" | head -n 1
}

ohf_invoke() {
  local operation=$1
  shift
  local input=""
  while [ $# -gt 0 ]; do
    case "$1" in
      -f) input=${2:-}; shift 2 || true ;;
      -f*) input=${1#-f}; shift ;;
      *) shift ;;
    esac
  done
  [ -n "$input" ] || ohf_fail "usage: $(basename "$0") -f <input-file>"
  [ -r "$input" ] || ohf_fail "cannot read input file $input"

  local confdir=${HF_PROVIDER_CONFDIR:-${PRO_CONF_DIR:-}}
  local url=${OHF_URL:-} token=${OHF_TOKEN:-} tokenfile=""
  if [ -n "$confdir" ] && [ -r "$confdir/hostfactory.json" ]; then
    [ -n "$url" ] || url=$(ohf_json_string "$confdir/hostfactory.json" url)
    tokenfile=$(ohf_json_string "$confdir/hostfactory.json" tokenFile)
  fi
  url=${url:-http://127.0.0.1:8080}
  if [ -z "$token" ] && [ -n "$tokenfile" ]; then
    case "$tokenfile" in /*) ;; *) tokenfile="$confdir/$tokenfile" ;; esac
    [ -r "$tokenfile" ] || ohf_fail "cannot read token file $tokenfile"
    token=$(tr -d '[:space:]' <"$tokenfile")
  fi

  local body status
  local -a auth=()
  [ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
  body=$(curl -sS --max-time "${OHF_TIMEOUT_SEC:-60}" -X POST "${url%/}/hostfactory/$operation" \
    -H 'Content-Type: application/json' "${auth[@]}" --data-binary "@$input" -w $'\n%{http_code}' 2>&1) ||
    ohf_fail "Open Host Factory service at $url is not reachable: $(printf '%s' "${body%$'\n'*}" | sed 's/^curl: //')"
  status=${body##*$'\n'}
  body=${body%$'\n'*}
  if [ "$status" != "200" ]; then
    local detail
    detail=$(printf '%s' "$body" | sed -n 's/.*"detail"[[:space:]]*:[[:space:]]*"\(\([^"\\]\|\\.\)*\)".*/\1/p')
    [ -n "$detail" ] && ohf_fail_escaped "$detail"
    ohf_fail "Open Host Factory answered HTTP $status"
  fi
  printf '%s\n' "$body"
}
