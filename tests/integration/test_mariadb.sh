#!/usr/bin/env bash
# The same 1.x metadata in a real MariaDB server (started here on loopback) yields exactly the
# records the SQLite file does, through both DSN forms; a wrong password is one clear error.
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 11 >/dev/null
db=$SCRATCH/mariadb
"$MM_SRC/scripts/test-mariadb.sh" start "$db" >/dev/null
cleanup_hooks+=("'$MM_SRC/scripts/test-mariadb.sh' stop '$db' >/dev/null 2>&1")
$PY "$MM_SRC/tests/fixtures/sqlite_to_mysql.py" "$fx/db/meta.sqlite" | "$MM_SRC/scripts/test-mariadb.sh" sql "$db"
port=$(cat "$db/port")
password=$(cat "$db/password")

mm-meta -q --sqlite "$fx/db/meta.sqlite" >"$SCRATCH/sqlite.jsonl"
MM_MYSQL_PASSWORD=$password mm-meta -q --mysql "mm@tcp(127.0.0.1:$port)/milvus?charset=utf8mb4&parseTime=True" >"$SCRATCH/go.jsonl"
cmp -s "$SCRATCH/sqlite.jsonl" "$SCRATCH/go.jsonl" && pass "Go DSN: records identical to SQLite" || fail "Go DSN records differ: $(diff "$SCRATCH/sqlite.jsonl" "$SCRATCH/go.jsonl" | head -5)"
echo "mysql://mm:$password@127.0.0.1:$port/milvus" | mm-meta -q --mysql - >"$SCRATCH/uri.jsonl"
# The tables were written as Milvus 1.x wrote them (no connection charset: latin1); read in utf8mb4,
# as the DSN above asks, its non-ASCII tags would come back double-encoded.
grep -q '"tag":"été"' "$SCRATCH/go.jsonl" && pass "a non-ASCII tag comes out as in 1.x" || fail "tag été garbled: $(grep -o '"tag":"[^"]*"' "$SCRATCH/go.jsonl" | sort -u | tr '\n' ' ')"
MM_MYSQL_PASSWORD=$password mm-meta -q --mysql-charset utf8mb4 --mysql "mm@tcp(127.0.0.1:$port)/milvus" >"$SCRATCH/utf8mb4.jsonl" || true
grep -q '"tag":"Ã©tÃ©"' "$SCRATCH/utf8mb4.jsonl" && pass "read in utf8mb4 it would be double-encoded (Ã©tÃ©)" ||
  fail "utf8mb4 read: $(grep -o '"tag":"[^"]*"' "$SCRATCH/utf8mb4.jsonl" | sort -u | tr '\n' ' ')"
cmp -s "$SCRATCH/sqlite.jsonl" "$SCRATCH/uri.jsonl" && pass "Milvus URI from stdin: records identical" || fail "URI records differ"

# The records from MariaDB convert to exactly the expected rows.
mm-scan -q --tables "$fx/db/tables" "$SCRATCH/go.jsonl" | mm-npy -q --out "$SCRATCH/out" >"$SCRATCH/groups"
$PY "$MM_SRC/tests/integration/check_groups.py" "$SCRATCH/groups" "$fx" && pass "MariaDB path content exact" || fail "MariaDB path content"

# A password on the command line is hidden from ps while the tool runs: point it at a server that
# accepts but never answers, so the process is still there to be looked at.
$PY -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(20)' >"$SCRATCH/silent.port" &
silent=$!
cleanup_hooks+=("kill $silent")
for _ in $(seq 50); do [ -s "$SCRATCH/silent.port" ] && break; sleep 0.1; done
MM_MYSQL_PASSWORD= mm-meta --mysql "mm:$password@tcp(127.0.0.1:$(cat "$SCRATCH/silent.port"))/milvus" >/dev/null 2>"$SCRATCH/warn" &
pid=$!
sleep 1
seen=$(tr '\0' ' ' <"/proc/$pid/cmdline")
kill "$pid"
wait "$pid" || true
case "$seen" in *"$password"*) fail "password visible in /proc/PID/cmdline: $seen" ;; *) pass "password not in cmdline ($seen)" ;; esac
grep -q "visible to other users" "$SCRATCH/warn" && pass "warns about a password in argv" || fail "no warning about argv password"

MM_MYSQL_PASSWORD=wrong-secret expect_error "wrong MySQL password" "mysql://mm@127.0.0.1:$port/milvus: cannot connect: Access denied" \
  mm-meta --mysql "mm@tcp(127.0.0.1:$port)/milvus"
MM_MYSQL_PASSWORD=wrong-secret mm-meta --mysql "mm@tcp(127.0.0.1:$port)/milvus" 2>&1 | grep -q wrong-secret &&
  fail "password appears in the error" || pass "password not in the error"
expect_error "dead MySQL server" "mysql://mm@127.0.0.1:1/milvus: cannot connect" mm-meta --mysql "mm@tcp(127.0.0.1:1)/milvus"
finish
