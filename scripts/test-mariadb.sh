#!/usr/bin/env bash
# Throw-away MariaDB server for tests.
#
#   scripts/test-mariadb.sh start DIR   create DIR/data, start mariadbd on 127.0.0.1:<free port>
#   scripts/test-mariadb.sh stop DIR    stop that server (TERM, bounded wait, then KILL)
#   scripts/test-mariadb.sh sql DIR [mariadb client options...]
#                                       run the mariadb client (SQL on stdin) as user mm,
#                                       database milvus, over TCP
#
# After "start", DIR holds:
#   port         TCP port on 127.0.0.1
#   password     password of user mm (mode 600)
#   client.cnf   [client] defaults file: host, port, user mm, password, database milvus (mode 600)
#   uri          mysql://mm:<password, percent-encoded>@127.0.0.1:<port>/milvus (mode 600)
#   mariadbd.pid, mariadbd.sock (or DIR/socket naming the socket path), error.log, data/
#
# The password of mm is $MM_TEST_MYSQL_PASSWORD, or a random one when that is unset or empty.
# The server reads no option file (--no-defaults) and never touches /var/lib/mysql or the
# system service. Passwords are never put on a command line.
#
# Environment knobs: MM_TEST_MYSQL_START_TIMEOUT (seconds, default 30),
#                    MM_TEST_MYSQL_STOP_TIMEOUT (seconds, default 20).
set -euo pipefail

PROG=${0##*/}
MARIADBD=${MARIADBD:-/usr/sbin/mariadbd}
DB_NAME=milvus
DB_USER=mm
# shellcheck source=scripts/test-server-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/test-server-lib.sh"

usage() {
    cat >&2 <<EOF
usage: $PROG start DIR
       $PROG stop DIR
       $PROG sql DIR [mariadb client options...]   (SQL on stdin)
EOF
    exit 2
}

# Prints the pid recorded in DIR/mariadbd.pid if that process is alive and is the mariadbd
# started for DIR (guards against a recycled pid). Prints nothing otherwise.
live_pid() {
    local pid
    pid=$(recorded_pid "$1/mariadbd.pid")
    [[ -n $pid && $(cmdline_of "$pid") == *"--datadir=$1/data "* ]] || return 0
    printf '%s\n' "$pid"
}

pick_port() {
    python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# Escapes a string for use inside a single-quoted SQL literal.
sql_quote() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\'/\'\'}
    printf "'%s'" "$s"
}

# Escapes a string for an option file value in double quotes.
cnf_quote() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "$s"
}

percent_encode() {
    python3 -c 'import sys, urllib.parse; sys.stdout.write(urllib.parse.quote(sys.stdin.read(), safe=""))'
}

