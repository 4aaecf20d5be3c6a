# shellcheck shell=bash
# Shared helpers for bin/test and bin/run. Source it, do not execute it.
#
# Environment knobs (all optional):
#   ADDON_DIR        addon to test/serve (default: the repository root)
#   PYTHON           python interpreter that can import Odoo 18 (default: python3)
#   HRF_STATE_DIR    state dir (default: ${XDG_STATE_HOME:-$HOME/.local/state}/hr_recruitment_followup)
#   HRF_PGDATA       data dir of the private PostgreSQL cluster started when none answers
#   PGHOST/PGPORT/PGUSER   libpq variables; honoured when a server answers there

HRF_MODULE=hr_recruitment_followup
HRF_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
ADDON_DIR="$(cd "${ADDON_DIR:-$HRF_REPO_ROOT}" && pwd -P)"
PYTHON="${PYTHON:-python3}"
HRF_STATE_DIR="${HRF_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/$HRF_MODULE}"

hrf_log() { printf '%s\n' "[$(basename "$0")] $*" >&2; }
hrf_die() {
    hrf_log "ERROR: $*"
    # bin/test defines hrf_on_die to still print its summary line.
    if declare -F hrf_on_die >/dev/null; then hrf_on_die "$*"; fi
    exit 2
}

# True when $PYTHON imports Odoo 18. Run from /tmp so that the repository
# (whose cwd could shadow modules) is not on sys.path.
hrf_have_odoo18() {
    (cd /tmp && "$PYTHON" -c 'import odoo.release; assert odoo.release.version_info[0] == 18' \
        >/dev/null 2>&1)
}

# Prints the core addons paths (comma separated) the way Odoo 18 computes its
# default: <odoo package>/addons and, for a source checkout, <odoo package>/../addons.
hrf_core_addons_path() {
    (cd /tmp && "$PYTHON" - <<'PY'
import os
import odoo

pkg = os.path.dirname(os.path.abspath(odoo.__file__))
paths = [os.path.join(pkg, "addons"), os.path.abspath(os.path.join(pkg, "..", "addons"))]
print(",".join(p for p in paths if os.path.isdir(p)))
PY
    )
}

# A TCP port nobody listens on (on 127.0.0.1).
hrf_free_port() {
    "$PYTHON" - "$@" <<'PY'
import socket
import sys

def free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True

for wanted in sys.argv[1:]:
    if wanted and free(int(wanted)):
        print(wanted)
        sys.exit(0)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}

# Scratch addons folder holding a symlink <folder>/hr_recruitment_followup ->
# ADDON_DIR: Odoo names a module after its folder, and the repository folder
# may be called anything (main, a CI clone...).
hrf_make_addons_dir() { # $1 = folder to (re)create the link in
    local dir="$1"
    mkdir -p "$dir"
    ln -sfn "$ADDON_DIR" "$dir/$HRF_MODULE"
}

