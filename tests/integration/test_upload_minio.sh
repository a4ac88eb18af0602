#!/usr/bin/env bash
# mm-upload --backend s3 against a real MinIO on loopback: single PUTs and parallel multipart
# uploads, skip on rerun, the credential sources, and one clear error for a wrong bucket, wrong
# keys, an unreachable endpoint and a server stopped mid-upload (a rerun after its restart
# completes). Every object is checked with the `minio` Python package, never with our code.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
start_minio
manifest=$(make_groups "$SCRATCH")
export HOME=$SCRATCH/home  # no ~/.aws of the machine's user
mkdir -p "$HOME"
up() { AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret mm-upload --endpoint "$endpoint" --part-size 5M "$@"; }
export MM_CHECK_PART_SIZE=$((5 << 20))  # check_objects.py: files larger than this went in parts

# First run: parallel groups and parts; the command lines never show a key.
up -j 3 --part-jobs 3 --check-bucket "$manifest" >"$SCRATCH/up1.jsonl" 2>"$SCRATCH/err1" &
pid=$!
watch_cmdlines "$pid" "$secret" "$access"
wait "$pid" && pass "upload (-j 3, --part-jobs 3, --check-bucket)" || fail "upload failed: $(cat "$SCRATCH/err1")"
check_objects s3 "$SCRATCH/up1.jsonl" migration --only-objects --etags "$SCRATCH/etags1" &&
  pass "objects verified: keys, sizes, bytes, mm-sha256; no stray objects" || fail "object check"
grep -q '"storage":{"backend":"s3","bucket":"a-bucket","endpoint":"http://'"$endpoint"'","region":"us-east-1"}' "$SCRATCH/up1.jsonl" &&
  pass "storage member" || fail "storage member: $(grep -m1 -o '"storage":{[^}]*}' "$SCRATCH/up1.jsonl")"
no_secret_in "first run" "$SCRATCH/up1.jsonl" "$secret" "$access"
no_secret_in "first run" "$SCRATCH/err1" "$secret" "$access"

# Rerun: nothing is sent again; MinIO's ETags and modification times prove it.
up -q "$SCRATCH/up1.jsonl" >"$SCRATCH/up2.jsonl"
grep -q '"written":0,' "$SCRATCH/up2.jsonl" && ! grep -q '"uploaded":true' "$SCRATCH/up2.jsonl" && pass "rerun uploads nothing" || fail "rerun: $(tail -1 "$SCRATCH/up2.jsonl")"
check_objects s3 "$SCRATCH/up2.jsonl" migration --etags "$SCRATCH/etags2" >/dev/null && cmp -s "$SCRATCH/etags1" "$SCRATCH/etags2" &&
  pass "rerun left every object as it was" || fail "objects changed on rerun"

# Verbose output shows which objects were skipped, never a key.
up -v --prefix /verbose/ "$manifest" >"$SCRATCH/v.jsonl" 2>"$SCRATCH/v.err" && check_objects s3 "$SCRATCH/v.jsonl" verbose >/dev/null &&
  pass "leading / of --prefix stripped" || fail "prefix /verbose/"
no_secret_in "verbose run" "$SCRATCH/v.err" "$secret" "$access"

# Unsigned payloads (single PUTs and parts) land as well.
up -q --unsigned-payload --prefix unsigned "$manifest" >"$SCRATCH/u.jsonl" && check_objects s3 "$SCRATCH/u.jsonl" unsigned --only-objects >/dev/null &&
  pass "--unsigned-payload" || fail "--unsigned-payload"

# Credentials file and profile instead of the environment.
printf '[default]\naws_access_key_id = nobody\naws_secret_access_key = wrong\n\n[mm]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
  "$access" "$secret" >"$SCRATCH/credentials"
