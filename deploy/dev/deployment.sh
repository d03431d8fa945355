#!/usr/bin/env bash
# Starts or stops a three-process deployment on this host (api, scheduler, volume) from the packaged
# jar, with deploy/config/cinder.properties plus any --option=value given after the action.
#   deploy/dev/deployment.sh start [--cinder.enabled_backends=noop-1 ...]
#   deploy/dev/deployment.sh stop
# Logs and PID files go to $EMBER_RUN (default /var/tmp/ember-run). Only the PIDs it wrote are stopped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run="${EMBER_RUN:-/var/tmp/ember-run}"
config="$here/../config/cinder.properties"
action="${1:-}"; shift || true
mkdir -p "$run"
case "$action" in
  start)
    for role in cinder-api cinder-scheduler cinder-volume; do
      if [[ -f "$run/$role.pid" ]] && kill -0 "$(cat "$run/$role.pid")" 2>/dev/null; then
        echo "$role already running (pid $(cat "$run/$role.pid"))"; continue
      fi
      nohup "$here/../bin/$role" --spring.config.additional-location="file:$config" "$@" > "$run/$role.log" 2>&1 &
      echo $! > "$run/$role.pid"
      echo "$role started (pid $!, log $run/$role.log)"
    done
    for _ in $(seq 1 120); do
      curl -fsS -o /dev/null http://127.0.0.1:8776/healthcheck 2>/dev/null && { echo "api is up on :8776"; exit 0; }
      sleep 1
    done
    echo "api did not come up; see $run/cinder-api.log" >&2; exit 1 ;;
  stop)
    for role in cinder-api cinder-scheduler cinder-volume; do
      if [[ -f "$run/$role.pid" ]]; then
        kill "$(cat "$run/$role.pid")" 2>/dev/null || true
        rm -f "$run/$role.pid"
        echo "$role stopped"
      fi
    done ;;
  *) echo "usage: $0 start|stop [--option=value ...]" >&2; exit 2 ;;
esac
