# shellcheck shell=bash
# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Shared by setup/serve and setup/test: find Odoo 18, start PostgreSQL,
# install the Python dependencies into Odoo's environment. Sourced, not run.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_HOME=${ODOO_HOME:-/opt/odoo}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${KARAGE_DB_USER:-odoo}
PGPASSWORD=${KARAGE_DB_PASSWORD:-odoo}
export PGHOST PGPORT PGUSER PGPASSWORD

say() { printf '%s\n' "$*" >&2; }

# Sets ODOO_PY (python of Odoo's environment) and ODOO_BIN (its odoo-bin
# or "-m odoo"), and ODOO_ADDONS (Odoo's own addons folder). Returns 1 with
# one sentence when there is no Odoo 18.
find_odoo() {
    if [ -x "$ODOO_HOME/venv/bin/python" ] && [ -f "$ODOO_HOME/18.0/odoo-bin" ]; then
        ODOO_PY="$ODOO_HOME/venv/bin/python"
        ODOO_BIN="$ODOO_HOME/18.0/odoo-bin"
        ODOO_ADDONS="$ODOO_HOME/18.0/odoo/addons"
    elif python3 -c 'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)' 2>/dev/null; then
        ODOO_PY=$(command -v python3)
        ODOO_BIN="-m odoo"
        ODOO_ADDONS=$(python3 -c 'import odoo, os; print(os.path.join(os.path.dirname(odoo.__file__), "addons"))')
    else
        say "No Odoo 18 found: expected $ODOO_HOME/18.0/odoo-bin with $ODOO_HOME/venv/bin/python (set ODOO_HOME), or an importable 'odoo' 18 package."
        return 1
    fi
    if ! "$ODOO_PY" -c 'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)' 2>/dev/null; then
        say "The Odoo at $ODOO_HOME does not import as Odoo 18 with $ODOO_PY."
        return 1
    fi
    return 0
}

odoo_cmd() {
    # shellcheck disable=SC2086
    "$ODOO_PY" $ODOO_BIN "$@"
}

# Installs requirements.txt into Odoo's environment when it changed since
# the last install (a stamp in that environment remembers it).
ensure_python_deps() {
    local stamp sum
    stamp="$("$ODOO_PY" -c 'import sys; print(sys.prefix)')/.karage-requirements.sha256"
    sum=$(sha256sum "$REPO/requirements.txt" | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] &&
        "$ODOO_PY" -c 'import cerberus, pytest_odoo, odoo.addons.base_rest, odoo.addons.queue_job' 2>/dev/null; then
        return 0
    fi
    say "Installing the Python and OCA dependencies (requirements.txt) into $ODOO_PY ..."
    local constraints
    constraints=$(mktemp)
    echo 'setuptools<70' >"$constraints"
    # PIP_BUILD_CONSTRAINT for pip 25 and later, PIP_CONSTRAINT for the
    # older pips whose build environments it still reaches
    PIP_BUILD_CONSTRAINT="$constraints" PIP_CONSTRAINT="$constraints" "$ODOO_PY" -m pip install -q -r "$REPO/requirements.txt" 2>&1 |
        grep -v '^WARNING: Location' >&2
    if ! "$ODOO_PY" -c 'import cerberus, pytest_odoo, odoo.addons.base_rest, odoo.addons.queue_job' 2>/dev/null; then
        say "Could not install requirements.txt into Odoo's environment."
        return 1
    fi
    echo "$sum" >"$stamp"
}

# Starts the Debian PostgreSQL cluster (installing it when absent) and makes
# sure the Odoo database role exists.
ensure_postgres() {
    if pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
        ensure_pg_role
        return $?
    fi
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
        if [ "$(id -u)" != 0 ]; then
            say "PostgreSQL is not installed and this is not root: install Debian's postgresql package."
            return 1
        fi
        say "Installing PostgreSQL from Debian ..."
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null || {
            say "apt-get could not install postgresql."
            return 1
        }
    fi
    local cluster
    cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
    if [ -z "$cluster" ]; then
        say "No PostgreSQL cluster exists (pg_lsclusters is empty): create one with pg_createcluster."
        return 1
    fi
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start 2>/dev/null || true
    for _ in $(seq 1 30); do
        pg_isready -q -h "$PGHOST" -p "$PGPORT" && break
        sleep 1
    done
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
        say "PostgreSQL did not start on $PGHOST:$PGPORT."
        return 1
    fi
    ensure_pg_role
}

ensure_pg_role() {
    if psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
        # as the postgres superuser over the local socket: our PG* variables
        # name the role that does not exist yet, so they must not leak in
        local as_postgres=(runuser -u postgres -- env -u PGHOST -u PGUSER
            -u PGPASSWORD psql -p "$PGPORT" -q -d postgres -c)
        (cd / && { "${as_postgres[@]}" "CREATE ROLE $PGUSER LOGIN CREATEDB PASSWORD '$PGPASSWORD'" ||
            "${as_postgres[@]}" "ALTER ROLE $PGUSER LOGIN CREATEDB PASSWORD '$PGPASSWORD'"; }) >/dev/null 2>&1
    fi
    psql -d postgres -tAc 'select 1' >/dev/null 2>&1 || {
        say "Cannot connect to PostgreSQL as $PGUSER: create that role with CREATEDB (or set KARAGE_DB_USER / KARAGE_DB_PASSWORD)."
        return 1
    }
}

