#!/usr/bin/env bash
# Show-volume requests/s with Keystone authentication (tokens cached) against noauth, on one deployment:
# a three-process deployment with noauth on :8776 (deploy/dev/deployment.sh) plus a second cinder-api with
# auth_strategy=keystone on :8777 sharing its database and broker, and Debian's Keystone (deploy/dev/keystone.sh).
# Each API is measured ROUNDS times (alternating) by cinder-bench's read phase at CONCURRENCY.
#   mvn -B -DskipTests package && deploy/dev/auth-bench.sh [ROUNDS=3] [SECONDS=20] [CONCURRENCY=16]
# Stops only what it started.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rounds=${1:-3} seconds=${2:-20} concurrency=${3:-16}
run="${EMBER_RUN:-/var/tmp/ember-run}"
config="$here/../config/cinder.properties"
mkdir -p "$run"
"$here/setup-services.sh" >/dev/null
"$here/keystone.sh" setup >/dev/null
started_keystone=""
if ! curl -fsS -o /dev/null http://127.0.0.1:5000/v3; then
  "$here/keystone.sh" start >/dev/null; started_keystone=1
fi
"$here/deployment.sh" start --cinder.enabled_backends=noop-1 >/dev/null
"$here/../bin/cinder-api" --spring.config.additional-location="file:$config" --cinder.osapi-volume-listen-port=8777 \
  --cinder.auth-strategy=keystone --cinder.keystone-authtoken.auth-url=http://127.0.0.1:5000/v3 \
  --cinder.keystone-authtoken.password=cinder >"$run/cinder-api-keystone.log" 2>&1 &
ks_api=$!
cleanup() {
  kill "$ks_api" 2>/dev/null || true
  "$here/deployment.sh" stop >/dev/null || true
  [[ -n $started_keystone ]] && "$here/keystone.sh" stop >/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -fsS -o /dev/null http://127.0.0.1:8777/healthcheck 2>/dev/null && break; sleep 1; done
auth='{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "member-b", "domain": {"name": "Default"},
  "password": "ember"}}}, "scope": {"project": {"name": "ember-b", "domain": {"name": "Default"}}}}}'
response=$(curl -fsS -D - -H 'Content-Type: application/json' http://127.0.0.1:5000/v3/auth/tokens -d "$auth" | tr -d '\r')
token=$(sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p' <<<"$response")
project=$(tail -n 1 <<<"$response" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"]["project"]["id"])')
bench() {  # bench LABEL ENDPOINT TOKEN
  local out
  out=$("$here/../bin/cinder-bench" --endpoint="$2" --token="$3" --count=50 --concurrency="$concurrency" \
    --read-seconds="$seconds" --phases=create,read,delete)
  echo "$1: $(grep '^show:' <<<"$out")  $(grep 'GET /volumes/{id}' <<<"$out" | xargs)"
}
echo "show-volume, concurrency $concurrency, $seconds s per round, $(nproc) cores, $(date -u +%FT%TZ)"
for i in $(seq 1 "$rounds"); do
  bench "noauth   round $i" "http://127.0.0.1:8776/v3/$project" "member-b:$project"
  bench "keystone round $i" "http://127.0.0.1:8777/v3/$project" "$token"
done
