#!/usr/bin/env bash
# The long hostile-input run (issue 8): seeded malformed and hostile requests over every served route
# against a deployment of its own, then 5xx, fault shapes, leaks and a normal create afterwards.
# Prints the report (also in deploy/target/hostile-report.txt).
#   deploy/dev/hostile.sh [requests=10000] [seed=now]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
requests="${1:-10000}"
seed="${2:-$(date +%s)}"
mvn -B ${MVN_FLAGS:-} verify -pl deploy -am -Dit.test=HostileInputIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dhostile.requests="$requests" -Dhostile.seed="$seed" || status=$?
cat deploy/target/hostile-report.txt 2>/dev/null || true
exit "${status:-0}"