# Writes an Odoo configuration file for this repository and prints its path.
write_odoo_conf() {
    local conf=$1
    shift
    cat >"$conf" <<CONF
[options]
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
addons_path = $ODOO_ADDONS,$REPO
http_interface = 127.0.0.1
CONF
    for line in "$@"; do
        echo "$line" >>"$conf"
    done
}

# Creates database $2 with addons $3 (odoo.conf $1), or updates them when
# it exists.
ensure_database() {
    local conf=$1 db=$2 addons=$3
    if psql -d postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
        say "Updating $addons in database $db ..."
        odoo_cmd -c "$conf" -d "$db" -i "$addons" -u "$addons" --stop-after-init \
            --log-level=warn --no-http
    else
        say "Creating database $db with $addons (takes a minute or two) ..."
        odoo_cmd -c "$conf" -d "$db" -i "$addons" --without-demo=all --stop-after-init \
            --log-level=warn --no-http
    fi
}

# Addons of this repository that exist (karage_pos_queue may not yet).
repo_addons() {
    local addons=karage_pos
    if [ -f "$REPO/karage_pos_queue/__manifest__.py" ]; then
        addons="$addons,karage_pos_queue"
    fi
    echo "$addons"
}

wait_http() {
    local url=$1
    for _ in $(seq 1 90); do
        if curl -s -o /dev/null "$url"; then
            return 0
        fi
        sleep 1
    done
    return 1
}

# Prepares the demo POS and a fresh API key in database $2 (odoo.conf $1);
# $3 is a work folder (demo.out, demo.err). Sets KARAGE_API_KEY and
# KARAGE_PRODUCTS (JSON: product name -> id).
prepare_demo() {
    local conf=$1 db=$2 work=$3
    odoo_cmd shell -c "$conf" -d "$db" --log-level=warn --no-http \
        <"$REPO/setup/karage_demo.py" >"$work/demo.out" 2>"$work/demo.err"
    KARAGE_API_KEY=$(sed -n 's/^KARAGE_API_KEY=//p' "$work/demo.out")
    KARAGE_PRODUCTS=$(sed -n 's/^KARAGE_PRODUCTS=//p' "$work/demo.out")
    if [ -z "$KARAGE_API_KEY" ]; then
        cat "$work/demo.err" >&2
        say "The demo POS could not be prepared in $db."
        return 1
    fi
}

# Serves odoo.conf $1 in the background and waits until it answers on port
# $2; $3 is its log file (shown when it does not start). Sets SERVER_PID
# (Odoo's master process). The environment passes on: ODOO_PGAPPNAME names
# its PostgreSQL connections.
start_odoo() {
    local conf=$1 port=$2 log=$3
    # started here, not through odoo_cmd in a subshell: $! is Odoo's master
    # shellcheck disable=SC2086
    "$ODOO_PY" $ODOO_BIN -c "$conf" >/dev/null 2>&1 &
    SERVER_PID=$!
    if ! wait_http "http://127.0.0.1:$port/web/login"; then
        tail -30 "$log" >&2
        say "Odoo did not start (see $log)."
        return 1
    fi
}

# Prepares the demo POS and a fresh API key in database $2 (odoo.conf $1),
# then serves it on port $3 in the background; $4 is a work folder
# (demo.out, and server.log, which odoo.conf must name as its logfile). Sets
# SERVER_PID (Odoo's master process) and exports the KARAGE_* variables the
# e2e tests and benchmarks read.
serve_database() {
    local conf=$1 db=$2 port=$3 work=$4
    prepare_demo "$conf" "$db" "$work" || return 1
    start_odoo "$conf" "$port" "$work/server.log" || return 1
    KARAGE_BASE_URL="http://127.0.0.1:$port"
    KARAGE_DB=$db
    KARAGE_SERVER_LOG="$work/server.log"
    KARAGE_SERVER_PID=$SERVER_PID
    export KARAGE_BASE_URL KARAGE_DB KARAGE_API_KEY KARAGE_PRODUCTS \
        KARAGE_SERVER_LOG KARAGE_SERVER_PID
}

# Creates database $1 with the addons of $KARAGE_FRESH_ADDONS (default both;
# the job runner when karage_pos_queue is among them), then serve_database
# on port $2 with $KARAGE_WORKERS HTTP workers (default 4); $3 is a work
# folder, further arguments are extra odoo.conf lines (the [queue_job]
# channels among them).
serve_fresh_database() {
    local db=$1 port=$2 work=$3
    shift 3
    local addons=${KARAGE_FRESH_ADDONS:-karage_pos,karage_pos_queue}
    local runner=()
    if [[ $addons == *karage_pos_queue* ]]; then
        runner=("server_wide_modules = base,web,queue_job")
    fi
    mkdir -p "$work"
    write_odoo_conf "$work/odoo.conf" "http_port = $port" "gevent_port = $((port + 3))" \
        "workers = ${KARAGE_WORKERS:-4}" "max_cron_threads = 1" "limit_time_real = 3600" \
        "limit_time_cpu = 3600" "db_name = $db" \
        "logfile = $work/server.log" \
        "${runner[@]}" "$@"
    say "Creating $db with $addons ..."
    odoo_cmd -c "$work/odoo.conf" -d "$db" -i "$addons" \
        --without-demo=all --stop-after-init --log-level=warn --no-http || return 1
    serve_database "$work/odoo.conf" "$db" "$port" "$work"
}

