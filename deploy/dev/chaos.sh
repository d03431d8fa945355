#!/usr/bin/env bash
# The long fault-injection run (issue 8): the five-process deployment on a private MariaDB and a private
# RabbitMQ (never the machine's shared ones) under client churn, with kill -9 of every role and broker and
# database restarts, then the invariants. Where tgt and Ceph are installed (deploy/dev/install-test-tools.sh)
# one volume service runs the ipSAN driver on a tgtd of the run's own and the other the RBD driver on a Ceph
# cluster of its own, and tgtd and the Ceph OSD are crashed and restarted too (CHAOS_STORAGE=file: file
# drivers only). Prints the report (also in deploy/target/chaos-report.txt).
#   deploy/dev/chaos.sh [seconds=600] [faults-per-kind=3] [seed=now] [clients=3]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
seconds="${1:-600}"
faults="${2:-3}"
seed="${3:-$(date +%s)}"
clients="${4:-3}"
mvn -B ${MVN_FLAGS:-} verify -pl deploy -am -Dit.test=ChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dchaos.seconds="$seconds" -Dchaos.faults-per-kind="$faults" \
  -Dchaos.seed="$seed" -Dchaos.clients="$clients" -Dchaos.storage="${CHAOS_STORAGE:-}" || status=$?
cat deploy/target/chaos-report.txt 2>/dev/null || true
exit "${status:-0}"
