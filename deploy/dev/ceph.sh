#!/usr/bin/env bash
# A single-node Ceph cluster on loopback for development and tests: one monitor, one memstore OSD and one
# manager (the manager makes `df` report capacity), cephx on, a `volumes` pool and a `cinder` user limited
# to it (`profile rbd`). Everything lives under one folder; only the daemons this script started are ever
# stopped (by the PIDs it recorded).
#
#   deploy/dev/ceph.sh up   [DIR] [MON_PORT]   # idempotent: a running cluster in DIR is left alone
#   deploy/dev/ceph.sh down [DIR]              # stops the daemons started in DIR
#   deploy/dev/ceph.sh env  [DIR]              # prints CEPH_CONF=... and the cinder keyring path
#   deploy/dev/ceph.sh osd-stop  [DIR]         # SIGKILLs the OSD only (a crashed OSD; clients' I/O waits)
#   deploy/dev/ceph.sh osd-start [DIR]         # starts the OSD again and waits until the pool is writable
#
# CEPH_OBJECTSTORE=bluestore (default memstore) keeps the OSD's data in a sparse file under DIR, so it
# survives an OSD restart; a memstore OSD starts empty and cannot be restarted.
#
# DIR defaults to /tmp/ember-ceph; MON_PORT is the monitor's msgr v1 port (default 6789, with v2 on 3300;
# another port P puts v2 on P+1), so several clusters can run side by side. Installs the packages (apt) when
# they are missing. Clients need only `CEPH_CONF=DIR/ceph.conf`.
set -euo pipefail

cmd="${1:-up}"
base="$(realpath -m "${2:-/tmp/ember-ceph}")"
mon_v1="${3:-6789}"
mon_v2=$((mon_v1 == 6789 ? 3300 : mon_v1 + 1))
conf="$base/ceph.conf"
export CEPH_CONF="$conf"
objectstore="${CEPH_OBJECTSTORE:-memstore}"

SUDO=""
if [[ $EUID -ne 0 ]]; then SUDO="sudo"; fi

alive() {  # a recorded PID that runs and is not a zombie
  local pidfile="$base/pids/$1.pid"
  [[ -f "$pidfile" ]] || return 1
  local pid; pid="$(cat "$pidfile")"
  [[ -r "/proc/$pid/status" ]] && ! grep -q '^State:.*Z' "/proc/$pid/status"
}

install_packages() {
  local missing=()
  for pkg in ceph-mon ceph-osd ceph-mgr ceph-common; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if (( ${#missing[@]} )); then
    echo "installing: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
  fi
}

start_daemon() {  # name, command...: in the background, in its own session, PID recorded
  local name="$1"; shift
  setsid nohup "$@" > "$base/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$base/pids/$name.pid"
}

wait_writable() {
  for _ in $(seq 1 120); do
    if echo probe | timeout 3 rados -p volumes put ember-up-probe - 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "ceph: the volumes pool did not become writable" >&2
  return 1
}

up() {
  install_packages
  if alive mon && alive osd && alive mgr; then
    echo "ceph: already running in $base"
    return 0
  fi
  if [[ -e "$base" ]]; then
    # A cluster made earlier with daemons gone (memstore keeps nothing): stop what is left, start afresh.
    down >/dev/null 2>&1 || true
    rm -rf "$base"
  fi
  mkdir -p "$base"/{run,log,pids,mon-a,osd-0,mgr-x}
  local fsid; fsid="$(cat /proc/sys/kernel/random/uuid)"
  cat > "$conf" <<CONF
[global]
fsid = $fsid
mon initial members = a
mon host = [v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
run dir = $base/run
log file = $base/log/\$cluster-\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
mon data avail warn = 2
mon data avail crit = 1
[mon]
admin socket = $base/run/\$cluster-\$name.asok
mon data = $base/mon-\$id
[osd]
admin socket = $base/run/\$cluster-\$name.asok
osd data = $base/osd-\$id
osd objectstore = $objectstore
memstore device bytes = 8589934592
bluestore block create = true
bluestore block size = 10737418240
osd memory target = 1073741824
osd max object name len = 256
osd max object namespace len = 64
[mgr]
admin socket = $base/run/\$cluster-\$name.asok
mgr data = $base/mgr-\$id
[client]
keyring = $base/ceph.client.admin.keyring
client mount timeout = 30
rados mon op timeout = 30
rados osd op timeout = 30
CONF
  ceph-authtool --create-keyring "$base/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$base/ceph.client.admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$base/mon.keyring" --import-keyring "$base/ceph.client.admin.keyring" >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]" "$base/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$base/monmap" --keyring "$base/mon.keyring"
  start_daemon mon ceph-mon -f -i a
  for _ in $(seq 1 60); do timeout 5 ceph -s >/dev/null 2>&1 && break; sleep 0.5; done
  ceph auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' > "$base/mgr-x/keyring"
  start_daemon mgr ceph-mgr -f -i x
  local osd_uuid key
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  key="$(ceph-authtool --gen-print-key)"
  echo "{\"cephx_secret\": \"$key\"}" > "$base/osd-secret.json"
  ceph osd new "$osd_uuid" -i "$base/osd-secret.json" >/dev/null
  ceph-authtool --create-keyring "$base/osd-0/keyring" --name osd.0 --add-key "$key" >/dev/null
  ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" >/dev/null 2>&1
  start_daemon osd ceph-osd -f -i 0
  ceph osd pool create volumes 16 16 replicated >/dev/null
  rbd pool init volumes
  ceph auth get-or-create client.cinder mon 'profile rbd' osd 'profile rbd pool=volumes' \
    mgr 'profile rbd pool=volumes' > "$base/ceph.client.cinder.keyring"
  wait_writable
  rados -p volumes rm ember-up-probe >/dev/null 2>&1 || true
  echo "ceph: up in $base (CEPH_CONF=$conf, user cinder, keyring $base/ceph.client.cinder.keyring)"
}

down() {
  for name in osd mgr mon; do
    if alive "$name"; then
      kill "$(cat "$base/pids/$name.pid")" 2>/dev/null || true
    fi
  done
  for name in osd mgr mon; do
    for _ in $(seq 1 50); do alive "$name" || break; sleep 0.1; done
    if alive "$name"; then kill -9 "$(cat "$base/pids/$name.pid")" 2>/dev/null || true; fi
    rm -f "$base/pids/$name.pid"
  done
  echo "ceph: stopped in $base"
}

osd_stop() {
  if alive osd; then
    kill -9 "$(cat "$base/pids/osd.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do alive osd || break; sleep 0.1; done
  fi
  rm -f "$base/pids/osd.pid"
}

osd_start() {
  if ! grep -q '^osd objectstore = bluestore' "$conf"; then
    echo "ceph: the OSD in $base keeps its data in memory; it cannot be restarted (use CEPH_OBJECTSTORE=bluestore)" >&2
    return 1
  fi
  if ! alive osd; then start_daemon osd ceph-osd -f -i 0; fi
  wait_writable
  rados -p volumes rm ember-up-probe >/dev/null 2>&1 || true
}

case "$cmd" in
  up) up ;;
  down) down ;;
  osd-stop) osd_stop ;;
  osd-start) osd_start ;;
  env) echo "CEPH_CONF=$conf"; echo "CINDER_KEYRING=$base/ceph.client.cinder.keyring" ;;
  *) echo "usage: $0 up|down|env|osd-stop|osd-start [DIR] [MON_PORT]" >&2; exit 2 ;;
esac
