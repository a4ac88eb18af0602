#!/usr/bin/env bash
# Transient server errors are retried with the body sent again from the file: a stand-in S3
# server answers the first PUTs of each object with 503 (and one with a dropped connection),
# then stores the bytes. A server that keeps failing gives one clear error after --retries.
source "$(dirname "$0")/lib.sh"
mkdir -p "$SCRATCH/g"
head -c 3000000 /dev/urandom >"$SCRATCH/g/data.npy"
head -c 1000 /dev/urandom >"$SCRATCH/g/id.npy"
printf '{"kind":"group","collection":"c","partition":"p","name":"g","rows":1,"files":{"id":"%s","data":"%s"}}\n' \
  "$SCRATCH/g/id.npy" "$SCRATCH/g/data.npy" >"$SCRATCH/groups.jsonl"

# serve FAILURES: prints its port; PUT number n of an object fails while n <= FAILURES (the second
# attempt by closing the connection unanswered); the stored bytes go to $SCRATCH/stored/.
serve() {
  $PY - "$1" "$SCRATCH/stored" <<'PY' &
import hashlib, http.server, os, sys
failures, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
objects, attempts = {}, {}
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def reply(self, code, headers={}, body=b""):
        self.send_response(code)
        for k, v in headers.items(): self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_HEAD(self):
        o = objects.get(self.path)
        if not o: return self.reply(404)
        self.send_response(200); self.send_header("Content-Length", str(o[0])); self.send_header("x-amz-meta-mm-sha256", o[1]); self.end_headers()
    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        n = attempts[self.path] = attempts.get(self.path, 0) + 1
        if n <= failures and n == 2:
            self.close_connection = True
            return
        if n <= failures:
            return self.reply(503, body=b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
        assert hashlib.sha256(body).hexdigest() == self.headers["x-amz-content-sha256"]
        objects[self.path] = (len(body), self.headers["x-amz-meta-mm-sha256"])
        open(os.path.join(out, os.path.basename(self.path)), "wb").write(body)
        self.reply(200, {"ETag": '"x"'})
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
}

serve 3 >"$SCRATCH/port1"
cleanup_hooks+=("kill $!")
for _ in $(seq 50); do [ -s "$SCRATCH/port1" ] && break; sleep 0.1; done
AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s mm-upload -q --endpoint "127.0.0.1:$(cat "$SCRATCH/port1")" --retries 4 "$SCRATCH/groups.jsonl" >"$SCRATCH/out.jsonl" &&
  cmp -s "$SCRATCH/g/data.npy" "$SCRATCH/stored/data.npy" && cmp -s "$SCRATCH/g/id.npy" "$SCRATCH/stored/id.npy" &&
  pass "3 failed attempts (503, dropped connection, 503), then the same bytes stored" || fail "retry: $(cat "$SCRATCH/out.jsonl")"

serve 100 >"$SCRATCH/port2"
cleanup_hooks+=("kill $!")
for _ in $(seq 50); do [ -s "$SCRATCH/port2" ] && break; sleep 0.1; done
AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s expect_error "server that keeps failing" "PUT failed: 503 SlowDown: Please reduce your request rate." \
  mm-upload --endpoint "127.0.0.1:$(cat "$SCRATCH/port2")" --retries 2 "$SCRATCH/groups.jsonl"
finish
