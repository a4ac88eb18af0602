#!/usr/bin/env python3
"""fake_milvus_v24: a TEST DOUBLE of a Milvus 2.4 / 2.5 / 2.6 / 3.0 standalone server.

It is NOT Milvus. No Milvus newer than 2.3.5 can be installed on the test machines, so this fake
imitates, for the bulk-import path only, the documented behaviour of the 2.4+ servers, to test
mm-bulkinsert's crash recovery. Each behaviour names where it comes from in the Milvus source
(milvus-io/milvus; "M-x" below are the files). Written for this project; no Milvus code is copied.

  M-impl   internal/proxy/impl.go (v2.4.5+): Import -> convertToV2ImportRequest, ImportV2,
           GetImportState -> convertToV1GetImportResponse, ListImportTasks ->
           convertToV1ListImportResponse
  M-util   internal/datacoord/import_util.go: GetJobProgress (stage weights 10/30/30/10/10/10,
           3.0 Uncommitted/Committing = 99, "unknown import job state"), GetTaskProgresses
           (fileName = fmt "%v" of the group's paths), ValidateMaxImportJobExceed ("The number of
           jobs has reached the limit, ...")
  M-svc    internal/datacoord/services.go GetImportProgress ("import job does not exist, jobID=%d"
           wrapped in ErrImportFailed)
  M-chk    internal/datacoord/import_checker.go tryTimeoutJob (reason "import timeout")
  M-pre    internal/datanode/importv2 (scheduler/task) readFileStat ("The import file size has
           reached the maximum limit allowed for importing, fileSize=%d, maxSize=%d", per group)
  M-merr   pkg/util/merr/errors.go + utils.go: codes 100 collection not found, 200 partition not
           found, 700 index not found, 101 collection not loaded, 1800 user hasn't authenticated,
           2100 importing data failed, 3000 unsupported operation; Status() = code, reason =
           err.Error() ("<msg>: <base message>"), legacy error_code = oldCode(code)
  M-rest   internal/distributed/proxy/httpserver/handler_v2.go listImportJob / getImportJobProcess
           (JSON shapes), errors as {"code": merr.Code(err), "message": err.Error()}
  M-repl   internal/datacoord/ddl_callbacks_import.go (3.0): "import in replicating cluster is not
           supported yet" (WrapErrOperationNotSupportedMsg)
  M-auth   internal/proxy/authentication_interceptor.go: gRPC status UNAUTHENTICATED

Not confirmed in the source (kept close to what the servers print; see the report): the exact
texts for a missing field file, rows/dim mismatch, the 2.5 nullable refusal, the gRPC auth
message, the HTTP status of a REST auth failure (200 here), and REST describe of an unknown job on
2.4.0-2.4.4.

Fake-only control endpoints (no auth): POST /_fake/collection, GET /_fake/state.
"""
import argparse
import base64
import json
import os
import re
import socket
import sys
import threading
import time
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import numpy as np
from pymilvus.grpc_gen import common_pb2, milvus_pb2, milvus_pb2_grpc, schema_pb2

MAX_GROUP_BYTES = 16 * 1024 ** 3   # dataNode.import.maxImportFileSizeInGB = 16 (M-pre)
DEFAULT_PARTITION = "_default"
TERMINAL = ("Completed", "Failed")

# merr codes (M-merr) and the legacy ErrorCode each maps to (oldCode).
E_UNEXPECTED = common_pb2.UnexpectedError
CODES = {
    100: ("collection not found", common_pb2.CollectionNotExists),
    101: ("collection not loaded", E_UNEXPECTED),
    200: ("partition not found", common_pb2.MetaFailed),
    700: ("index not found", common_pb2.IndexNotExist),
    800: ("database not found", E_UNEXPECTED),
    1100: ("invalid parameter", common_pb2.IllegalArgument),
    1800: ("user hasn't authenticated", E_UNEXPECTED),
    2100: ("importing data failed", E_UNEXPECTED),
    3000: ("unsupported operation", E_UNEXPECTED),
}


class MilvusError(Exception):
    """An merr error: message is err.Error(), i.e. "<detail>: <base>" when wrapped."""

    def __init__(self, code, detail=None, fields=""):
        base, self.legacy = CODES[code]
        self.code = code
        # wrapFields appends "[k=v]" to the base message; Wrap prefixes "<detail>: ".
        msg = base + fields
        super().__init__(f"{detail}: {msg}" if detail else msg)


def status_of(err=None):
    if err is None:
        return common_pb2.Status()
    return common_pb2.Status(code=err.code, reason=str(err), error_code=err.legacy)


def version_tuple(v):
    m = re.match(r"v?(\d+)\.(\d+)\.(\d+)", v)
    if not m:
        sys.exit(f"fake_milvus_v24: bad --version {v!r} (want e.g. v2.6.3)")
    return tuple(int(x) for x in m.groups())


