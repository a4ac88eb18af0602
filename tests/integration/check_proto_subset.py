#!/usr/bin/python3
"""Checks that every message, field, enum value and RPC in our proto/ subset exists in the official
Milvus protos with the same number, type and label.
Usage: check_proto_subset.py [--older] OURS_DIR OFFICIAL_DIR
--older: OFFICIAL_DIR is an older release, where members added later may be missing (they must
still match wherever they exist); without it every member must be there."""
import json
import re
import sys
from pathlib import Path

TOKEN = re.compile(r'"[^"]*"|[A-Za-z_][\w.]*|-?\d+|[{}()<>\[\];=,]')


def tokens(text):
    text = re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S)
    return TOKEN.findall(text)


def skip_block(toks, i):
    """toks[i] is '{'; returns the index after its matching '}'."""
    depth = 0
    while True:
        depth += {"{": 1, "}": -1}.get(toks[i], 0)
        i += 1
        if depth == 0:
            return i


def parse(path):
    """Returns {qualified name: {member: description}} for messages, enums and services."""
    toks = tokens(Path(path).read_text())
    package = ""
    found = {}

    def body(i, scope, kind):
        members = found.setdefault(scope, {})
        while toks[i] != "}":
            t = toks[i]
            if t in ("message", "enum"):
                i = body(i + 3, scope + "." + toks[i + 1], t)
            elif t == "oneof":
                i = body(i + 3, scope, kind)  # oneof members belong to the message
            elif t in ("option", "reserved", "extensions"):
                while toks[i] != ";":
                    i = skip_block(toks, i) if toks[i] == "{" else i + 1
                i += 1
            elif t == "rpc":  # rpc Name ( Req ) returns ( Resp ) { } or ;
                members[toks[i + 1]] = f"{toks[i + 3]} -> {toks[i + 7]}"
                i += 9
                i = skip_block(toks, i) if toks[i] == "{" else i + 1
            elif t == ";":
                i += 1
            elif kind == "enum":  # NAME = N [options] ;
                members[t] = toks[i + 2]
                while toks[i] != ";":
                    i += 1
            else:  # [repeated] type name = N [options] ;  or map < k , v > name = N ;
                label = ""
                if t in ("repeated", "optional"):
                    label, i = t + " ", i + 1
                if toks[i] == "map":
                    ftype, i = f"map<{toks[i + 2].split('.')[-1]},{toks[i + 4].split('.')[-1]}>", i + 6
                else:
                    ftype, i = toks[i], i + 1
                name, number = toks[i], toks[i + 2]
                members[name] = f"{number} {label}{ftype if ftype.startswith('map<') else ftype.split('.')[-1]}"
                while toks[i] != ";":
                    i = skip_block(toks, i) if toks[i] == "{" else i + 1
        return i + 1

    i = 0
    while i < len(toks):
        t = toks[i]
        if t == "package":
            package = toks[i + 1]
            i += 3
        elif t in ("message", "enum", "service"):
            i = body(i + 3, package + "." + toks[i + 1], t)
        elif t == "{":
            i = skip_block(toks, i)
        else:
            i += 1
    return found


def parse_protobufjs(path):
    """The same, from a protobufjs JSON descriptor module (`exports.default = {...};`), which the
    SDK ships instead of .proto files from its 2.5 line on."""
    text = Path(path).read_text()
    start = text.index("exports.default = ") + len("exports.default = ")
    tree = json.loads(text[start:text.rindex("}") + 1])
    found = {}

    def walk(node, scope):
        if "fields" in node:
            members = found.setdefault(scope, {})
            for name, f in node["fields"].items():
                label = "repeated " if f.get("rule") == "repeated" else ""
                ftype = f"map<{f['keyType']},{f['type'].split('.')[-1]}>" if "keyType" in f else f["type"].split(".")[-1]
                members[name] = f"{f['id']} {label}{ftype}"
        if "values" in node:
            found.setdefault(scope, {}).update({name: str(v) for name, v in node["values"].items()})
        if "methods" in node:
            found.setdefault(scope, {}).update(
                {name: f"{m['requestType']} -> {m['responseType']}" for name, m in node["methods"].items()})
        for name, child in node.get("nested", {}).items():
            walk(child, f"{scope}.{name}" if scope else name)

    walk(tree, "")
    return found


def load(directory):
    merged = {}
    for path in sorted(Path(directory).glob("*.proto")):
        merged.update(parse(path))
    for path in sorted(Path(directory).glob("*.js")):
        merged.update(parse_protobufjs(path))
    return merged


def main():
    args = sys.argv[1:]
    older = args[:1] == ["--older"]
    if older:
        args = args[1:]
    ours, official = load(args[0]), load(args[1])
    problems = []
    checked = later = 0
    for scope, members in sorted(ours.items()):
        if scope not in official:
            problems.append(f"{scope}: not in the official protos")
            continue
        for name, desc in members.items():
            checked += 1
            theirs = official[scope].get(name)
            if theirs is None:  # protobufjs descriptors spell field names in camelCase
                loose = {k.replace("_", "").lower(): v for k, v in official[scope].items()}
                theirs = loose.get(name.replace("_", "").lower())
            if theirs is None and older:
                later += 1
                continue
            if theirs != desc:
                problems.append(f"{scope}.{name}: ours '{desc}', official '{theirs}'")
    for p in problems:
        print("MISMATCH:", p)
    print(f"{checked} members of {len(ours)} messages, enums and services checked against {args[1]}: "
          f"{len(problems)} mismatches" + (f", {later} added in later releases" if older else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
