#!/usr/bin/env bash
# Installs (apt) the real peers the end-to-end tests drive: the openstack and cinder command-line
# clients, the userspace iSCSI target (tgt) and initiator tools, QEMU's block tools (qemu-img/qemu-io read
# and write volumes through rbd: and iscsi:// exactly as a hypervisor does), a single-node Ceph, and the
# checkers of the deployment files (oslo-config-validator with Cinder's options, systemd-analyze).
# Idempotent: installs only what is missing. No daemon is started here.
set -euo pipefail
SUDO=""
if [[ $EUID -ne 0 ]]; then SUDO="sudo"; fi
missing=()
packages=(
  python3-openstackclient python3-cinderclient                     # the operator CLIs
  tgt tgt-rbd libiscsi-bin qemu-utils qemu-block-extra              # iSCSI target, initiator, QEMU block tools
  ceph-mon ceph-osd ceph-mgr ceph-common                            # single-node Ceph
  python3-oslo.config python3-cinder                                # oslo-config-validator and Cinder's option namespaces
  systemd                                                           # systemd-analyze verify for the unit files
  python3-oslo.messaging                                            # a real oslo notification listener
  keystone python3-pymysql                                          # a real Keystone (deploy/dev/keystone.sh)
)
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
fi
