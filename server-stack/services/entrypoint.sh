#!/bin/sh
# encore-service SERVICE: start one of the stack's services from its Debian package, configured from the
# environment and the read-only configs mounted under /etc/encore/ (compose.yaml; Kubernetes ConfigMaps).
# encore-service probe SERVICE: the container's health check. Secrets come as environment variables and are
# written only into 0600 files under /tmp, never onto a command line.
set -eu

die() { echo "encore-service: $*" >&2; exit 2; }
# need NAME: the secret NAME from the environment, or from the file NAME_FILE names (Kubernetes' Secret volumes).
need() {
  eval "value=\${$1:-}; file=\${$1_FILE:-}"
  if [ -z "$value" ] && [ -n "$file" ]; then
    [ -r "$file" ] || die "$1_FILE names $file, which cannot be read"
    value=$(cat "$file") && eval "export $1=\$value"
  fi
  [ -n "$value" ] || die "$1 is not set (put it in the stack's .env; see .env.example)"
}
private() { (umask 077 && cat > "$1"); }
# The read-only configs, and the tmpfs for what is made from them (tests/stack runs this script outside a
# container, pointing both elsewhere).
CONFIG_DIR="${ENCORE_SERVICE_CONFIG_DIR:-/etc/encore}"
RUN_DIR="${ENCORE_SERVICE_RUN_DIR:-/tmp}"

postgres_start() {
  need POSTGRES_OWNER_PASSWORD
  bin=/usr/lib/postgresql/15/bin
  export PGDATA="${PGDATA:-/var/lib/postgresql/data/pgdata}"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    # First start on an empty volume: a cluster whose superuser can log in only through the container's own
    # socket (peer), and the owner role that migrates the schema and creates the server's roles.
    "$bin/initdb" --username=postgres --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 \
      --locale=C.UTF-8 --data-checksums >/dev/null
    printf '%s\n' "local all postgres peer" "host all all 0.0.0.0/0 scram-sha-256" \
      "host all all ::/0 scram-sha-256" > "$PGDATA/pg_hba.conf"
    "$bin/pg_ctl" -w -o "-c listen_addresses='' -c unix_socket_directories=/tmp" start >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -h /tmp -U postgres -d postgres \
      -v owner="${POSTGRES_OWNER:-encore_owner}" -v pw="$POSTGRES_OWNER_PASSWORD" \
      -v db="${POSTGRES_DB:-encore}" <<'SQL'
CREATE ROLE :"owner" LOGIN CREATEROLE PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"owner";
SQL
    "$bin/pg_ctl" -w stop >/dev/null
    echo "encore-service: created the database ${POSTGRES_DB:-encore} owned by ${POSTGRES_OWNER:-encore_owner}"
  fi
  extra=""
  [ -f /etc/encore/postgresql/postgresql.conf ] && extra="-c config_file=/etc/encore/postgresql/postgresql.conf"
  # Autovacuum looks at each table every 10 s, not every minute: a statement's plan made while a table was small
  # (a young venue's holds and orders when its first big sale starts) is kept until the table is analysed, and
  # until then a look-up by id may read the whole table as the sale grows it (issue 11's notes).
  # shellcheck disable=SC2086
  exec "$bin/postgres" -c "listen_addresses=${POSTGRES_LISTEN:-*}" -c "port=${POSTGRES_PORT:-5432}" \
    -c unix_socket_directories=/tmp -c password_encryption=scram-sha-256 \
    -c "autovacuum_naptime=${POSTGRES_AUTOVACUUM_NAPTIME:-10s}" $extra "$@"
}

render() { envsubst < "$CONFIG_DIR/$1"; }

pgbouncer_start() {
  need PGBOUNCER_PASSWORD
  export PGBOUNCER_DB_HOST="${PGBOUNCER_DB_HOST:-postgres}" PGBOUNCER_DB_PORT="${PGBOUNCER_DB_PORT:-5432}" \
    PGBOUNCER_DB_NAME="${PGBOUNCER_DB_NAME:-encore}" PGBOUNCER_LISTEN_ADDR="${PGBOUNCER_LISTEN_ADDR:-*}" \
    PGBOUNCER_PORT="${PGBOUNCER_PORT:-6432}" PGBOUNCER_RUN_DIR=/tmp PGBOUNCER_USERLIST=/tmp/userlist.txt
  # PgBouncer logs in to PostgreSQL with the same entry (SCRAM from the plain password). Logs go to stderr.
  printf '"%s" "%s"\n' "${PGBOUNCER_USER:-encore_server}" "$PGBOUNCER_PASSWORD" | private /tmp/userlist.txt
  render pgbouncer/pgbouncer.ini | sed '/^logfile *=/d' > /tmp/pgbouncer.ini
  exec pgbouncer /tmp/pgbouncer.ini "$@"
}