# Stops the server started by serve_database (SERVER_PID).
stop_server() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

# On exit of setup/bench and setup/reliability: stop the server started by
# serve_fresh_database, drop its database $DB (and $SYNC_DB, if any) and
# remove $WORK.
stop_and_drop() {
    stop_server
    for db in "$DB" ${SYNC_DB:-}; do
        dropdb --if-exists --force "$db" 2>/dev/null
        rm -rf "$HOME/.local/share/Odoo/filestore/$db"
    done
    rm -rf "$WORK"
}

# Writes the seed's example order (one Office Chair of KARAGE_PRODUCTS,
# paid in cash) to file $1, under a new OrderID.
write_example_order() {
    local file=$1 product
    product=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["Office Chair"])' \
        "$KARAGE_PRODUCTS")
    cat >"$file" <<JSON
{
    "OrderID": $(date +%s),
    "OrderDate": "$(date +%Y-%m-%dT%H:%M:%S)",
    "AmountDiscount": 0.0,
    "AmountPaid": 80.50,
    "AmountTotal": 70.00,
    "BalanceAmount": 0.0,
    "GrandTotal": 80.50,
    "Tax": 10.50,
    "TaxPercent": 15.0,
    "OrderStatus": 103,
    "PaymentMode": 1,
    "OrderItems": [
        {"OdooItemID": $product, "ItemName": "Office Chair", "Price": 70.00,
         "Quantity": 1, "DiscountAmount": 0.00}
    ],
    "CheckoutDetails": [{"PaymentMode": 1, "AmountPaid": 80.50, "CardType": "Cash"}]
}
JSON
}

# Prints a curl command posting order file $3 to the webhook at URL $1
# with API key $2.
print_example_curl() {
    cat <<MSG
  curl -X POST $1/api/v1/webhook/pos-order \\
    -H "Content-Type: application/json" \\
    -H "X-API-KEY: $2" \\
    -d @$3
MSG
}

# Debian's nginx, installed when missing and we are root (setup/cluster
# runs it with its own configuration, never as the system service).
# Returns 1 with one sentence when it is missing and cannot be installed.
ensure_nginx() {
    command -v nginx >/dev/null && return 0
    [ -x /usr/sbin/nginx ] && PATH="$PATH:/usr/sbin" && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        say "Installing Debian's nginx ..."
        local log
        log=$(mktemp)
        { DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx ||
            { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx; }; } \
            >"$log" 2>&1
        command -v nginx >/dev/null && rm -f "$log" && return 0
        tail -5 "$log" >&2
        rm -f "$log"
    fi
    say "nginx is not installed and cannot be installed here: as root, apt-get install nginx."
    return 1
}

# Starts setup/cluster in the background (database $3, nginx on port $2,
# work folder $1), and once it is up runs the command that follows with its
# cluster.env; then stops the cluster, which drops the database. Sets
# CLUSTER_PID while the cluster runs (stop_cluster_run stops it). The checks
# load it harder than its defaults: four bulk jobs at a time (R4), so 6
# workers a node.
run_on_cluster() {
    local work=$1 port=$2 db=$3 status=0
    shift 3
    mkdir -p "$work"
    KARAGE_CLUSTER_DIR="$work" KARAGE_CLUSTER_PORT="$port" KARAGE_CLUSTER_DB="$db" \
        KARAGE_CLUSTER_DROP_DB=1 KARAGE_CLUSTER_WORKERS=${KARAGE_CLUSTER_WORKERS:-6} \
        KARAGE_CLUSTER_CHANNELS=${KARAGE_CLUSTER_CHANNELS:-root:5,root.karage_pos:5,root.karage_pos.bulk:4} \
        "$REPO/setup/cluster" >"$work/cluster.out" 2>&1 &
    CLUSTER_PID=$!
    until [ -f "$work/cluster.env" ]; do
        if ! kill -0 "$CLUSTER_PID" 2>/dev/null; then
            tail -20 "$work/cluster.out" >&2
            say "setup/cluster did not start (see above)."
            CLUSTER_PID=
            return 1
        fi
        sleep 2
    done
    # shellcheck source=/dev/null
    (source "$work/cluster.env" && "$@") || status=1
    stop_cluster_run
    return $status
}

stop_cluster_run() {
    [ -n "${CLUSTER_PID:-}" ] && kill "$CLUSTER_PID" 2>/dev/null && wait "$CLUSTER_PID" 2>/dev/null
    CLUSTER_PID=
}
