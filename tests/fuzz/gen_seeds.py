#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets: tests/fuzz/corpus/<target>/ (committed; rerun
after a format change). Seeds come from the shared fixtures (milvus1x-test1w, milvus091-cibr),
from an installation made by tests/fixtures/gen1x.py, from examples/migration.yaml, from the
tools' own output on those (mm-meta, mm-scan, mm-npy with --log-format json), and from hand-written
journal lines, S3/Azure replies and credentials files.

  tests/fuzz/gen_seeds.py [--bin build] [--fixtures /work/shared/fixtures] [--out tests/fuzz/corpus]
"""
import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def put(out, target, data, name=None):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def sqlite_checkpointed(db, tmp):
    """A copy of meta.sqlite with its WAL folded in (the main file alone may hold no table)."""
    d = tempfile.mkdtemp(dir=tmp)
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(db + ext):
            shutil.copy(db + ext, os.path.join(d, "meta.sqlite" + ext))
    con = sqlite3.connect(os.path.join(d, "meta.sqlite"))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("VACUUM")
    con.close()
    with open(os.path.join(d, "meta.sqlite"), "rb") as f:
        return f.read()


def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True)
    return p.stdout, p.stderr


def segment_seed(kind, file_type, dim, row_count, file_size, rv, uid, deleted):
    head = struct.pack("<BBhqqBxxxII", kind, (file_type + 1) % 10, dim, row_count, file_size,
                       1 if deleted is not None else 0, len(rv), len(uid))
    assert len(head) == 32
    return head + rv + uid + (deleted or b"")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(SRC, "build"))
    ap.add_argument("--fixtures", default="/work/shared/fixtures")
    ap.add_argument("--out", default=os.path.join(SRC, "tests/fuzz/corpus"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="mm-seeds-")
    try:
        gen = os.path.join(tmp, "g1x")
        subprocess.run(["/usr/bin/python3", os.path.join(SRC, "tests/fixtures/gen1x.py"), "--out", gen],
                       check=True, capture_output=True)
        installs = [(os.path.join(gen, "db/meta.sqlite"), os.path.join(gen, "db/tables"))]
        cibr = os.path.join(a.fixtures, "milvus091-cibr/db")
        if os.path.isdir(cibr):
            installs.append((os.path.join(cibr, "meta.sqlite"), os.path.join(cibr, "tables")))
        t1w = os.path.join(a.fixtures, "milvus1x-test1w")

        # meta.sqlite
        for db, _ in installs:
            put(a.out, "fuzz_meta_sqlite", sqlite_checkpointed(db, tmp))

        # meta.json: the fixture's, and mm-meta --export-json of each installation.
        if os.path.exists(os.path.join(t1w, "meta.json")):
            put(a.out, "fuzz_meta_json", open(os.path.join(t1w, "meta.json"), "rb").read())
        mm = lambda tool: os.path.join(a.bin, tool)
        have_tools = all(os.access(mm(t), os.X_OK) for t in ("mm-meta", "mm-scan", "mm-npy"))
        manifests = []
        logs = []
        for db, tables in installs:
            if not have_tools:
                break
            j = os.path.join(tmp, "export.json")
            run([mm("mm-meta"), "--sqlite", db, "--export-json", j])
            if os.path.exists(j):
                put(a.out, "fuzz_meta_json", open(j, "rb").read())
                os.remove(j)
            meta, err = run([mm("mm-meta"), "--sqlite", db, "--log-format", "json", "-v"])
            scan, err2 = run([mm("mm-scan"), "--tables", tables, "--log-format", "json", "-v"], stdin=meta)
            npy_out = os.path.join(tmp, "npy-" + hashlib.sha1(db.encode()).hexdigest()[:6])
            groups, err3 = run([mm("mm-npy"), "--out", npy_out, "--group-size", "64K", "--log-format", "json", "-v"],
                               stdin=scan)
            manifests += [meta, scan, groups]
            logs += [err, err2, err3]
        if not have_tools:
            print("gen_seeds: no tools in %s: manifest and log seeds from hand-written lines only" % a.bin, file=sys.stderr)

        # Manifests for mm-npy's planner: whole scanned manifests, and cut to a few records.
        # The harness works in its scratch directory, where seg.rv and seg.uid exist (1 GiB, sparse).
        for m in manifests:
            lines = m.splitlines(keepends=True)
            local = []
            for line in lines[:40]:
                if b'"kind":"segment"' in line and b'"rv"' in line:
                    rec = json.loads(line)
                    rec.update(dir=".", rv="seg.rv", uid="seg.uid")
                    if rec.get("deleted_docs"):
                        rec["deleted_docs"] = "seg.del"
                    line = (json.dumps(rec, separators=(",", ":")) + "\n").encode()
                local.append(line)
            put(a.out, "fuzz_manifest_npy", b"".join(local))
            for line in lines[:60]:
                put(a.out, "fuzz_parse_json", line.rstrip(b"\n"))
        put(a.out, "fuzz_manifest_npy",
            '{"kind":"segment","collection":"c","partition":"_default","tag":"","table_id":"t","segment_id":"1",'
            '"file_type":1,"row_count":3,"file_size":60,"dim":4,"vector":"float","scanned":true,"dir":"/nonexistent",'
            '"rv":"","uid":"","deleted_docs":"","rows":3,"deleted":1,"live":2}\n')

        # Group records for mm-upload: files under src/ of the harness's working directory.
        group = {"kind": "group", "collection": "c", "partition": "_default", "tag": "", "name": "g-000001",
                 "rows": 1, "dim": 2, "vector": "float", "files": {"id": "src/id.npy", "data": "src/data.npy"}}
        put(a.out, "fuzz_upload_group", json.dumps(group) + "\n")
        g2 = dict(group, name="g-000002", partition="p1", files={"id": "src/id.npy"})
        put(a.out, "fuzz_upload_group", json.dumps(group) + "\n" + json.dumps(g2) + "\n" +
            '{"kind":"summary","tool":"mm-npy","groups":2}\n')
        for m in manifests:
            for line in m.splitlines():
                if b'"kind":"group"' in line:
                    rec = json.loads(line)
                    rec["files"] = {k: "src/%s.npy" % ("id" if k == "id" else "data") for k in rec.get("files", {})}
                    put(a.out, "fuzz_upload_group", json.dumps(rec) + "\n")
                    break

        # Segment files: real small segments (header per fuzz_segment_files.cpp).
        n = 0
        for _, tables in installs + [(None, os.path.join(t1w, "tables"))]:
            for root, dirs, files in os.walk(tables):
                rvs = [f for f in files if f.endswith(".rv")]
                uids = [f for f in files if f.endswith(".uid")]
                if not rvs or not uids:
                    continue
                rv = open(os.path.join(root, rvs[0]), "rb").read()
                uid = open(os.path.join(root, uids[0]), "rb").read()
                if len(rv) > 40000:
                    continue
                dd = None
                if "deleted_docs" in files:
                    dd = open(os.path.join(root, "deleted_docs"), "rb").read()
                rows = (len(uid) - 8) // 8
                dim = (len(rv) - 8) // max(rows, 1) // 4 if rows else 4
                put(a.out, "fuzz_segment_files", segment_seed(0, 1, dim, rows, len(rv) + len(uid), rv, uid, dd))
                put(a.out, "fuzz_segment_files", segment_seed(1, 1, dim * 32, rows, -1, rv, uid, dd))
                n += 1
                if n >= 8:
                    break
        rv = struct.pack("<Q", 16) + struct.pack("<4f", 1, 2, 3, 4)
        uid = struct.pack("<Q", 16) + struct.pack("<2q", 7, 8)
        put(a.out, "fuzz_segment_files", segment_seed(0, 1, 2, 2, 40, rv, uid, struct.pack("<Qi", 4, 1)))
        put(a.out, "fuzz_segment_files", segment_seed(0, -1, 2, 2, 0, rv, uid, None))
        put(a.out, "fuzz_segment_files", segment_seed(1, 7, 64, 2, 0, struct.pack("<Q", 16) + b"\xff" * 16, uid,
                                                      struct.pack("<Q", 12) + struct.pack("<3i", 1, 1, 9)))

        # Import journal.
        T = '"time":"2026-11-30T08:10:00.123Z"'
        entries = [
            '{"event":"target","server":"localhost:19530","database":"default",%s}' % T,
            '{"event":"server","version":"2.3.21",%s}' % T,
            '{"event":"baseline","collection":"c","partition":"_default","rows":0,%s}' % T,
            '{"event":"submitting","group":"g0","collection":"c","partition":"_default","rows":10,'
            '"pieces":[{"segment":"t/1","first":0,"rows":10}],%s}' % T,
            '{"event":"submitted","group":"g0","task":4471,%s}' % T,
            '{"event":"stalled","group":"g0","task":4471,"seconds":600,%s}' % T,
            '{"event":"failed","group":"g0","task":4471,"reason":"out of memory","rows":5,"segments":[1,2],%s}' % T,
            '{"event":"submitting","group":"g1","collection":"c","partition":"p1","rows":3,'
            '"pieces":[{"segment":"t/2","first":5,"rows":3}],%s}' % T,
            '{"event":"submitted","group":"g1","task":4472,%s}' % T,
            '{"event":"completed","group":"g1","task":4472,"rows":3,%s}' % T,
            '{"event":"reconciled","group":"g0","task":4471,"rows":10,"present":true,%s}' % T,
        ]
        put(a.out, "fuzz_import_journal", "\n".join(entries) + "\n", "full")
        put(a.out, "fuzz_import_journal", "\n".join(entries[:5]) + "\n", "submitted")
        put(a.out, "fuzz_import_journal", "\n".join(entries[:4]) + "\n" + entries[4][:20], "torn")
        put(a.out, "fuzz_import_journal", "", "empty")

        # migration.yaml
        ex = os.path.join(SRC, "examples/migration.yaml")
        put(a.out, "fuzz_config", open(ex, "rb").read(), "example")
        put(a.out, "fuzz_config",
            "dumper: {worker: {workMode: milvus1x, limit: 4}}\nloader: {worker: {limit: 2}}\n"
            "meta: {mode: sqlite, sqliteFile: /var/lib/milvus/db/meta.sqlite}\n"
            "source: {mode: local, local: {tablesDir: /var/lib/milvus/db/tables}}\n"
            "target:\n  mode: remote\n  remote: {cloud: aws, endpoint: minio.example:9000, region: us-east-1, "
            "bucket: a-bucket, useSSL: false}\n  milvus2x: {endpoint: milvus.example:19530, username: root}\n"
            "milvusmm: {workDir: /data/mm-work, createIndex: true, verifySample: 100}\n", "readme")
        put(a.out, "fuzz_config",
            "dumper:\n  worker:\n    workMode: milvus1x\nmeta:\n  mode: mysql\n  mysqlUrl: root:pw@tcp(127.0.0.1:3306)/milvus\n"
            "source:\n  mode: local\n  local:\n    tablesDir: /t\ntarget:\n  mode: local\n  local:\n    outputDir: /o\n"
            "  milvus2x:\n    endpoint: localhost:19530\n", "mysql")

        # Log lines.
        put(a.out, "fuzz_log_line", '{"time":"2026-11-25T04:08:35.123Z","tool":"mm-scan","level":"warning","message":"x"}', "msg")
        put(a.out, "fuzz_log_line",
            '{"time":"2026-11-25T04:08:35.123Z","tool":"mm-npy","level":"progress","stage":"converted","items":3,'
            '"bytes":100,"rows":7,"total_items":9,"total_bytes":900,"seconds":1.5,"final":false,"detail":"a"}', "progress")
        k = 0
        for err in logs:
            for line in err.splitlines()[:12]:
                put(a.out, "fuzz_log_line", line)
                k += 1

        # parse_json extras.
        for text in ('{"kind":"segment","rows":18446744073709551615,"live":-1}', '[[[[[[[[1]]]]]]]]',
                     '{"a":"\\ud800","b":1e309,"c":null}', '{"kind":5}'):
            put(a.out, "fuzz_parse_json", text)

        # S3 and Azure replies.
        put(a.out, "fuzz_storage_xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            '<Name>a-bucket</Name><Prefix>files/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>'
            '<IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM='
            '</NextContinuationToken><Contents><Key>files/c/_default/g-000001/id.npy</Key>'
            '<LastModified>2026-11-25T04:08:35.123Z</LastModified><ETag>&#34;3858f62230ac3c915f300c664312c63f&#34;</ETag>'
            '<Size>136</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>a&amp;b&#x01;.npy</Key>'
            '<ETag>"d41d8cd98f00b204e9800998ecf8427e-2"</ETag><Size>0</Size></Contents></ListBucketResult>', "s3-list")
        put(a.out, "fuzz_storage_xml",
            '<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" '
            'ContainerName="c"><Prefix>files/</Prefix><MaxResults>1000</MaxResults><Blobs><Blob><Name>files/x/id.npy</Name>'
            '<Properties><Creation-Time>Tue, 25 Nov 2026 04:08:35 GMT</Creation-Time><Etag>0x8DBDA3A6C6F4C2E</Etag>'
            '<Content-Length>136</Content-Length><BlobType>BlockBlob</BlobType></Properties></Blob></Blobs>'
            '<NextMarker>2!96!MDAwMDE</NextMarker></EnumerationResults>', "azure-list")
        put(a.out, "fuzz_storage_xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucket</Code><Message>The specified bucket does '
            'not exist</Message><BucketName>a-bucket</BucketName><Resource>/a-bucket</Resource>'
            '<RequestId>17A1B2C3</RequestId></Error>', "s3-error")
        put(a.out, "fuzz_storage_xml",
            '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to '
            'authenticate the request.\nRequestId:0b3c\nTime:2026-11-25T04:08:35.1230000Z</Message></Error>', "azure-error")
        put(a.out, "fuzz_storage_xml",
            '<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElE</UploadId>'
            '</InitiateMultipartUploadResult>', "s3-multipart")

        # Credentials files.
        put(a.out, "fuzz_credentials",
            "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n"
            "# comment\n; other\n[mm]\naws_access_key_id=a\naws_secret_access_key=b\naws_session_token=c\n", "two")
        put(a.out, "fuzz_credentials", "[default]\naws_access_key_id = only\n", "half")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
