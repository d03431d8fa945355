#!/usr/bin/env bash
# Installs (Debian/Ubuntu, apt) and starts what Ember needs on this host, when absent:
# MariaDB and RabbitMQ, both on loopback; then creates the `cinder` database and user
# (password `cinder`, allowed on every database named cinder*, which the tests use too).
# Idempotent: services already running are left alone, nothing is stopped.
set -euo pipefail

SUDO=""
if [[ $EUID -ne 0 ]]; then SUDO="sudo"; fi

listening() { (echo > "/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if (( ${#missing[@]} )); then
    echo "installing: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
  fi
}

if ! listening 3306; then
  apt_install mariadb-server mariadb-client
  $SUDO mkdir -p /run/mysqld && $SUDO chown mysql:mysql /run/mysqld
  echo "starting MariaDB"
  $SUDO start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1
  for _ in $(seq 1 60); do listening 3306 && break; sleep 1; done
fi
if ! listening 5672; then
  apt_install rabbitmq-server
  echo "starting RabbitMQ"
  $SUDO rabbitmq-server -detached
  for _ in $(seq 1 90); do listening 5672 && break; sleep 1; done
  $SUDO rabbitmqctl -q await_startup || true
fi

# The service's own database user: MariaDB may refuse TCP logins as root (socket auth), so use the socket.
$SUDO mariadb -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS cinder CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS 'cinder'@'127.0.0.1' IDENTIFIED BY 'cinder';
CREATE USER IF NOT EXISTS 'cinder'@'localhost' IDENTIFIED BY 'cinder';
GRANT ALL PRIVILEGES ON `cinder%`.* TO 'cinder'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `cinder%`.* TO 'cinder'@'localhost';
FLUSH PRIVILEGES;
SQL
echo "MariaDB:  mysql+pymysql://cinder:cinder@127.0.0.1:3306/cinder"
echo "RabbitMQ: rabbit://guest:guest@127.0.0.1:5672/"
