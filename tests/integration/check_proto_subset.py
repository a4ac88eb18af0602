#!/usr/bin/python3
"""Checks that every message, field, enum value and RPC in our proto/ subset exists in the official
Milvus protos with the same number, type and label. Usage: check_proto_subset.py OURS_DIR OFFICIAL_DIR"""
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
                    ftype, i = f"map<{toks[i + 2]},{toks[i + 4]}>", i + 6
                else:
                    ftype, i = toks[i], i + 1
                name, number = toks[i], toks[i + 2]
                members[name] = f"{number} {label}{ftype.split('.')[-1]}"
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


def load(directory):
    merged = {}
    for path in sorted(Path(directory).glob("*.proto")):
        merged.update(parse(path))
    return merged


def main():
    ours, official = load(sys.argv[1]), load(sys.argv[2])
    problems = []
    checked = 0
    for scope, members in sorted(ours.items()):
        if scope not in official:
            problems.append(f"{scope}: not in the official protos")
            continue
        for name, desc in members.items():
            checked += 1
            theirs = official[scope].get(name)
            if theirs != desc:
                problems.append(f"{scope}.{name}: ours '{desc}', official '{theirs}'")
    for p in problems:
        print("MISMATCH:", p)
    print(f"{checked} members of {len(ours)} messages, enums and services checked against {sys.argv[2]}: "
          f"{len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