def go_duration_seconds(text):
    """Go time.ParseDuration subset ("3600s", "1h30m", "500ms"), as the `timeout` option."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6, "ns": 1e-9}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        raise MilvusError(2100, f"parse timeout failed, timeout={text}")
    return sum(float(a) * units[b] for a, b in parts)


def has_varint_field(data, number):
    """True when serialized message `data` holds varint field `number` set to non-zero. Used for
    FieldSchema.nullable (15), which pymilvus 2.3.8's schema_pb2 does not know."""
    i = 0

    def varint():
        nonlocal i
        shift = value = 0
        while True:
            b = data[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value
    while i < len(data):
        key = varint()
        num, wire = key >> 3, key & 7
        if wire == 0:
            v = varint()
            if num == number and v:
                return True
        elif wire == 2:
            n = varint()   # (not `i += varint()`: that reads i before varint() moves it)
            i += n
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            return False
    return False


def npy_header(path):
    """(shape, dtype.str, file size) of a .npy file from its header alone."""
    with open(path, "rb") as f:
        major, _ = np.lib.format.read_magic(f)
        if major == 1:
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
    return shape, dtype.str, os.path.getsize(path)


class State:
    """Everything the server knows, persisted to DIR/state.json (atomically) on every change,
    because 2.4+ keeps import jobs across restarts (M-util: jobs live in the datacoord meta)."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.RLock()
        if os.path.exists(path):
            with open(path) as f:
                self.data = json.load(f)
        else:
            self.data = {"last_id": 0, "databases": ["default"], "collections": {}, "jobs": {}}

    def new_id(self):
        # Real ids are TSO timestamps: physical ms << 18 | logical, 18 digits today.
        nid = max(int(time.time() * 1000) << 18, self.data["last_id"] + 1)
        self.data["last_id"] = nid
        return nid

    def save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


class Fake:
    def __init__(self, args):
        self.args = args
        self.version = args.version
        self.ver = version_tuple(args.version)
        self.st = State(os.path.join(args.dir, "state.json"))
        self.user = self.password = None
        if args.auth:
            with open(os.path.join(args.dir, "user")) as f:
                self.user = f.read().strip()
            with open(os.path.join(args.dir, "password")) as f:
                self.password = f.read().strip()

    # ---- collections -------------------------------------------------------------------------
    def coll(self, db, name):
        c = self.st.data["collections"].get(f"{db}/{name}")
        if c is None:
            raise MilvusError(100, fields=f"[database={db}][collection={name}]")
        return c

    def partition(self, c, name):
        p = c["partitions"].get(name or DEFAULT_PARTITION)
        if p is None:
            raise MilvusError(200, fields=f"[partition={name}]")
        return p

    def add_collection(self, db, name, schema_bytes, shards=1):
        schema = schema_pb2.CollectionSchema()
        schema.ParseFromString(schema_bytes)
        info = {"pk": None, "auto_id": False, "vec": None, "vec_type": None, "dim": 0,
                "nullable": [], "partition_key": None, "fields": []}
        for fs in schema.fields:
            raw = fs.SerializeToString()
            nullable = has_varint_field(raw, 15)   # FieldSchema.nullable = 15 (proto 2.5+)
            info["fields"].append({"name": fs.name, "type": fs.data_type, "nullable": nullable})
            if fs.is_primary_key:
                info["pk"], info["auto_id"] = fs.name, fs.autoID
            if fs.data_type in (schema_pb2.FloatVector, schema_pb2.BinaryVector):
                info["vec"], info["vec_type"] = fs.name, fs.data_type
                info["dim"] = int(next((kv.value for kv in fs.type_params if kv.key == "dim"), 0))
            if nullable:
                info["nullable"].append(fs.name)
            if fs.is_partition_key:
                info["partition_key"] = fs.name
        c = {"id": self.st.new_id(), "db": db, "name": name, "shards": shards or 1,
             "schema": base64.b64encode(schema_bytes).decode(), "info": info, "index": None,
             "loaded": False, "created": int(time.time()),
             "partitions": {DEFAULT_PARTITION: {"id": self.st.new_id(), "groups": []}}}
        self.st.data["collections"][f"{db}/{name}"] = c
        self.st.save()
        return c

    def rows_in(self, c, partitions=None):
        names = partitions or list(c["partitions"])
        return sum(g["rows"] for n in names for g in c["partitions"][n]["groups"])

    # ---- jobs --------------------------------------------------------------------------------
    def active_jobs(self):
        return [j for j in self.st.data["jobs"].values() if j["state"] not in TERMINAL]

    def create_job(self, db, coll_name, part_name, files, options):
        """Proxy ImportV2 checks (M-impl), then datacoord's (M-util, M-repl)."""
        c = self.coll(db, coll_name)
        info = c["info"]
        if info["partition_key"] and part_name:
            raise MilvusError(2100, "not allow to set partition name for collection with partition key")
        if not info["partition_key"]:
            self.partition(c, part_name)
        if self.ver[:2] == (2, 5) and info["nullable"]:
            # 2.5 NumPy reader refuses nullable fields (text not confirmed in the source).
            raise MilvusError(2100, "numpy import does not support nullable field, field="
                              + info["nullable"][0])
        if self.ver[0] >= 3 and self.args.replicating:
            raise MilvusError(3000, "import in replicating cluster is not supported yet")
        if not files:
            raise MilvusError(1100, "import request is empty")
        if len(self.active_jobs()) >= self.args.max_jobs:
            raise MilvusError(2100, "The number of jobs has reached the limit, please try again later. "
                              "If your request is set to only import a single file, please consider "
                              "importing multiple files in one request for better efficiency.")
        opts = {kv.key: kv.value for kv in options}
        now = time.time()
        timeout_at = now + go_duration_seconds(opts["timeout"]) if opts.get("timeout") else None
        jid = self.st.new_id()
        self.st.data["jobs"][str(jid)] = {
            "id": jid, "db": db, "collection": coll_name, "collection_id": c["id"],
            "partition": DEFAULT_PARTITION if info["partition_key"] else (part_name or DEFAULT_PARTITION),
            "files": list(files), "options": opts, "state": "Pending", "stage_start": now,
            "reason": "", "total_rows": 0, "file_size": 0, "create_time": now,
            "complete_time": "", "end": None, "timeout_at": timeout_at, "task": False}
        self.st.save()
        return jid

    def preimport(self, job):
        """What the preimport task finds (M-pre): the group's size first, then per field file
        its rows and shape. Returns (rows, size, failure reason or "")."""
        c = self.st.data["collections"].get(f"{job['db']}/{job['collection']}")
        if c is None:
            return 0, 0, "collection not found"
        info = c["info"]
        by_name = {}
        for p in job["files"]:
            by_name.setdefault(os.path.splitext(os.path.basename(p))[0], p)
        size = 0
        for p in job["files"]:
            if not os.path.exists(p):
                return 0, 0, f"open {p}: no such file or directory"
            size += os.path.getsize(p)
        if size > MAX_GROUP_BYTES:
            return 0, size, ("The import file size has reached the maximum limit allowed for importing, "
                             f"fileSize={size}, maxSize={MAX_GROUP_BYTES}")
        rows = {}
        for f in info["fields"]:
            name = f["name"]
            if name == info["pk"] and info["auto_id"]:
                continue
            if name not in by_name:
                if f["nullable"] and self.ver >= (2, 6, 0):
                    continue   # 2.6 lets nullable / default-value fields be omitted
                return 0, size, f"no file for field: {name}, files: [{' '.join(job['files'])}]"
            shape, dtype, _ = npy_header(by_name[name])
            if name == info["vec"]:
                want = info["dim"] if info["vec_type"] == schema_pb2.FloatVector else info["dim"] // 8
                if len(shape) != 2 or shape[1] != want:
                    return 0, size, (f"illegal dimension {shape[1:] or shape} of numpy file "
                                     f"{by_name[name]}, the dimension of field '{name}' is {info['dim']}")
            rows[name] = shape[0] if shape else 0
        if len(set(rows.values())) > 1:
            a, b = sorted(rows.items(), key=lambda kv: kv[1])[:: len(rows) - 1]
            return 0, size, (f"imported rows are not aligned, field '{a[0]}' with '{a[1]}' rows, "
                             f"field '{b[0]}' with '{b[1]}' rows")
        return (next(iter(rows.values())) if rows else 0), size, ""

    def stages(self, job):
        """The internal job states in order, with how long each lasts (M-util weights)."""
        s = self.args.stage_seconds
        c = self.st.data["collections"].get(f"{job['db']}/{job['collection']}")
        out = [("Pending", s), ("PreImporting", s), ("Importing", s), ("Sorting", s)]
        if c and c["index"]:
            out.append(("IndexBuilding", s + self.args.index_seconds))
        if self.ver[0] >= 3:
            out.append(("Committing", s))
        return out

    def fail(self, job, reason, now):
        job.update(state="Failed", reason=reason, end=now,
                   complete_time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)))

    def tick(self):
        """Advance every running job by wall-clock time (so a restart continues them), time them
        out (M-chk) and forget finished ones after --retention (dataCoord.import.taskRetention)."""
        now = time.time()
        changed = False
        with self.st.lock:
            jobs = self.st.data["jobs"]
            for key, job in list(jobs.items()):
                if job["state"] in TERMINAL:
                    if job["end"] is not None and now - job["end"] > self.args.retention:
                        del jobs[key]
                        changed = True
                    continue
                if job["timeout_at"] is not None and now > job["timeout_at"]:
                    self.fail(job, "import timeout", now)
                    changed = True
                    continue
                stages = self.stages(job)
                names = [n for n, _ in stages]
                idx = names.index(job["state"]) if job["state"] in names else len(names) - 1
                if now - job["stage_start"] < stages[idx][1]:
                    continue
                changed = True
                if job["state"] == "PreImporting":
                    rows, size, reason = self.preimport(job)
                    job.update(total_rows=int(rows), file_size=int(size))
                    if reason:
                        self.fail(job, reason, now)
                        continue
                if idx + 1 < len(stages):
                    job.update(state=names[idx + 1], stage_start=now)
                    job["task"] = job["task"] or names[idx + 1] == "Importing"
                else:
                    self.complete(job, now)
            if changed:
                self.st.save()

    def complete(self, job, now):
        c = self.st.data["collections"].get(f"{job['db']}/{job['collection']}")
        if c is None:
            self.fail(job, "collection dropped", now)
            return
        part = c["partitions"].setdefault(job["partition"], {"id": self.st.new_id(), "groups": []})
        part["groups"].append({"job": job["id"], "files": job["files"], "rows": job["total_rows"]})
        job.update(state="Completed", end=now,
                   complete_time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)))

    def progress(self, job):
        """GetJobProgress (M-util): (progress, reported state, imported rows, total rows, reason)."""
        st, total = job["state"], job["total_rows"]
        frac = min(1.0, (time.time() - job["stage_start"]) / max(self.args.stage_seconds, 1e-9))
        if st == "Pending":
            return int(frac * 10), "Pending", 0, 0, ""
        if st == "PreImporting":
            return 10 + int(frac * 30), "Importing", 0, 0, ""
        if st == "Importing":
            return 40 + int(frac * 30), "Importing", int(total * frac), total, ""
        if st == "Sorting":
            return 70 + int(frac * 10), "Importing", total, total, ""
        if st == "IndexBuilding":
            span = self.args.stage_seconds + self.args.index_seconds
            f2 = min(1.0, (time.time() - job["stage_start"]) / max(span, 1e-9))
            return 80 + int(f2 * 10), "Importing", total, total, ""
        if st == "Committing":
            return 99, "Importing", total, total, ""   # auto_commit: reported as Importing
        if st == "Completed":
            return 100, "Completed", total, total, ""
        return 0, "Failed", 0, 0, job["reason"]

    def find_job(self, job_id):
        """M-svc: unknown job on 2.4.5+ is ErrImportFailed; None on 2.4.0-2.4.4."""
        job = self.st.data["jobs"].get(str(job_id))
        if job is None and self.ver >= (2, 4, 5):
            raise MilvusError(2100, f"import job does not exist, jobID={job_id}")
        return job

    def task_details(self, job):
        """GetTaskProgresses (M-util): one entry per import task = per file group, only once the
        import task exists (the job reached Importing)."""
        if not job["task"]:
            return []
        prog, _, _, _, _ = self.progress(job)
        if job["state"] == "Importing":
            p, tstate = max(0, min(100, int((prog - 40) * 100 / 30))), "InProgress"
        elif job["state"] == "Failed":
            p, tstate = 0, "Failed"
        else:
            p, tstate = 100, "Completed"
        d = {"fileName": "[" + " ".join(job["files"]) + "]", "fileSize": job["file_size"],
             "progress": p, "completeTime": job["complete_time"] if tstate == "Completed" else "",
             "state": tstate, "importedRows": p * job["total_rows"] // 100,
             "totalRows": job["total_rows"]}
        if job["state"] == "Failed" and job["reason"]:
            d["reason"] = job["reason"]
        return [d]