redis_start() {
  need REDIS_ADMIN_PASSWORD
  # The ACL file lives in Redis's volume (REDIS_DIR), not in /tmp: /tmp is a tmpfs, empty at every start, and
  # the server's and the devices' users that `encore-ops redis-acl` (the migrate service, at `up` only) makes
  # and saves there (ACL SAVE) would be lost whenever Redis alone restarts. At each start the template's lines
  # (default user off; the admin user, by its password's SHA-256, so a changed password applies) replace
  # theirs in the file, and every saved user is kept.
  export REDIS_TLS_PORT="${REDIS_TLS_PORT:-6380}" REDIS_BIND="${REDIS_BIND:-* -::*}" \
    REDIS_TLS_CERT="${TLS_CERT:-/run/secrets/tls_cert}" REDIS_TLS_KEY="${TLS_KEY:-/run/secrets/tls_key}" \
    REDIS_TLS_CA="${TLS_CA:-/run/secrets/tls_ca}" REDIS_DIR="${REDIS_DIR:-/var/lib/redis}" \
    REDIS_ADMIN_USER="${REDIS_ADMIN_USER:-admin}"
  export REDIS_ACL_FILE="$REDIS_DIR/users.acl"
  REDIS_ADMIN_PASSWORD_SHA256=$(printf %s "$REDIS_ADMIN_PASSWORD" | sha256sum | cut -d' ' -f1)
  export REDIS_ADMIN_PASSWORD_SHA256
  {
    render redis/users.acl
    if [ -f "$REDIS_ACL_FILE" ]; then
      grep -v -e '^user default ' -e "^user $REDIS_ADMIN_USER " "$REDIS_ACL_FILE" || true
    fi
  } | private "$REDIS_ACL_FILE.new"
  mv "$REDIS_ACL_FILE.new" "$REDIS_ACL_FILE"
  render redis/redis.conf > "$RUN_DIR/redis.conf"
  exec redis-server "$RUN_DIR/redis.conf" "$@"
}

mosquitto_start() {
  need MQTT_SERVER_PASSWORD
  export MOSQUITTO_TLS_PORT="${MOSQUITTO_TLS_PORT:-8883}" MOSQUITTO_BIND="${MOSQUITTO_BIND:-0.0.0.0}" \
    MOSQUITTO_PASSWORD_FILE=/tmp/mosquitto.passwd MOSQUITTO_ACL_FILE=/tmp/mosquitto.acl \
    MOSQUITTO_TLS_CA="${TLS_CA:-/run/secrets/tls_ca}" MOSQUITTO_TLS_CERT="${TLS_CERT:-/run/secrets/tls_cert}" \
    MOSQUITTO_TLS_KEY="${TLS_KEY:-/run/secrets/tls_key}" MQTT_SERVER_USER="${MQTT_SERVER_USER:-encore-server}"
  : > /tmp/mosquitto.passwd && chmod 0600 /tmp/mosquitto.passwd
  mosquitto_passwd -b /tmp/mosquitto.passwd "$MQTT_SERVER_USER" "$MQTT_SERVER_PASSWORD"
  render mosquitto/acl > /tmp/mosquitto.acl
  render mosquitto/mosquitto.conf > /tmp/mosquitto.conf
  exec mosquitto -c /tmp/mosquitto.conf "$@"
}

haproxy_start() {
  # haproxy.cfg reads these itself ("${NAME}"): the devices' port, the public certificate, the replicas.
  export HAPROXY_BIND="${HAPROXY_BIND:-:8443}" HAPROXY_CERT="${HAPROXY_CERT:-/run/secrets/haproxy_pem}" \
    HAPROXY_STATS_BIND="${HAPROXY_STATS_BIND:-127.0.0.1:8404}" ENCORE_BACKEND_CA="${TLS_CA:-/run/secrets/tls_ca}" \
    ENCORE_SERVER_1="${ENCORE_SERVER_1:-server-1:8443}" ENCORE_SERVER_2="${ENCORE_SERVER_2:-server-2:8443}"
  [ -r "$HAPROXY_CERT" ] || die "no certificate and key at $HAPROXY_CERT (the haproxy_pem secret)"
  exec haproxy -W -db -f /etc/encore/haproxy/haproxy.cfg "$@"
}

tcp_open() { bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

probe() {
  case "$1" in
    postgres) pg_isready -q -h 127.0.0.1 -p "${POSTGRES_PORT:-5432}" ;;
    pgbouncer) tcp_open "${PGBOUNCER_PORT:-6432}" ;;
    redis) need REDIS_ADMIN_PASSWORD && REDISCLI_AUTH="$REDIS_ADMIN_PASSWORD" redis-cli --tls \
      --cacert "${TLS_CA:-/run/secrets/tls_ca}" -h 127.0.0.1 -p "${REDIS_TLS_PORT:-6380}" \
      --user "${REDIS_ADMIN_USER:-admin}" ping | grep -q PONG ;;
    # Whole TLS handshakes: a bare TCP connect makes Mosquitto and HAProxy log an error at every probe.
    mosquitto) openssl s_client -brief -verify_return_error -CAfile "${TLS_CA:-/run/secrets/tls_ca}" \
      -connect "127.0.0.1:${MOSQUITTO_TLS_PORT:-8883}" </dev/null >/dev/null 2>&1 ;;
    haproxy) bind="${HAPROXY_BIND:-:8443}" && openssl s_client -brief -verify_return_error \
      -CAfile "${TLS_CA:-/run/secrets/tls_ca}" -connect "127.0.0.1:${bind##*:}" </dev/null >/dev/null 2>&1 ;;
    *) die "probe what? postgres, pgbouncer, redis, mosquitto or haproxy" ;;
  esac
}

service="${1:-help}"
[ $# -gt 0 ] && shift
case "$service" in
  postgres) postgres_start "$@" ;;
  pgbouncer) pgbouncer_start "$@" ;;
  redis) redis_start "$@" ;;
  mosquitto) mosquitto_start "$@" ;;
  haproxy) haproxy_start "$@" ;;
  probe) probe "${1:-}" ;;
  *) echo "usage: encore-service postgres|pgbouncer|redis|mosquitto|haproxy [ARGS], or probe SERVICE" >&2; exit 2 ;;
esac