_hrf_find_pg_bin() { # $1 = program (initdb, pg_ctl)
    local p
    p="$(command -v "$1" 2>/dev/null)" && {
        echo "$p"
        return 0
    }
    for p in /usr/lib/postgresql/*/bin/"$1"; do
        [ -x "$p" ] && {
            echo "$p"
            return 0
        }
    done
    return 1
}

# Works on the server PGHOST/PGPORT designate (or libpq's defaults)?
_hrf_pg_usable() {
    pg_isready -q -t 3 >/dev/null 2>&1 || return 1
    psql -X -q -d postgres -Atc 'select 1' >/dev/null 2>&1
}

# Makes sure a PostgreSQL server answers and that we can log in as a superuser
# that is not "postgres" (Odoo refuses that one). Exports PGHOST/PGPORT/PGUSER
# for what it found or started, and sets HRF_DB_ARGS (Odoo --db_* options).
hrf_ensure_postgres() {
    if ! command -v pg_isready >/dev/null || ! command -v psql >/dev/null; then
        hrf_die "pg_isready/psql not found: install the PostgreSQL client (apt-get install postgresql-client)"
    fi
    local me
    me="$(id -un)"
    if [ -z "${PGUSER:-}" ]; then
        if [ "$me" = postgres ]; then export PGUSER=odoo; else export PGUSER="$me"; fi
    fi
    [ "$PGUSER" = postgres ] && hrf_die "PGUSER=postgres: Odoo refuses to run as database user 'postgres'"

    if pg_isready -q -t 3 >/dev/null 2>&1; then
        if ! _hrf_pg_usable && [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
            # A server answers but our role is missing: create it as the postgres superuser.
            hrf_log "creating PostgreSQL role $PGUSER on the running server"
            runuser -u postgres -- env PGUSER=postgres createuser -s "$PGUSER" >/dev/null 2>&1 || true
        fi
        if _hrf_pg_usable; then
            hrf_log "using PostgreSQL at ${PGHOST:-<default socket>}:${PGPORT:-5432} as $PGUSER"
            _hrf_set_db_args
            return 0
        fi
        hrf_log "a PostgreSQL answers at ${PGHOST:-<default socket>}:${PGPORT:-5432} but role $PGUSER cannot log in; starting a private cluster"
    else
        hrf_log "no PostgreSQL answers at ${PGHOST:-<default socket>}:${PGPORT:-5432}; starting a private cluster"
    fi
    _hrf_start_private_pg
    _hrf_set_db_args
}

_hrf_set_db_args() {
    HRF_DB_ARGS=(--db_user "$PGUSER")
    [ -n "${PGHOST:-}" ] && HRF_DB_ARGS+=(--db_host "$PGHOST")
    [ -n "${PGPORT:-}" ] && HRF_DB_ARGS+=(--db_port "$PGPORT")
    return 0
}

_hrf_chown() { # $1 = owner, $2... = paths; only matters (and only allowed) as root
    if [ "$(id -u)" = 0 ]; then chown "$@"; fi
}

# Private cluster: data dir in the state dir, trust auth, 127.0.0.1 only.
# As root, initdb/postgres run as the "postgres" OS user (initdb refuses root);
# /root is not traversable by that user, so the data dir then defaults to
# /var/tmp/hr_recruitment_followup/pg.
_hrf_start_private_pg() {
    local initdb pg_ctl pgdata run_as=() owner
    initdb="$(_hrf_find_pg_bin initdb)" || hrf_die "initdb not found: install PostgreSQL (apt-get install postgresql)"
    pg_ctl="$(_hrf_find_pg_bin pg_ctl)" || hrf_die "pg_ctl not found: install PostgreSQL (apt-get install postgresql)"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || hrf_die "running as root but there is no 'postgres' OS user to run PostgreSQL"
        run_as=(runuser -u postgres --)
        owner=postgres
        pgdata="${HRF_PGDATA:-/var/tmp/$HRF_MODULE/pg}"
    else
        owner="$(id -un)"
        pgdata="${HRF_PGDATA:-$HRF_STATE_DIR/pg}"
    fi
    local base
    base="$(dirname "$pgdata")"
    mkdir -p "$base"
    _hrf_chown "$owner" "$base"
    local portfile="$base/pg.port" logfile="$base/pg.log" sockdir="$base/pg.sock"

    if [ ! -s "$pgdata/PG_VERSION" ]; then
        hrf_log "initdb $pgdata"
        mkdir -p "$pgdata" && chmod 700 "$pgdata"
        _hrf_chown "$owner" "$pgdata"
        "${run_as[@]}" "$initdb" -D "$pgdata" -U "$owner" --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$base/initdb.log" 2>&1 ||
            "${run_as[@]}" "$initdb" -D "$pgdata" -U "$owner" --auth=trust -E UTF8 --locale=C \
                >"$base/initdb.log" 2>&1 ||
            {
                cat "$base/initdb.log" >&2
                hrf_die "initdb failed"
            }
    fi
    mkdir -p "$sockdir"
    _hrf_chown "$owner" "$sockdir"

    local port=""
    if "${run_as[@]}" "$pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
        port="$(cat "$portfile" 2>/dev/null)"
        hrf_log "private cluster already running on 127.0.0.1:$port"
    else
        # Prefer the PGPORT asked for, then the port used last time, then any free one.
        port="$(hrf_free_port "${PGPORT:-}" "$(cat "$portfile" 2>/dev/null)")"
        echo "$port" >"$portfile"
        hrf_log "starting private PostgreSQL on 127.0.0.1:$port (data $pgdata, log $logfile)"
        touch "$logfile"
        _hrf_chown "$owner" "$logfile"
        "${run_as[@]}" "$pg_ctl" -D "$pgdata" -l "$logfile" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$sockdir" start >/dev/null ||
            {
                tail -n 30 "$logfile" >&2
                hrf_die "could not start PostgreSQL (see $logfile)"
            }
    fi
    export PGHOST=127.0.0.1 PGPORT="$port"
    local role="$PGUSER"
    if ! psql -X -q -U "$owner" -d postgres -Atc "select 1 from pg_roles where rolname = '$role'" 2>/dev/null | grep -q 1; then
        hrf_log "creating superuser role $role"
        psql -X -q -U "$owner" -d postgres -c "create role \"$role\" superuser login" >/dev/null ||
            hrf_die "could not create role $role"
    fi
    _hrf_pg_usable || hrf_die "private PostgreSQL on 127.0.0.1:$port is not usable as $PGUSER"
    hrf_log "using private PostgreSQL at 127.0.0.1:$PGPORT as $PGUSER (stop it: ${run_as[*]} $pg_ctl -D $pgdata stop)"
}

# Odoo config file with nothing in it, so that a developer's ~/.odoorc cannot
# change what the scripts do (command-line options set everything).
hrf_empty_rc() { # $1 = path
    printf '[options]\n' >"$1"
}

# Runs Odoo 18 (odoo-bin equivalent; odoo-bin also forces TZ=UTC).
hrf_odoo() {
    (cd /tmp && TZ=UTC exec "$PYTHON" -m odoo "$@")
}

# The PDF summary's prerequisites: warnings only (Odoo serves without them).
hrf_warn_pdf_prerequisites() {
    local version
    if ! command -v wkhtmltopdf >/dev/null 2>&1; then
        hrf_log "WARNING: wkhtmltopdf not found: the PDF summary cannot be printed (Odoo shows HTML instead)." \
            "Install it (https://github.com/wkhtmltopdf/packaging/releases, 0.12.6 'with patched qt';" \
            "Debian's wkhtmltopdf package drops the header and footer), then restart bin/run."
    else
        version="$(wkhtmltopdf --version 2>/dev/null || true)"
        case "$version" in
        *"patched qt"*) ;;
        *) hrf_log "WARNING: $version is not the 'with patched qt' build: the PDF summary prints without header and footer." ;;
        esac
    fi
    if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
        hrf_log "WARNING: no Chinese (CJK) font installed: every Chinese character of the PDF summary prints blank." \
            "Install one (apt-get install fonts-noto-cjk, or fonts-wqy-zenhei), then restart bin/run."
    fi
}