# ---- gRPC ------------------------------------------------------------------------------------
def db_of(context, req_db=""):
    """DatabaseInterceptor: the request's db_name, else metadata `dbname`, else default."""
    if req_db:
        return req_db
    md = dict(context.invocation_metadata())
    return md.get("dbname") or "default"


class AuthInterceptor(grpc.ServerInterceptor):
    """M-auth: metadata `authorization` = base64("user:password"); otherwise UNAUTHENTICATED."""

    def __init__(self, fake):
        self.fake = fake

    def intercept_service(self, continuation, details):
        md = dict(details.invocation_metadata)
        token = md.get("authorization", "")
        try:
            ok = base64.b64decode(token).decode() == f"{self.fake.user}:{self.fake.password}"
        except Exception:   # malformed base64 is a wrong credential
            ok = False
        if ok:
            return continuation(details)
        msg = ("missing authorization in header" if not token else
               "auth check failure, please check username and password are correct")

        def deny(_req, ctx):
            ctx.abort(grpc.StatusCode.UNAUTHENTICATED, msg)
        return grpc.unary_unary_rpc_method_handler(deny)


def guarded(resp_cls):
    """Turns a MilvusError into the response's status (servers return errors in-band)."""
    def wrap(fn):
        def inner(self, req, ctx):
            try:
                with self.f.st.lock:
                    return fn(self, req, ctx)
            except MilvusError as e:
                if resp_cls is common_pb2.Status:
                    return status_of(e)
                return resp_cls(status=status_of(e))
        return inner
    return wrap


