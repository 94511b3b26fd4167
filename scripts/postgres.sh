#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and for trying the PostgreSQL backend.
#
#   scripts/postgres.sh start   create the cluster (first time), start it, create the database and
#                               print the CUSTOMER_ESCALATION_DATABASE_URL to use (on stdout, alone)
#   scripts/postgres.sh url     print that URL (the cluster must have been created)
#   scripts/postgres.sh status  say whether the cluster is running
#   scripts/postgres.sh stop    stop the cluster (its folder is kept; delete it to start afresh)
#
# Settings (environment):
#   POSTGRES_CLUSTER_DIR  where the cluster lives (default: build/postgres in the repository)
#   POSTGRES_PORT         the loopback port it listens on (default: 55432, or a free one when that is
#                         taken; the port chosen is kept in the cluster folder for `url` and `status`)
#   POSTGRES_DATABASE     the database to create (default: customer_escalation)
#   POSTGRES_BIN          the folder holding initdb and pg_ctl (default: found on PATH, then under
#                         /usr/lib/postgresql/<version>/bin)
#
# The cluster listens on 127.0.0.1 only, with a password generated at creation (kept in the cluster
# folder, readable by its owner only). Durability settings are off: it is for tests, not for data.
# initdb refuses to run as root, so under root the cluster is created and run as the `postgres` user
# when there is one, otherwise as `nobody`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cluster=${POSTGRES_CLUSTER_DIR:-$root/build/postgres}
port_file=$cluster/port
# POSTGRES_PORT when set; otherwise the port this cluster last started on; otherwise 55432.
if [ -n "${POSTGRES_PORT:-}" ]; then
    port=$POSTGRES_PORT
elif [ -f "$port_file" ]; then
    port=$(cat "$port_file")
else
    port=55432
fi
database=${POSTGRES_DATABASE:-customer_escalation}
case "$database" in
*[!A-Za-z0-9_]* | "") printf 'postgres.sh: error: POSTGRES_DATABASE may hold only letters, digits and _\n' >&2; exit 1 ;;
esac
superuser=escalation
data=$cluster/data
password_file=$cluster/password

say() { printf 'postgres.sh: %s\n' "$*" >&2; }
fail() { say "error: $*"; exit 1; }

find_bin() {
    if [ -n "${POSTGRES_BIN:-}" ]; then
        echo "$POSTGRES_BIN"
    elif command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        # Follow the link a distribution puts on PATH to the folder holding psql too.
        dirname "$(readlink -f "$(command -v pg_ctl)")"
    else
        local found
        found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
        [ -n "$found" ] || fail "PostgreSQL is not installed (no initdb or pg_ctl on PATH or under /usr/lib/postgresql)"
        echo "$found"
    fi
}

bin=$(find_bin)

# The user the cluster runs as: ourselves, or an unprivileged user when we are root.
run_user() {
    if [ "$(id -u)" -ne 0 ]; then
        id -un
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        echo nobody
    fi
}

user=$(run_user)

as_user() {
    if [ "$(id -u)" -ne 0 ]; then
        "$@"
    else
        runuser -u "$user" -- "$@"
    fi
}

url() {
    [ -f "$password_file" ] || fail "no cluster in $cluster; run: scripts/postgres.sh start"
    printf 'postgresql://%s:%s@127.0.0.1:%s/%s\n' "$superuser" "$(cat "$password_file")" "$port" "$database"
}

create_cluster() {
    say "creating a cluster in $cluster (running as $user)"
    mkdir -p "$cluster"
    chmod 700 "$cluster"
    # Hex digits only, so the password needs no escaping in the URL.
    (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$password_file.new")
    [ "$(id -u)" -ne 0 ] || chown -R "$user" "$cluster"
    as_user "$bin/initdb" --pgdata="$data" --username="$superuser" --pwfile="$password_file.new" \
        --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
        >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; fail "initdb failed"; }
    cat >>"$data/postgresql.conf" <<EOF

# throwaway test cluster (scripts/postgres.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$cluster'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
    mv "$password_file.new" "$password_file"
}

running() {
    as_user "$bin/pg_ctl" status --pgdata="$data" >/dev/null 2>&1
}

port_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    [ -f "$data/PG_VERSION" ] || create_cluster
    if running; then
        say "already running"
    else
        if [ -z "${POSTGRES_PORT:-}" ] && port_taken "$port"; then
            # Another server (another checkout's cluster, a system one) holds the port: take a free one.
            local taken=$port
            port=$(free_port)
            say "port $taken is taken; using $port"
        fi
        as_user "$bin/pg_ctl" start --pgdata="$data" --wait --timeout=60 --log="$cluster/server.log" \
            -o "-p $port" >/dev/null || { tail -n 20 "$cluster/server.log" >&2; fail "the server did not start"; }
        echo "$port" >"$port_file"
    fi
    create_database
    url
}

create_database() {
    local psql=("$bin/psql" --no-psqlrc --quiet --tuples-only --host=127.0.0.1 --port="$port"
        --username="$superuser" --dbname=postgres)
    local exists
    exists=$(PGPASSWORD=$(cat "$password_file") "${psql[@]}" \
        --command="SELECT 1 FROM pg_database WHERE datname = '$database'")
    if [ -z "${exists//[[:space:]]/}" ]; then
        PGPASSWORD=$(cat "$password_file") "${psql[@]}" --command="CREATE DATABASE \"$database\"" \
            || fail "cannot create the database $database"
    fi
}

stop() {
    if [ -f "$data/PG_VERSION" ] && running; then
        as_user "$bin/pg_ctl" stop --pgdata="$data" --mode=fast --wait >/dev/null
        say "stopped"
    else
        say "not running"
    fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
url) url ;;
status) if running; then say "running on 127.0.0.1:$port"; else say "not running"; exit 3; fi ;;
*)
    echo "usage: scripts/postgres.sh start|stop|url|status" >&2
    exit 2
    ;;
esac