cmd_start() {
    local dir=$1
    need python3
    need mariadb-install-db
    need mariadb
    [[ -x $MARIADBD ]] || die "$MARIADBD not found"
    local timeout=${MM_TEST_MYSQL_START_TIMEOUT:-30}
    [[ $timeout =~ ^[0-9]+$ ]] || die "MM_TEST_MYSQL_START_TIMEOUT must be a whole number of seconds"

    mkdir -p "$dir"
    dir=$(abs_dir "$dir")
    local t0
    t0=$(date +%s%N)

    if [[ -n $(live_pid "$dir") ]]; then
        die "a server for $dir is already running (pid $(live_pid "$dir")); run '$PROG stop $dir' first"
    fi
    [[ ! -e $dir/data ]] || die "$dir/data already exists; use a fresh directory"

    # Unix socket paths are limited to 107 bytes; fall back to a short private directory.
    local sock=$dir/mariadbd.sock
    if ((${#sock} > 100)); then
        local sockdir
        sockdir=$(mktemp -d /tmp/mm-mariadb.XXXXXX)
        sock=$sockdir/mariadbd.sock
    fi
    printf '%s\n' "$sock" >"$dir/socket"

    local password=${MM_TEST_MYSQL_PASSWORD:-}
    if [[ -z $password ]]; then
        password=$(random_string 24)
    fi

    # Options shared by the bootstrap and the server: no option files, small InnoDB files.
    local -a common=(
        --no-defaults
        "--datadir=$dir/data"
        --user=root
        --innodb-log-file-size=8M
        --innodb-buffer-pool-size=32M
    )

    # --user=root is required because we run as root (mariadbd refuses to run as root
    # otherwise); normal auth gives a password-less root@localhost reachable over the socket.
    if ! mariadb-install-db "${common[@]}" \
        --auth-root-authentication-method=normal \
        --skip-test-db --skip-name-resolve \
        >"$dir/install.log" 2>&1; then
        cat "$dir/install.log" >&2
        die "mariadb-install-db failed (log: $dir/install.log)"
    fi

    local attempt port pid ok=0 waited_ms
    for attempt in 1 2 3; do
        port=$(pick_port)
        rm -f "$dir/mariadbd.pid"
        : >"$dir/error.log"
        # All descriptors are redirected so a caller capturing our output does not wait
        # on the server. The server's own pid file is written by mariadbd itself; we also
        # write $! right away so "stop" works even if startup fails half way.
        "$MARIADBD" "${common[@]}" \
            "--socket=$sock" \
            "--pid-file=$dir/mariadbd.pid" \
            "--log-error=$dir/error.log" \
            --bind-address=127.0.0.1 \
            "--port=$port" \
            --skip-networking=0 \
            --skip-name-resolve \
            --skip-log-bin \
            --character-set-server=utf8mb4 \
            --collation-server=utf8mb4_general_ci \
            --max-connections=200 \
            </dev/null >>"$dir/error.log" 2>&1 &
        pid=$!
        disown "$pid" 2>/dev/null || true
        printf '%s\n' "$pid" >"$dir/mariadbd.pid"

        # Wait until the server answers on the socket (bounded).
        local deadline=$((SECONDS + timeout))
        while ((SECONDS < deadline)); do
            if ! kill -0 "$pid" 2>/dev/null; then
                break
            fi
            if mariadb --no-defaults --protocol=socket "--socket=$sock" -uroot \
                --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; then
                ok=1
                break
            fi
            sleep 0.1
        done
        if ((ok)); then
            break
        fi
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            cat "$dir/error.log" >&2
            die "mariadbd did not answer within ${timeout}s (log: $dir/error.log)"
        fi
        # The server died: retry with another port only if the port was taken meanwhile.
        if grep -q -i -E 'bind on tcp/ip port|address already in use' "$dir/error.log"; then
            printf '%s: port %s was taken, retrying (attempt %s)\n' "$PROG" "$port" "$attempt" >&2
            continue
        fi
        cat "$dir/error.log" >&2
        die "mariadbd exited during startup (log: $dir/error.log)"
    done
    ((ok)) || die "mariadbd could not bind a free port after 3 attempts (log: $dir/error.log)"

    # Create the database and the test user. SQL goes through stdin, never argv.
    local qpw
    qpw=$(sql_quote "$password")
    if ! mariadb --no-defaults --protocol=socket "--socket=$sock" -uroot 2>"$dir/setup.err" <<EOF; then
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE USER '$DB_USER'@'%' IDENTIFIED BY $qpw;
CREATE USER '$DB_USER'@'localhost' IDENTIFIED BY $qpw;
CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY $qpw;
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'%';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
FLUSH PRIVILEGES;
EOF
        cat "$dir/setup.err" >&2
        cmd_stop "$dir" || true
        die "could not create database '$DB_NAME' / user '$DB_USER'"
    fi
    rm -f "$dir/setup.err"

    # Secrets: files created with mode 600 from the start.
    local old_umask
    old_umask=$(umask)
    umask 077
    printf '%s' "$password" >"$dir/password"
    {
        printf '[client]\n'
        printf 'host=127.0.0.1\n'
        printf 'port=%s\n' "$port"
        printf 'protocol=tcp\n'
        printf 'user=%s\n' "$DB_USER"
        printf 'password=%s\n' "$(cnf_quote "$password")"
        printf 'database=%s\n' "$DB_NAME"
        printf 'default-character-set=utf8mb4\n'
    } >"$dir/client.cnf"
    printf 'mysql://%s:%s@127.0.0.1:%s/%s\n' "$DB_USER" \
        "$(printf '%s' "$password" | percent_encode)" "$port" "$DB_NAME" >"$dir/uri"
    umask "$old_umask"
    chmod 600 "$dir/password" "$dir/client.cnf" "$dir/uri"
    printf '%s\n' "$port" >"$dir/port"

    # Check the mm account over TCP, the way the tests will connect.
    if ! mariadb "--defaults-file=$dir/client.cnf" -N -B -e 'SELECT 1' >/dev/null 2>"$dir/setup.err"; then
        cat "$dir/setup.err" >&2
        cmd_stop "$dir" || true
        die "user '$DB_USER' cannot log in over TCP on 127.0.0.1:$port"
    fi
    rm -f "$dir/setup.err"

    waited_ms=$(elapsed_ms "$t0")
    printf '%s: mariadbd pid %s listening on 127.0.0.1:%s (ready in %s ms), dir %s\n' \
        "$PROG" "$pid" "$port" "$waited_ms" "$dir" >&2
}

cmd_stop() {
    local dir=$1
    # Nothing to stop if DIR is gone (convenient in cleanup traps).
    [[ -d $dir ]] || return 0
    dir=$(abs_dir "$dir")
    local timeout=${MM_TEST_MYSQL_STOP_TIMEOUT:-20}
    [[ $timeout =~ ^[0-9]+$ ]] || die "MM_TEST_MYSQL_STOP_TIMEOUT must be a whole number of seconds"
    local pid
    pid=$(live_pid "$dir")
    if [[ -z $pid ]]; then
        cleanup_socket "$dir"
        return 0
    fi
    # SIGTERM makes mariadbd shut down cleanly.
    stop_server "$dir" mariadbd "$pid" "$timeout"
    rm -f "$dir/mariadbd.pid"
    cleanup_socket "$dir"
}

# Removes a fallback socket directory under /tmp, if one was used.
cleanup_socket() {
    local dir=$1 sock
    [[ -f $dir/socket ]] || return 0
    sock=$(<"$dir/socket")
    rm -f "$sock"
    case $sock in
    /tmp/mm-mariadb.*/mariadbd.sock) rmdir "${sock%/*}" 2>/dev/null || true ;;
    esac
}

cmd_sql() {
    local dir=$1
    shift
    [[ -f $dir/client.cnf ]] || die "$dir/client.cnf missing; run '$PROG start $dir' first"
    need mariadb
    # --defaults-file must come first; the password is read from that file, not argv.
    exec mariadb "--defaults-file=$dir/client.cnf" "$@"
}

main() {
    (($# >= 2)) || usage
    local cmd=$1 dir=$2
    shift 2
    [[ -n $dir ]] || usage
    case $cmd in
    start)
        (($# == 0)) || usage
        cmd_start "$dir"
        ;;
    stop)
        (($# == 0)) || usage
        cmd_stop "$dir"
        ;;
    sql) cmd_sql "$dir" "$@" ;;
    *) usage ;;
    esac
}

main "$@"