class Servicer(milvus_pb2_grpc.MilvusServiceServicer):
    def __init__(self, fake):
        self.f = fake

    def GetVersion(self, req, ctx):
        return milvus_pb2.GetVersionResponse(status=status_of(), version=self.f.version)

    @guarded(milvus_pb2.ConnectResponse)
    def Connect(self, req, ctx):
        db = db_of(ctx)
        if db not in self.f.st.data["databases"]:
            raise MilvusError(800, fields=f"[database={db}]")
        return milvus_pb2.ConnectResponse(status=status_of(), identifier=int(time.time() * 1000),
                                          server_info=common_pb2.ServerInfo(build_tags=self.f.version))

    @guarded(milvus_pb2.ListDatabasesResponse)
    def ListDatabases(self, req, ctx):
        return milvus_pb2.ListDatabasesResponse(status=status_of(), db_names=self.f.st.data["databases"])

    @guarded(common_pb2.Status)
    def CreateDatabase(self, req, ctx):
        if req.db_name not in self.f.st.data["databases"]:
            self.f.st.data["databases"].append(req.db_name)
            self.f.st.save()
        return status_of()

    @guarded(common_pb2.Status)
    def CreateCollection(self, req, ctx):
        db = db_of(ctx, req.db_name)
        if db not in self.f.st.data["databases"]:
            raise MilvusError(800, fields=f"[database={db}]")
        if f"{db}/{req.collection_name}" not in self.f.st.data["collections"]:
            self.f.add_collection(db, req.collection_name, req.schema, req.shards_num)
        return status_of()

    @guarded(milvus_pb2.BoolResponse)
    def HasCollection(self, req, ctx):
        key = f"{db_of(ctx, req.db_name)}/{req.collection_name}"
        return milvus_pb2.BoolResponse(status=status_of(), value=key in self.f.st.data["collections"])

    @guarded(milvus_pb2.DescribeCollectionResponse)
    def DescribeCollection(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        schema = schema_pb2.CollectionSchema()
        schema.ParseFromString(base64.b64decode(c["schema"]))
        if self.f.ver[0] >= 3:   # 3.0 hides the system fields $meta / $namespace_id
            keep = [fs for fs in schema.fields if not fs.name.startswith("$")]
            del schema.fields[:]
            schema.fields.extend(keep)
        return milvus_pb2.DescribeCollectionResponse(
            status=status_of(), schema=schema, collectionID=c["id"], collection_name=c["name"],
            shards_num=c["shards"], created_timestamp=c["created"], created_utc_timestamp=c["created"],
            num_partitions=len(c["partitions"]), db_name=c["db"])

    @guarded(common_pb2.Status)
    def DropCollection(self, req, ctx):
        key = f"{db_of(ctx, req.db_name)}/{req.collection_name}"
        self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        del self.f.st.data["collections"][key]
        self.f.st.save()
        return status_of()

    @guarded(milvus_pb2.ShowCollectionsResponse)
    def ShowCollections(self, req, ctx):
        db = db_of(ctx, req.db_name)
        cs = [c for c in self.f.st.data["collections"].values() if c["db"] == db]
        if req.collection_names:
            cs = [c for c in cs if c["name"] in req.collection_names]
        return milvus_pb2.ShowCollectionsResponse(
            status=status_of(), collection_names=[c["name"] for c in cs],
            collection_ids=[c["id"] for c in cs],
            inMemory_percentages=[100 if c["loaded"] else 0 for c in cs],
            query_service_available=[c["loaded"] for c in cs])

    @guarded(milvus_pb2.BoolResponse)
    def HasPartition(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        return milvus_pb2.BoolResponse(status=status_of(), value=req.partition_name in c["partitions"])

    @guarded(common_pb2.Status)
    def CreatePartition(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        c["partitions"].setdefault(req.partition_name, {"id": self.f.st.new_id(), "groups": []})
        self.f.st.save()
        return status_of()

    @guarded(milvus_pb2.ShowPartitionsResponse)
    def ShowPartitions(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        names = list(c["partitions"])
        return milvus_pb2.ShowPartitionsResponse(
            status=status_of(), partition_names=names,
            partitionIDs=[c["partitions"][n]["id"] for n in names],
            created_timestamps=[c["created"]] * len(names),
            created_utc_timestamps=[c["created"]] * len(names),
            inMemory_percentages=[100 if c["loaded"] else 0] * len(names))

    @guarded(milvus_pb2.GetCollectionStatisticsResponse)
    def GetCollectionStatistics(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        return milvus_pb2.GetCollectionStatisticsResponse(
            status=status_of(), stats=[common_pb2.KeyValuePair(key="row_count", value=str(self.f.rows_in(c)))])

    @guarded(milvus_pb2.GetPartitionStatisticsResponse)
    def GetPartitionStatistics(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        self.f.partition(c, req.partition_name)
        rows = self.f.rows_in(c, [req.partition_name])
        return milvus_pb2.GetPartitionStatisticsResponse(
            status=status_of(), stats=[common_pb2.KeyValuePair(key="row_count", value=str(rows))])

    @guarded(milvus_pb2.FlushResponse)
    def Flush(self, req, ctx):
        db = db_of(ctx, req.db_name)
        for name in req.collection_names:
            self.f.coll(db, name)
        return milvus_pb2.FlushResponse(status=status_of(), db_name=db)

    @guarded(milvus_pb2.GetFlushStateResponse)
    def GetFlushState(self, req, ctx):
        return milvus_pb2.GetFlushStateResponse(status=status_of(), flushed=True)

    @guarded(common_pb2.Status)
    def CreateIndex(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        c["index"] = {"field": req.field_name, "name": req.index_name or "_default_idx",
                      "id": self.f.st.new_id(),
                      "params": {kv.key: kv.value for kv in req.extra_params}}
        self.f.st.save()
        return status_of()

    @guarded(milvus_pb2.DescribeIndexResponse)
    def DescribeIndex(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        ix = c["index"]
        if ix is None or (req.index_name and req.index_name != ix["name"]):
            raise MilvusError(700, fields=f"[collection={req.collection_name}]")
        rows = self.f.rows_in(c)
        return milvus_pb2.DescribeIndexResponse(status=status_of(), index_descriptions=[
            milvus_pb2.IndexDescription(
                index_name=ix["name"], indexID=ix["id"], field_name=ix["field"],
                params=[common_pb2.KeyValuePair(key=k, value=v) for k, v in ix["params"].items()],
                indexed_rows=rows, total_rows=rows, pending_index_rows=0,
                state=common_pb2.Finished)])

    @guarded(common_pb2.Status)
    def LoadCollection(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        c["loaded"] = True
        self.f.st.save()
        return status_of()

    @guarded(common_pb2.Status)
    def ReleaseCollection(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        c["loaded"] = False
        self.f.st.save()
        return status_of()

    @guarded(milvus_pb2.GetLoadingProgressResponse)
    def GetLoadingProgress(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        p = 100 if c["loaded"] else 0
        return milvus_pb2.GetLoadingProgressResponse(status=status_of(), progress=p, refresh_progress=p)

    @guarded(milvus_pb2.GetLoadStateResponse)
    def GetLoadState(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        st = common_pb2.LoadStateLoaded if c["loaded"] else common_pb2.LoadStateNotLoad
        return milvus_pb2.GetLoadStateResponse(status=status_of(), state=st)

    @guarded(milvus_pb2.QueryResults)
    def Query(self, req, ctx):
        c = self.f.coll(db_of(ctx, req.db_name), req.collection_name)
        if not c["loaded"]:
            raise MilvusError(101, fields=f"[collection={c['id']}]")
        return query(self.f, c, req)

    # ---- import (M-impl) ---------------------------------------------------------------------
    def Import(self, req, ctx):
        try:
            with self.f.st.lock:
                jid = self.f.create_job(db_of(ctx, req.db_name), req.collection_name,
                                        req.partition_name, req.files, req.options)
        except MilvusError as e:
            return milvus_pb2.ImportResponse(status=status_of(e))
        if self.f.args.hold_import > 0:
            time.sleep(self.f.args.hold_import)   # test window: job exists, client has no id yet
        return milvus_pb2.ImportResponse(status=status_of(), tasks=[jid])

    @guarded(milvus_pb2.GetImportStateResponse)
    def GetImportState(self, req, ctx):
        job = self.f.find_job(req.task)
        if job is None:   # 2.4.0-2.4.4: an OK status and a failed-looking job
            return v1_state(0, "Failed", 0, "unknown import job state")
        prog, state, imported, _, reason = self.f.progress(job)
        return v1_state(prog, state, imported, reason)

    @guarded(milvus_pb2.ListImportTasksResponse)
    def ListImportTasks(self, req, ctx):
        db = db_of(ctx, req.db_name)
        if req.collection_name:
            self.f.coll(db, req.collection_name)
        tasks = []
        for job in self.f.st.data["jobs"].values():
            if job["db"] != db or (req.collection_name and job["collection"] != req.collection_name):
                continue
            prog, state, _, _, reason = self.f.progress(job)
            tasks.append(v1_state(prog, state, 0, reason))   # no id, no files, no rows; limit ignored
        return milvus_pb2.ListImportTasksResponse(status=status_of(), tasks=tasks)


def v1_state(progress, state, rows, reason):
    """convertToV1GetImportResponse (M-impl): only Pending/Failed/Started/Completed, infos only
    failed_reason and progress_percent, id/collection_id/segment_ids left empty."""
    v1 = {"Pending": common_pb2.ImportPending, "Failed": common_pb2.ImportFailed,
          "Completed": common_pb2.ImportCompleted}.get(state, common_pb2.ImportStarted)
    return milvus_pb2.GetImportStateResponse(
        status=status_of(), state=v1, row_count=rows,
        infos=[common_pb2.KeyValuePair(key="failed_reason", value=reason),
               common_pb2.KeyValuePair(key="progress_percent", value=str(progress))])


def query(fake, c, req):
    """Query over the completed file groups: `pk in [..]`, `pk <op> N`, or count(*)."""
    info = c["info"]
    pk, vec = info["pk"], info["vec"]
    parts = list(req.partition_names) or list(c["partitions"])
    for p in parts:
        fake.partition(c, p)
    expr = req.expr.strip()
    ids = None
    cmp = None
    m = re.fullmatch(rf"{re.escape(pk)}\s+in\s*\[([^\]]*)\]", expr)
    if m:
        ids = np.array([int(x) for x in m.group(1).replace(",", " ").split()], dtype=np.int64)
    elif expr:
        m = re.fullmatch(rf"{re.escape(pk)}\s*(<=|>=|<|>|==)\s*(-?\d+)", expr)
        if not m:
            raise MilvusError(1100, f"cannot parse expression: {expr}")
        cmp = (m.group(1), int(m.group(2)))
    outputs = list(req.output_fields)
    groups = [g for p in parts for g in c["partitions"][p]["groups"]]
    if outputs == ["count(*)"] and ids is None and cmp is None:
        n = sum(g["rows"] for g in groups)
        return count_result(c, n)
    id_parts, vec_parts = [], []
    for g in groups:
        files = {os.path.splitext(os.path.basename(p))[0]: p for p in g["files"]}
        gid = np.load(files[pk], mmap_mode="r")
        if ids is not None:
            mask = np.isin(gid, ids)
        elif cmp is not None:
            op, v = cmp
            mask = {"<": gid < v, "<=": gid <= v, ">": gid > v, ">=": gid >= v, "==": gid == v}[op]
        else:
            mask = np.ones(len(gid), dtype=bool)
        if not mask.any():
            continue
        id_parts.append(np.asarray(gid[mask]))
        if vec in outputs:
            vec_parts.append(np.asarray(np.load(files[vec], mmap_mode="r")[mask]))
    all_ids = np.concatenate(id_parts) if id_parts else np.zeros(0, dtype=np.int64)
    if outputs == ["count(*)"]:
        return count_result(c, len(all_ids))
    fields = [schema_pb2.FieldData(type=schema_pb2.Int64, field_name=pk, scalars=schema_pb2.ScalarField(
        long_data=schema_pb2.LongArray(data=all_ids.tolist())))]
    if vec in outputs:
        dim = info["dim"]
        if info["vec_type"] == schema_pb2.FloatVector:
            data = np.concatenate(vec_parts).astype("<f4") if vec_parts else np.zeros((0, dim), "<f4")
            vf = schema_pb2.VectorField(dim=dim, float_vector=schema_pb2.FloatArray(data=data.ravel().tolist()))
        else:
            data = np.concatenate(vec_parts) if vec_parts else np.zeros((0, dim // 8), "u1")
            vf = schema_pb2.VectorField(dim=dim, binary_vector=data.astype("u1").tobytes())
        fields.append(schema_pb2.FieldData(type=info["vec_type"], field_name=vec, vectors=vf))
    return milvus_pb2.QueryResults(status=status_of(), fields_data=fields, collection_name=c["name"],
                                   output_fields=[f.field_name for f in fields])


def count_result(c, n):
    fd = schema_pb2.FieldData(type=schema_pb2.Int64, field_name="count(*)", scalars=schema_pb2.ScalarField(
        long_data=schema_pb2.LongArray(data=[n])))
    return milvus_pb2.QueryResults(status=status_of(), fields_data=[fd], collection_name=c["name"],
                                   output_fields=["count(*)"])


# ---- REST (M-rest) ---------------------------------------------------------------------------
def make_http_handler(fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, obj, status=200):
            body = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            try:
                return json.loads(raw or b"{}")
            except ValueError:
                return None

        def authed(self):
            if not fake.args.auth:
                return True
            h = self.headers.get("Authorization", "")
            return h == f"Bearer {fake.user}:{fake.password}"

        def do_GET(self):
            if self.path == "/_fake/state":
                with fake.st.lock:
                    return self.reply(fake_state(fake))
            self.reply({"code": 404, "message": f"not found: {self.path}"}, 404)

        def do_POST(self):
            req = self.body()
            if self.path == "/_fake/collection":
                return self.reply(fake_collection(fake, req or {}))
            if not self.path.startswith("/v2/vectordb/jobs/import/"):
                return self.reply({"code": 404, "message": f"not found: {self.path}"}, 404)
            if not self.authed():
                return self.reply({"code": 1800, "message": "user hasn't authenticated"})
            if req is None:
                return self.reply({"code": 1801, "message": "can only accept json format request"})
            action = self.path.rsplit("/", 1)[1]
            try:
                with fake.st.lock:
                    if action == "list":
                        return self.reply(rest_list(fake, req))
                    if action in ("describe", "get_progress"):
                        return self.reply(rest_describe(fake, req))
            except MilvusError as e:
                return self.reply({"code": e.code, "message": str(e)})
            self.reply({"code": 404, "message": f"not supported by the fake: {self.path}"}, 404)
    return Handler


def rest_list(fake, req):
    db = req.get("dbName") or "default"
    coll = req.get("collectionName") or ""
    if coll:
        fake.coll(db, coll)
    records = []
    for job in fake.st.data["jobs"].values():
        if job["db"] != db or (coll and job["collection"] != coll):
            continue
        prog, state, _, _, reason = fake.progress(job)
        r = {"jobId": str(job["id"]), "collectionName": job["collection"], "state": state, "progress": prog}
        if reason:
            r["reason"] = reason
        records.append(r)
    return {"code": 0, "data": {"records": records}}


def rest_describe(fake, req):
    jid = str(req.get("jobId", req.get("jobID", "")))
    if not re.fullmatch(r"-?\d+", jid):
        raise MilvusError(2100, f"parse job id failed, err={jid!r} is not an integer")
    job = fake.find_job(int(jid))
    if job is None:   # 2.4.0-2.4.4 (inferred): the job state as GetJobProgress gives it
        return {"code": 0, "data": {"jobId": jid, "collectionName": "", "completeTime": "",
                                    "state": "None", "progress": 0, "importedRows": 0, "totalRows": 0,
                                    "reason": "unknown import job state", "fileSize": 0, "details": []}}
    prog, state, imported, total, reason = fake.progress(job)
    details = fake.task_details(job)
    data = {"jobId": jid, "collectionName": job["collection"], "completeTime": job["complete_time"],
            "state": state, "progress": prog, "importedRows": imported, "totalRows": total}
    if reason:
        data["reason"] = reason
    data["fileSize"] = sum(d["fileSize"] for d in details)
    data["details"] = details
    return {"code": 0, "data": data}


def fake_collection(fake, req):
    """Fake-only: a collection with an Int64 `tag` field marked nullable (FieldSchema field 15,
    unknown to pymilvus 2.3.8's stubs: appended as raw bytes) and/or partition key (field 13)."""
    db, name, dim = req.get("db") or "default", req.get("name"), int(req.get("dim") or 8)
    if not name:
        return {"code": 1802, "message": "missing required parameters: name"}
    tag = schema_pb2.FieldSchema(fieldID=102, name="tag", data_type=schema_pb2.Int64,
                                 is_partition_key=bool(req.get("partition_key")))
    raw = tag.SerializeToString() + (b"\x78\x01" if req.get("nullable") else b"")
    tag = schema_pb2.FieldSchema()
    tag.ParseFromString(raw)
    schema = schema_pb2.CollectionSchema(name=name, fields=[
        schema_pb2.FieldSchema(fieldID=100, name="id", data_type=schema_pb2.Int64, is_primary_key=True),
        schema_pb2.FieldSchema(fieldID=101, name="data", data_type=schema_pb2.FloatVector,
                               type_params=[common_pb2.KeyValuePair(key="dim", value=str(dim))]),
        tag])
    with fake.st.lock:
        if db not in fake.st.data["databases"]:
            fake.st.data["databases"].append(db)
        c = fake.add_collection(db, name, schema.SerializeToString())
    return {"code": 0, "data": {"id": c["id"], "info": c["info"]}}


def fake_state(fake):
    cols = {}
    for key, c in fake.st.data["collections"].items():
        cols[key] = {"id": c["id"], "info": c["info"], "index": c["index"], "loaded": c["loaded"],
                     "partitions": {n: {"rows": sum(g["rows"] for g in p["groups"]),
                                        "groups": p["groups"]} for n, p in c["partitions"].items()}}
    return {"version": fake.version, "databases": fake.st.data["databases"],
            "jobs": list(fake.st.data["jobs"].values()), "collections": cols}


# ---- one port for gRPC and REST --------------------------------------------------------------
def pump(src, dst):
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            dst.sendall(b)
    except OSError:
        pass
    finally:
        for s in (dst, src):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def route(conn, grpc_port, http_port, control_port):
    """Peek at the first bytes: the HTTP/2 preface "PRI * HTTP/2.0" goes to gRPC, anything else
    (an HTTP/1.1 method) to the REST server, as a 2.4+ proxy serves both on 19530. With REST
    off (proxy.http.enabled: false) the port speaks only gRPC: an HTTP/1.1 client is cut off."""
    try:
        head = b""
        deadline = time.time() + 10
        # Enough to tell the preface, and the fake's own control paths, which stay served.
        while len(head) < 12 and time.time() < deadline:
            head = conn.recv(12, socket.MSG_PEEK)
            if not head:
                conn.close()
                return
            if len(head) < 12:
                time.sleep(0.01)
        control = b" /_fake/" in head
        if http_port is None and not head.startswith(b"PRI"):
            if not control:
                conn.close()
                return
            http_port = control_port
        port = grpc_port if head.startswith(b"PRI") else http_port
        back = socket.create_connection(("127.0.0.1", port))
    except OSError:
        conn.close()
        return
    for s in (conn, back):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threading.Thread(target=pump, args=(back, conn), daemon=True).start()
    pump(conn, back)
    conn.close()
    back.close()


def main():
    ap = argparse.ArgumentParser(description="TEST DOUBLE of a Milvus 2.4-3.0 standalone server (import path)")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--version", default="v2.6.3")
    ap.add_argument("--auth", action="store_true")
    ap.add_argument("--retention", type=float, default=10800)   # dataCoord.import.taskRetention
    ap.add_argument("--stage-seconds", type=float, default=0.5)
    ap.add_argument("--index-seconds", type=float, default=0)
    ap.add_argument("--hold-import", type=float, default=0)
    ap.add_argument("--replicating", action="store_true")
    ap.add_argument("--max-jobs", type=int, default=1024)        # dataCoord.import.maxImportJobNum
    ap.add_argument("--no-rest", action="store_true")            # proxy.http.enabled: false
    args = ap.parse_args()
    fake = Fake(args)

    interceptors = [AuthInterceptor(fake)] if args.auth else []
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), interceptors=interceptors,
                         options=[("grpc.max_receive_message_length", 256 << 20),
                                  ("grpc.max_send_message_length", 256 << 20)])
    milvus_pb2_grpc.add_MilvusServiceServicer_to_server(Servicer(fake), server)
    grpc_port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_http_handler(fake))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def ticker():
        while True:
            try:
                fake.tick()
            except Exception as e:   # keep serving; a test will see the job stuck
                print(f"fake_milvus_v24: tick failed: {e!r}", file=sys.stderr, flush=True)
            time.sleep(0.05)
    threading.Thread(target=ticker, daemon=True).start()

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", args.port))
    lsock.listen(128)
    print(f"fake_milvus_v24 {args.version} (TEST DOUBLE) on 127.0.0.1:{args.port}", flush=True)
    while True:
        conn, _ = lsock.accept()
        http_port = None if args.no_rest else httpd.server_address[1]
        threading.Thread(target=route, args=(conn, grpc_port, http_port, httpd.server_address[1]), daemon=True).start()


if __name__ == "__main__":
    main()
