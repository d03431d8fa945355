#!/usr/bin/env bash
# The test command: installs and starts what the tests need (MariaDB, RabbitMQ, the openstack and
# cinder CLIs), then runs every test: unit tests, integration tests on the real services, and the
# end-to-end tests that start the packaged launchers as separate processes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup-services.sh"
"$here/install-test-tools.sh"
cd "$here/../.."
exec mvn -B verify "$@"
