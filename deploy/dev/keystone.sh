#!/usr/bin/env bash
# A real Keystone (Debian's `keystone` package) on loopback for development and the tests.
#
#   keystone.sh [start]        set up (below) and start Keystone in the background on 127.0.0.1:$KEYSTONE_PORT
#                              (no-op when it already answers); its PID is in $KEYSTONE_STATE/keystone.pid
#   keystone.sh setup          only set up: config, database, fernet keys, bootstrap, test entities, catalog
#   keystone.sh serve          run Keystone in the foreground (what tests start and stop by PID)
#   keystone.sh catalog URL    point the block-storage endpoints at the Ember API at URL (http://host:port)
#   keystone.sh stop           stop the Keystone that `start` started (by its pid file)
#
# Setup is idempotent: the database `ember_keystone` (MariaDB, root over the socket) is created, synced and
# bootstrapped once; later runs find the marker file and only re-assert the entities (fast).
# Entities (all passwords in this file are for tests only):
#   admin / admin          admin of project `admin` (keystone-manage bootstrap; roles admin, member, reader)
#   cinder / cinder        the service user, admin + service roles in project `service`
#   member-a / ember       member of project `ember-a`;  reader-a / ember  reader of project `ember-a`
#   member-b / ember       member of project `ember-b`; reader-b / ember  reader of `ember-b`
#   observer-b / ember     only the non-standard role `observer` in `ember-b` (no Cinder rule lets it in)
#   nova / nova            the `service` role in project `service`: its token is Nova's X-Service-Token
# Catalog (region RegionOne): identity at http://127.0.0.1:$KEYSTONE_PORT/v3, `block-storage` at
# $EMBER_URL/v3 and the legacy `volumev3` at $EMBER_URL/v3/%(project_id)s.
set -euo pipefail