mm-upload -q --endpoint "$endpoint" --credentials-file "$SCRATCH/credentials" --profile mm --prefix fromfile "$manifest" >"$SCRATCH/f.jsonl" &&
  MM_CHECK_PART_SIZE=$((64 << 20)) check_objects s3 "$SCRATCH/f.jsonl" fromfile >/dev/null && pass "--credentials-file --profile" || fail "credentials file"
mkdir -p "$HOME/.aws" && cp "$SCRATCH/credentials" "$HOME/.aws/credentials"
AWS_PROFILE=mm mm-upload -q --endpoint "$endpoint" --prefix fromfile "$manifest" | grep -q '"written":0,' &&
  pass "~/.aws/credentials with AWS_PROFILE" || fail "default credentials file"
rm -rf "$HOME/.aws"
expect_error "no credentials" "no credentials: set AWS_ACCESS_KEY_ID" mm-upload --endpoint "$endpoint" "$manifest"
expect_error "profile not in file" "no such file or no profile \[nope\]" \
  mm-upload --endpoint "$endpoint" --credentials-file "$SCRATCH/credentials" --profile nope "$manifest"

# Instance role: a stand-in metadata service (IMDSv2) on loopback hands out the MinIO keys.
MM_IMDS_ACCESS=$access MM_IMDS_SECRET=$secret $PY - >"$SCRATCH/imds.port" <<'PY' &
import http.server, json, os
access, secret = os.environ["MM_IMDS_ACCESS"], os.environ["MM_IMDS_SECRET"]
class H(http.server.BaseHTTPRequestHandler):
    def reply(self, code, body):
        self.send_response(code); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_PUT(self):
        ok = self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        self.reply(200 if ok else 400, b"tok123")
    def do_GET(self):
        if self.headers.get("X-aws-ec2-metadata-token") != "tok123": return self.reply(401, b"")
        if self.path == "/latest/meta-data/iam/security-credentials/": return self.reply(200, b"mm-role")
        if self.path == "/latest/meta-data/iam/security-credentials/mm-role":
            return self.reply(200, json.dumps({"Code": "Success", "AccessKeyId": access, "SecretAccessKey": secret, "Token": ""}).encode())
        self.reply(404, b"")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.timeout = 60
for _ in range(10): s.handle_request()
PY
imds=$!
cleanup_hooks+=("kill $imds 2>/dev/null")
for _ in $(seq 50); do [ -s "$SCRATCH/imds.port" ] && break; sleep 0.1; done
AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$(cat "$SCRATCH/imds.port")/ mm-upload -q --endpoint "$endpoint" --use-iam --prefix iam "$manifest" >"$SCRATCH/iam.jsonl" &&
  MM_CHECK_PART_SIZE=$((64 << 20)) check_objects s3 "$SCRATCH/iam.jsonl" iam >/dev/null && pass "--use-iam through an IMDSv2 stand-in" || fail "--use-iam"
kill "$imds" 2>/dev/null || true

# Wrong bucket, wrong keys, unreachable endpoint: one line each, naming bucket/key and endpoint.
expect_error "missing bucket (--check-bucket)" "bucket no-such-bucket at http://$endpoint: bucket does not exist" up --bucket no-such-bucket --check-bucket "$manifest"
expect_error "missing bucket" "s3://no-such-bucket/migration/.* at http://$endpoint: PUT failed: 404 NoSuchBucket" up --bucket no-such-bucket "$manifest"
AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=not-the-secret expect_error "wrong secret" "at http://$endpoint: HEAD failed: 403 SignatureDoesNotMatch" \
  mm-upload --endpoint "$endpoint" "$manifest"
AWS_ACCESS_KEY_ID=not-the-key AWS_SECRET_ACCESS_KEY=$secret expect_error "wrong access key (--check-bucket)" "bucket a-bucket at http://$endpoint: not writable: 403 InvalidAccessKeyId" \
  mm-upload --endpoint "$endpoint" --check-bucket "$manifest"
