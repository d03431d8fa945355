#!/usr/bin/env bash
# Measures what the control plane adds on top of Ceph: N RBD volumes (1 GiB) created until available and
# deleted until gone through the three-process deployment at concurrency C (cinder-bench), against the same
# creates and deletes done directly with the rbd tool at the same concurrency. Figures: docs/performance.md.
#
#   mvn -B -DskipTests package && deploy/dev/setup-services.sh
#   deploy/dev/rbd-bench.sh [N=100] [C=8] [RUNS=3]
#
# Brings up its own single-node Ceph (deploy/dev/ceph.sh) and deployment (deploy/dev/deployment.sh), and stops
# both at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
n="${1:-100}"; c="${2:-8}"; runs="${3:-3}"
ceph_dir=/tmp/ember-bench-ceph
export EMBER_RUN=/tmp/ember-bench-run
"$here/ceph.sh" up "$ceph_dir" 6795 >/dev/null
export CEPH_CONF="$ceph_dir/ceph.conf"
trap '"$here/deployment.sh" stop >/dev/null || true; "$here/ceph.sh" down "$ceph_dir" >/dev/null || true' EXIT
"$here/deployment.sh" start --cinder.enabled_backends=ceph \
  --cinder.backends.ceph.volume_driver=rbd --cinder.backends.ceph.volume_backend_name=ceph \
  --cinder.backends.ceph.rbd_pool=volumes --cinder.backends.ceph.rbd_user=cinder \
  --cinder.backends.ceph.rbd_ceph_conf="$ceph_dir/ceph.conf" \
  --cinder.backends.ceph.rbd_keyring_conf="$ceph_dir/ceph.client.cinder.keyring" >/dev/null
OS="openstack --os-auth-type admin_token --os-token admin:admin --os-endpoint http://127.0.0.1:8776/v3/admin"
for _ in $(seq 1 60); do
  curl -fsS -H 'X-Auth-Token: admin:admin' http://127.0.0.1:8776/v3/admin/scheduler-stats/get_pools | grep -q '@ceph#' && break
  sleep 1
done
$OS volume type show rbdbench >/dev/null 2>&1 || $OS volume type create --property volume_backend_name=ceph rbdbench >/dev/null
rbd_as_cinder=(rbd --id cinder --keyring "$ceph_dir/ceph.client.cinder.keyring")
for run in $(seq 1 "$runs"); do
  echo "== run $run: $n volumes, concurrency $c"
  "$here/../bin/cinder-bench" --count="$n" --concurrency="$c" --volume-type=rbdbench --phases=create,delete | \
    grep -E '^(create|delete|  create -> available|  delete -> gone)'
  t0=$(date +%s%N)
  seq 1 "$n" | xargs -P "$c" -I{} "${rbd_as_cinder[@]}" create --size 1G "volumes/direct-$run-{}"
  t1=$(date +%s%N)
  seq 1 "$n" | xargs -P "$c" -I{} "${rbd_as_cinder[@]}" rm --no-progress "volumes/direct-$run-{}"
  t2=$(date +%s%N)
  echo "rbd tool: create $(( (t1 - t0) / 1000000 )) ms, delete $(( (t2 - t1) / 1000000 )) ms"
done