KEYSTONE_PORT=${KEYSTONE_PORT:-5000}
KEYSTONE_STATE=${KEYSTONE_STATE:-/var/tmp/ember-keystone}
KEYSTONE_DB=${KEYSTONE_DB:-ember_keystone}
EMBER_URL=${EMBER_URL:-http://127.0.0.1:8776}
PY=/usr/bin/python3
CONF="$KEYSTONE_STATE/keystone.conf"
SUDO=""
if [[ $EUID -ne 0 ]]; then SUDO="sudo"; fi
listening() { (echo > "/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }

install() {
  local missing=()
  for pkg in keystone python3-pymysql python3-openstackclient; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if (( ${#missing[@]} )); then
    echo "installing: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
  fi
}

write_config() {
  mkdir -p "$KEYSTONE_STATE/fernet-keys" "$KEYSTONE_STATE/credential-keys"
  cat > "$CONF" <<EOF
[DEFAULT]
log_file = $KEYSTONE_STATE/keystone.log
[database]
connection = mysql+pymysql://keystone:keystone@127.0.0.1:3306/$KEYSTONE_DB
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $KEYSTONE_STATE/fernet-keys
[credential]
key_repository = $KEYSTONE_STATE/credential-keys
[cache]
enabled = false
EOF
}

manage() { keystone-manage --config-file "$CONF" "$@"; }

# openstack CLI as the bootstrap admin against the running Keystone.
os() {
  OS_AUTH_URL="http://127.0.0.1:$KEYSTONE_PORT/v3" OS_USERNAME=admin OS_PASSWORD=admin OS_PROJECT_NAME=admin \
  OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 openstack "$@"
}

setup_db() {
  $SUDO mariadb -uroot <<SQL
CREATE DATABASE IF NOT EXISTS $KEYSTONE_DB CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'keystone'@'127.0.0.1' IDENTIFIED BY 'keystone';
CREATE USER IF NOT EXISTS 'keystone'@'localhost' IDENTIFIED BY 'keystone';
GRANT ALL ON $KEYSTONE_DB.* TO 'keystone'@'127.0.0.1';
GRANT ALL ON $KEYSTONE_DB.* TO 'keystone'@'localhost';
SQL
  if [[ ! -f "$KEYSTONE_STATE/bootstrapped" ]]; then
    echo "keystone: db_sync and bootstrap (once)"
    manage db_sync
    [[ -f "$KEYSTONE_STATE/fernet-keys/0" ]] || manage fernet_setup --keystone-user root --keystone-group root
    [[ -f "$KEYSTONE_STATE/credential-keys/0" ]] || manage credential_setup --keystone-user root --keystone-group root
    manage bootstrap --bootstrap-password admin --bootstrap-region-id RegionOne \
      --bootstrap-public-url "http://127.0.0.1:$KEYSTONE_PORT/v3"
    touch "$KEYSTONE_STATE/bootstrapped"
  fi
}

serve() {
  # A threading wsgiref server: Keystone's own keystone-wsgi-public script serves one request at a time.
  exec env OS_KEYSTONE_CONFIG_FILES="$CONF" KEYSTONE_PORT="$KEYSTONE_PORT" "$PY" - <<'PY'
import os, socketserver, sys
from wsgiref.simple_server import WSGIServer, WSGIRequestHandler, make_server
from keystone.server.wsgi import initialize_public_application
sys.argv = sys.argv[:1]  # keystone parses the command line
class Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass
app = initialize_public_application()
make_server("127.0.0.1", int(os.environ["KEYSTONE_PORT"]), app, server_class=Server, handler_class=Quiet).serve_forever()
PY
}

ensure() {  # ensure <kind> <name> <create args...>: create unless it exists
  local kind=$1 name=$2; shift 2
  os "$kind" show "$name" -f value -c id >/dev/null 2>&1 || os "$kind" create "$@" "$name" >/dev/null
}

entities() {
  ensure project service --domain Default
  ensure project ember-a --domain Default
  ensure project ember-b --domain Default
  ensure role service
  ensure user cinder --domain Default --password cinder
  ensure user member-a --domain Default --password ember
  ensure user reader-a --domain Default --password ember
  ensure user member-b --domain Default --password ember
  ensure user reader-b --domain Default --password ember
  ensure user observer-b --domain Default --password ember
  ensure user nova --domain Default --password nova
  ensure role observer
  os role add --project service --user cinder admin
  os role add --project service --user cinder service
  os role add --project ember-a --user member-a member
  os role add --project ember-a --user reader-a reader
  os role add --project ember-b --user member-b member
  os role add --project ember-b --user reader-b reader
  os role add --project ember-b --user observer-b observer
  os role add --project service --user nova service
}

# The catalog through Keystone's REST API with curl (one admin token; much faster than one CLI run per call).
catalog() {
  local url=${1%/} base="http://127.0.0.1:$KEYSTONE_PORT/v3" token
  token=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' "$base/auth/tokens" -d '{"auth": {"identity":
    {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "admin"}}},
    "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}' | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
  [[ -n $token ]] || { echo "keystone: admin authentication failed" >&2; return 1; }
  api() { curl -sf -H "X-Auth-Token: $token" -H 'Content-Type: application/json' "$@"; }
  json() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
  local type name path service iface ids id
  for type in block-storage volumev3; do
    if [[ $type == block-storage ]]; then name=cinder path="$url/v3"; else name=cinderv3 path="$url/v3/%(project_id)s"; fi
    service=$(api "$base/services?type=$type" | json "d['services'][0]['id'] if d['services'] else ''")
    if [[ -z $service ]]; then
      service=$(api "$base/services" -d "{\"service\": {\"type\": \"$type\", \"name\": \"$name\", \"description\": \"Ember block storage\"}}" \
        | json "d['service']['id']")
    fi
    for iface in public internal admin; do
      ids=$(api "$base/endpoints?service_id=$service&interface=$iface" | json "' '.join(e['id'] for e in d['endpoints'])")
      if [[ -z $ids ]]; then
        api "$base/endpoints" -d "{\"endpoint\": {\"service_id\": \"$service\", \"interface\": \"$iface\",
          \"region_id\": \"RegionOne\", \"url\": \"$path\"}}" >/dev/null
      else
        for id in $ids; do api -X PATCH "$base/endpoints/$id" -d "{\"endpoint\": {\"url\": \"$path\"}}" >/dev/null; done
      fi
    done
  done
}

# Runs fn against a temporary Keystone when none answers on the port.
with_keystone() {
  if listening "$KEYSTONE_PORT"; then "$@"; return; fi
  serve >"$KEYSTONE_STATE/setup-server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do listening "$KEYSTONE_PORT" && break; sleep 0.5; done
  "$@"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

setup_all() {
  entities
  catalog "$EMBER_URL"
}

setup() {
  install
  write_config
  setup_db
  # The marker names the entity list's version: a state made by an older list gets the new entities.
  if [[ ! -f "$KEYSTONE_STATE/entities-2" ]]; then
    with_keystone setup_all
    touch "$KEYSTONE_STATE/entities-2"
  fi
}

start() {
  setup
  if listening "$KEYSTONE_PORT"; then echo "keystone: already listening on $KEYSTONE_PORT"; return; fi
  serve >"$KEYSTONE_STATE/server.log" 2>&1 &
  echo $! > "$KEYSTONE_STATE/keystone.pid"
  for _ in $(seq 1 60); do listening "$KEYSTONE_PORT" && break; sleep 0.5; done
  listening "$KEYSTONE_PORT" || { echo "keystone did not start; see $KEYSTONE_STATE/server.log" >&2; exit 1; }
  echo "keystone: http://127.0.0.1:$KEYSTONE_PORT/v3 (pid $(cat "$KEYSTONE_STATE/keystone.pid"))"
}

case "${1:-start}" in
  start) start ;;
  setup) setup ;;
  serve) write_config; serve ;;
  catalog) write_config; with_keystone catalog "${2:?usage: keystone.sh catalog URL}" ;;
  stop) [[ -f "$KEYSTONE_STATE/keystone.pid" ]] && kill "$(cat "$KEYSTONE_STATE/keystone.pid")" && rm "$KEYSTONE_STATE/keystone.pid" ;;
  *) echo "usage: keystone.sh [start|setup|serve|catalog URL|stop]" >&2; exit 2 ;;
esac