AWS_ACCESS_KEY_ID=not-the-key AWS_SECRET_ACCESS_KEY=$secret mm-upload --endpoint "$endpoint" --check-bucket "$manifest" 2>&1 | grep -qFf "$(secrets_file "$secret")" &&
  fail "secret in an error" || pass "secret not in the wrong-key error"
expect_error "unreachable endpoint" "at http://127.0.0.1:1: HEAD: Failed to connect to 127.0.0.1 port 1.*(after 2 attempts)" \
  up --endpoint 127.0.0.1:1 --retries 1 "$manifest"
expect_error "scheme in --endpoint" "without a scheme" up --endpoint "http://$endpoint" "$manifest"

# --create-bucket makes a new bucket (and is harmless when it exists).
up -q --bucket made-by-mm --create-bucket "$manifest" >"$SCRATCH/new.jsonl" && MM_CHECK_BUCKET=made-by-mm check_objects s3 "$SCRATCH/new.jsonl" migration >/dev/null &&
  pass "--create-bucket" || fail "--create-bucket"
up -q --create-bucket "$SCRATCH/new.jsonl" | grep -q '"written":0,' && pass "--create-bucket on an existing bucket" || fail "--create-bucket existing"

# GCS flavour (HMAC keys from GCS_HMAC_*), pointed at MinIO: the same S3 calls.
GCS_HMAC_ACCESS_KEY=$access GCS_HMAC_SECRET=$secret mm-upload -q --backend gcs --endpoint "$endpoint" --region us-east-1 --prefix gcs --part-size 5M "$manifest" >"$SCRATCH/gcs.jsonl" &&
  check_objects s3 "$SCRATCH/gcs.jsonl" gcs >/dev/null && grep -q '"backend":"gcs"' "$SCRATCH/gcs.jsonl" && pass "--backend gcs with HMAC keys" || fail "gcs backend"

# MinIO stopped mid-upload: a clear error; after a restart a rerun completes the upload.
head -c 400000000 /dev/urandom >"$SCRATCH/syn/huge.npy"
printf '{"kind":"group","collection":"synthetic","partition":"_default","name":"huge","rows":1,"files":{"data":"%s"}}\n' "$SCRATCH/syn/huge.npy" >"$SCRATCH/huge.jsonl"
up -j 1 --part-jobs 1 --retries 2 --prefix stop "$SCRATCH/huge.jsonl" >"$SCRATCH/stop.jsonl" 2>"$SCRATCH/stop.err" &
pid=$!
for _ in $(seq 300); do  # until MinIO holds parts of the upload
  [ -n "$(find "$minio/data/.minio.sys/multipart" -type f 2>/dev/null | head -1)" ] && break
  sleep 0.05
done
"$MM_SRC/scripts/test-minio.sh" stop "$minio"
rc=0
wait "$pid" || rc=$?
if [ "$rc" -eq 1 ] && [ "$(grep -c 'error:' "$SCRATCH/stop.err")" -eq 1 ] && grep -q "error: s3://a-bucket/stop/synthetic/_default/huge/data.npy at http://$endpoint: " "$SCRATCH/stop.err"; then
  pass "MinIO stopped mid-upload: $(grep 'error:' "$SCRATCH/stop.err")"
else
  fail "MinIO stopped mid-upload: exit $rc: $(cat "$SCRATCH/stop.err")"
fi
server_up MinIO "$MM_SRC/scripts/test-minio.sh" start "$minio"
endpoint=127.0.0.1:$(cat "$minio/port")
up -q --prefix stop "$SCRATCH/huge.jsonl" >"$SCRATCH/stop2.jsonl" &
pid=$!
watch_cmdlines "$pid" "$secret" "$access"  # a longer run: many looks
wait "$pid" && MM_CHECK_ENDPOINT=$endpoint check_objects s3 "$SCRATCH/stop2.jsonl" stop --only-objects >/dev/null &&
  pass "after the restart a rerun completes the upload" || fail "rerun after restart"
finish
