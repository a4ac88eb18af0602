#!/usr/bin/env python3
"""Every group of a manifest went into the Milvus 2.4+ TEST DOUBLE exactly once: in its partition
the fake holds exactly one completed file group with the group's files, and every partition holds
exactly the rows of its groups. Usage: check_fake_state.py PORT GROUPS.jsonl [DB]"""
import json
import sys
import urllib.request

port, manifest = sys.argv[1], sys.argv[2]
db = sys.argv[3] if len(sys.argv) > 3 else "default"
with urllib.request.urlopen(f"http://127.0.0.1:{port}/_fake/state", timeout=10) as reply:
    state = json.load(reply)
expected, problems = {}, []
for record in map(json.loads, filter(str.strip, open(manifest))):
    if record.get("kind") != "group":
        continue
    c, p = record["collection"], record.get("partition", "_default")
    sent = record.get("objects") or record["files"]  # what mm-bulkinsert gives the server
    files = [sent["id"], sent["data"]]
    collection = state["collections"].get(f"{db}/{c}")
    if collection is None:
        problems.append(f"{c}: no such collection")
        continue
    groups = collection["partitions"].get(p, {"groups": []})["groups"]
    n = sum(1 for g in groups if sorted(g["files"]) == sorted(files))
    if n != 1:
        problems.append(f"{c}/{p}/{record['name']}: imported {n} times")
    expected[(c, p)] = expected.get((c, p), 0) + record["rows"]
for (c, p), rows in expected.items():
    held = sum(g["rows"] for g in state["collections"][f"{db}/{c}"]["partitions"][p]["groups"])
    if held != rows:
        problems.append(f"{c}/{p}: {held} rows, expected {rows}")
for problem in problems:
    print("MISMATCH:", problem)
print(f"{sum(1 for _ in expected)} partitions, {len(problems)} problems")
sys.exit(1 if problems else 0)
