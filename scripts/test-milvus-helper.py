"""Helper of scripts/test-milvus.sh; runs with the test venv's python (see install-test-servers.sh).

  unpack BASE [--pkg-dir PKG]
      Unpacks the Milvus binaries of the PyPI package `milvus` into BASE/bin (skipped when the
      checksums match). install-test-servers.sh does this once for all test servers.
  render DIR [--set KEY=VALUE]... [--set-env KEY=ENVVAR]... [--reuse-ports] [--bin-dir BIN] [--pkg-dir PKG]
      Makes DIR/bin a symbolic link to BIN (an unpacked BASE/bin) or, without --bin-dir,
      unpacks the binaries into DIR/bin; renders DIR/configs/milvus.yaml (mode 600) from the package's template with free loopback
      ports, points the embedded etcd at its own free ports (DIR/configs/etcd.yaml) and applies
      the overrides. KEY is a dotted milvus.yaml path, e.g. minio.address. --set-env reads the
      value from the environment variable ENVVAR, so secrets never appear on a command line.
      Writes DIR/ports.json and prints "proxy_port metrics_port etcd_port".
  With --pkg-dir PKG, the package `milvus` is the one in PKG (pip install --target PKG, e.g. the
  Milvus 2.2 package: its own binaries and milvus.yaml template), not the venv's (Milvus 2.3).
  ready PORT TIMEOUT [ETCD_PORT]
      Waits until a pymilvus client can talk to the proxy on 127.0.0.1:PORT and, with ETCD_PORT
      (the embedded etcd's), until the sessions a killed earlier process of DIR left behind have
      expired: until then Milvus 2.3 hands work to the dead nodes (an import sent to the dead
      DataNode hangs in ImportStarted until rootCoord.importTaskExpiration). (User/password from
      the environment variables MM_MILVUS_USER / MM_MILVUS_PASSWORD when auth is on; over TLS
      when MM_MILVUS_TLS_MODE is 1 (one-way) or 2 (mutual), with the certificates in
      MM_MILVUS_TLS_DIR: ca.pem, and client.pem/client.key for mutual TLS).
  set-root-password PORT
      Changes root's password from MM_MILVUS_OLD_PASSWORD to MM_MILVUS_NEW_PASSWORD.
"""

import json
import os
import re
import socket
import sys
import time

# Template keys naming listen ports (MilvusServerConfig.configurable_items ending in _port).
# Component sections whose advertised address we pin to loopback.
IP_SECTIONS = ("rootCoord", "proxy", "queryCoord", "queryNode", "indexNode", "dataCoord", "dataNode")
KEY_LINE = re.compile(r"^( *)([A-Za-z0-9_]+):(.*)$")


def die(msg):
    sys.stderr.write(f"test-milvus-helper: error: {msg}\n")
    sys.exit(1)


def load_milvus(pkg_dir):
    """The module of the PyPI package `milvus`: the venv's, or with pkg_dir the one installed
    there (pip install --target), which then must be the one imported."""
    if pkg_dir:
        sys.path.insert(0, pkg_dir)
    import milvus

    if pkg_dir and not os.path.abspath(milvus.__file__).startswith(os.path.join(pkg_dir, "")):
        die(f"the package milvus was not imported from {pkg_dir} but from {milvus.__file__}")
    return milvus


def pop_pkg_dir(args):
    """Removes "--pkg-dir PKG" from args; returns PKG (absolute) or None."""
    if "--pkg-dir" not in args:
        return None
    i = args.index("--pkg-dir")
    if i + 1 >= len(args):
        die("--pkg-dir wants a directory")
    pkg_dir = os.path.abspath(args[i + 1])
    del args[i:i + 2]
    if not os.path.isdir(os.path.join(pkg_dir, "milvus")):
        die(f"{pkg_dir}/milvus missing; run scripts/install-test-servers.sh")
    return pkg_dir


def bind_listen(port):
    """A socket listening on 127.0.0.1:port, or None. With SO_REUSEADDR, as Milvus' and etcd's
    (Go) listeners bind: connections of a stopped server lingering in TIME_WAIT do not make its
    port taken, so a restart of DIR gets its old ports back (clients and mm-bulkinsert's journal
    name the address). A port another socket listens on is still taken."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen()
        return s
    except OSError:
        s.close()
        return None


def port_is_free(port):
    s = bind_listen(port)
    if s:
        s.close()
    return s is not None


def free_ports(names, previous):
    """One distinct free port per name; reuses previous[name] when it is still free."""
    held, ports = [], {}
    try:
        for name in names:
            old = previous.get(name)
            if isinstance(old, int) and old not in ports.values() and port_is_free(old):
                ports[name] = old
                continue
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))  # kept open until all are chosen: no duplicates
            held.append(s)
            ports[name] = s.getsockname()[1]
    finally:
        for s in held:
            s.close()
    return ports


def yaml_scalar(value, force_string=False):
    if not force_string and re.fullmatch(r"[A-Za-z0-9_./:@-]+", value):
        return value
    return json.dumps(value)  # a JSON string is a valid double-quoted YAML scalar


def set_yaml_key(lines, dotted, text, create=True):
    """Sets dotted key (2-space indented block YAML, as in the Milvus template) to text.
    Replaces the existing entry or, when create, inserts the missing levels under the deepest
    existing one."""
    want = dotted.split(".")
    path, best = [], (0, -1)  # (matched depth, line index of the deepest matched section)
    for i, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        m = KEY_LINE.match(line)
        if not m:
            continue
        level = len(m.group(1)) // 2
        path = path[:level] + [m.group(2)]
        if path == want:
            lines[i] = f"{m.group(1)}{m.group(2)}: {text}"
            # A block sequence as the old value (the 2.2 template's etcd.endpoints) goes.
            indent = len(m.group(1))
            while i + 1 < len(lines):
                item = re.match(r"^( *)- ", lines[i + 1])
                if not item or len(item.group(1)) < indent:
                    break
                del lines[i + 1]
            return
        if len(path) > best[0] and path == want[: len(path)]:
            best = (len(path), i)
    if not create:
        return
    depth, at = best
    new = []
    for level in range(depth, len(want)):
        leaf = level == len(want) - 1
        new.append("  " * level + want[level] + (f": {text}" if leaf else ":"))
    if at < 0:
        lines.extend([""] + new)
    else:
        lines[at + 1:at + 1] = new


def cmd_render(args):
    if not args:
        die("render: DIR missing")
    base = os.path.abspath(args[0])
    sets, reuse, bin_dir = [], False, None
    rest = args[1:]
    pkg_dir = pop_pkg_dir(rest)
    while rest:
        opt = rest.pop(0)
        if opt == "--reuse-ports":
            reuse = True
            continue
        if opt == "--bin-dir" and rest:
            bin_dir = os.path.abspath(rest.pop(0))
            if not os.access(os.path.join(bin_dir, "milvus"), os.X_OK):
                die(f"render: {bin_dir}/milvus missing; run scripts/install-test-servers.sh")
            continue
        if opt not in ("--set", "--set-env") or not rest:
            die(f"render: bad argument {opt!r}")
        key, sep, val = rest.pop(0).partition("=")
        if not sep or not key:
            die(f"render: {opt} wants KEY=VALUE")
        if opt == "--set-env":
            if val not in os.environ:
                die(f"render: environment variable {val} is not set (for {key})")
            sets.append((key, yaml_scalar(os.environ[val], force_string=True)))
        else:
            sets.append((key, yaml_scalar(val)))

    # The PyPI package "milvus" (embedded Milvus 2.3 standalone, or 2.2 from --pkg-dir): the
    # template and its rendering are each version's own (2.2 and 2.3 name some keys differently).
    milvus = load_milvus(pkg_dir)
    cfg = milvus.MilvusServerConfig(data_dir=base)
    cfg.try_bind_port = bind_listen  # resolve()'s port check, with SO_REUSEADDR as above
    port_keys = sorted(k for k in cfg.configurable_items if k.endswith("_port"))
    names = port_keys + ["metrics_port", "etcd_peer_port"]
    previous = {}
    ports_file = os.path.join(base, "ports.json")
    if reuse and os.path.exists(ports_file):
        with open(ports_file, encoding="utf-8") as f:
            previous = json.load(f)
    old_umask = os.umask(0o077)  # the config may hold storage secrets
    try:
        for attempt in range(3):
            ports = free_ports(names, previous)
            for k in port_keys:
                cfg.configs[k] = ports[k]
            try:
                cfg.resolve()  # fills the template, writes DIR/configs/milvus.yaml (2.3: and glog.conf)
                break
            except RuntimeError as ex:  # a port was taken meanwhile: pick new ones
                if attempt == 2:
                    die(f"render: no free ports: {ex}")
                previous = {}
        conf_dir = os.path.join(base, "configs")
        conf = os.path.join(conf_dir, "milvus.yaml")
        etcd_conf = os.path.join(conf_dir, "etcd.yaml")
        client = f"http://127.0.0.1:{ports['etcd_port']}"
        peer = f"http://127.0.0.1:{ports['etcd_peer_port']}"
        # Without a config file the embedded etcd listens on the fixed ports 2379/2380.
        with open(etcd_conf, "w", encoding="utf-8") as f:
            f.write(
                "name: milvus-mm-test\n"
                f"listen-client-urls: {client}\n"
                f"advertise-client-urls: {client}\n"
                f"listen-peer-urls: {peer}\n"
                f"initial-advertise-peer-urls: {peer}\n"
                f"initial-cluster: milvus-mm-test={peer}\n"
            )
        with open(conf, encoding="utf-8") as f:
            lines = f.read().splitlines()
        fixed = [
            ("etcd.endpoints", f"127.0.0.1:{ports['etcd_port']}"),
            ("etcd.config.path", etcd_conf),
            # Stopping: a query node waits for its segments to move elsewhere (never, when
            # standalone) up to queryNode.gracefulStopTimeout; keep stops short.
            ("common.gracefulStopTimeout", "5"),
            ("queryNode.gracefulStopTimeout", "2"),
            ("indexNode.gracefulStopTimeout", "2"),
            # A killed server leaves its etcd sessions behind; a restart waits for them to expire.
            ("common.session.ttl", "10"),
            ("log.stdout", "false"),
            ("minio.address", "127.0.0.1"),
        ]
        for key, text in fixed:
            set_yaml_key(lines, key, text)
        # Milvus 2.2 has no <section>.ip (nor its template the keys): its nodes register the
        # machine's first non-loopback address, as upstream 2.2 does.
        for section in IP_SECTIONS:
            set_yaml_key(lines, f"{section}.ip", "127.0.0.1", create=False)
        for key, text in sets:
            set_yaml_key(lines, key, text)
        with open(conf, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(conf, 0o600)
        with open(ports_file, "w", encoding="utf-8") as f:
            json.dump(ports, f, indent=1, sort_keys=True)
    finally:
        os.umask(old_umask)
    link = os.path.join(base, "bin")
    if bin_dir:
        if os.path.islink(link) or not os.path.exists(link):
            if os.path.islink(link):
                os.unlink(link)
            os.symlink(bin_dir, link)
        elif not os.path.isdir(link):
            die(f"{link} is in the way")
        # else: DIR/bin is a private unpacked copy from an earlier start; keep using it
    else:
        milvus._initialize_data_files(base)
    print(ports["proxy_port"], ports["metrics_port"], ports["etcd_port"])


def cmd_unpack(args):
    pkg_dir = pop_pkg_dir(args)
    if len(args) != 1:
        die("unpack BASE [--pkg-dir PKG]")
    load_milvus(pkg_dir)._initialize_data_files(os.path.abspath(args[0]))


def tls_kwargs():
    """pymilvus' TLS arguments for MM_MILVUS_TLS_MODE (0 off, 1 one-way, 2 mutual) with the
    certificates in MM_MILVUS_TLS_DIR (ca.pem; client.pem and client.key for mutual TLS)."""
    mode = os.environ.get("MM_MILVUS_TLS_MODE", "0") or "0"
    if mode == "0":
        return {}
    d = os.environ.get("MM_MILVUS_TLS_DIR", "")
    if mode == "1":  # pymilvus takes the CA that verifies the server as server_pem_path
        return {"secure": True, "server_pem_path": os.path.join(d, "ca.pem")}
    if mode == "2":
        return {"secure": True, "ca_pem_path": os.path.join(d, "ca.pem"),
                "client_pem_path": os.path.join(d, "client.pem"), "client_key_path": os.path.join(d, "client.key")}
    die(f"MM_MILVUS_TLS_MODE must be 0, 1 or 2, not {mode!r}")


def connect(port, timeout):
    from pymilvus import connections

    kwargs = tls_kwargs()
    user = os.environ.get("MM_MILVUS_USER", "")
    if user:
        kwargs.update(user=user, password=os.environ.get("MM_MILVUS_PASSWORD", ""))
    connections.connect("default", host="127.0.0.1", port=str(port), timeout=timeout, **kwargs)


def node_sessions(etcd_port):
    """role -> number of sessions registered in etcd, for the node roles (datanode-<id>, ...)."""
    import base64
    import urllib.request

    def b64(text):
        return base64.b64encode(text.encode()).decode()

    prefix = "by-dev/meta/session/"  # etcd.rootPath/etcd.metaSubPath of the template
    body = json.dumps({"key": b64(prefix), "range_end": b64(prefix[:-1] + "0"), "keys_only": True}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{etcd_port}/v3/kv/range", data=body, method="POST")
    with urllib.request.urlopen(req, timeout=5) as reply:
        kvs = json.load(reply).get("kvs", [])
    roles = {}
    for kv in kvs:
        name = base64.b64decode(kv["key"]).decode()[len(prefix):]
        role, sep, node_id = name.rpartition("-")
        if sep and node_id.isdigit():
            roles[role] = roles.get(role, 0) + 1
    return roles


def cmd_ready(args):
    if len(args) not in (2, 3):
        die("ready PORT TIMEOUT [ETCD_PORT]")
    port, timeout = int(args[0]), float(args[1])
    etcd_port = int(args[2]) if len(args) == 3 else 0
    from pymilvus import connections, utility

    deadline = time.monotonic() + timeout
    last, version = None, None
    while version is None and time.monotonic() < deadline:
        try:
            connect(port, timeout=max(1.0, min(5.0, deadline - time.monotonic())))
            version = utility.get_server_version()
            utility.list_collections()
        except Exception as ex:  # any failure: not ready yet
            last, version = ex, None
            time.sleep(0.5)
        finally:
            try:
                connections.disconnect("default")
            except Exception:
                pass
    if version is None:
        die(f"proxy on 127.0.0.1:{port} not usable after {timeout:.0f}s: {last}")
    # Serving, so this process's nodes are registered: wait until only they are.
    waited = False
    while etcd_port:
        try:
            stale = {role: n for role, n in node_sessions(etcd_port).items() if n > 1}
            if not stale:
                if waited:
                    time.sleep(1)  # for the coordinators to see the expired sessions go
                break
            waited = True
            last = f"sessions of an earlier process still registered: {stale}"
        except Exception as ex:
            last = ex
        if time.monotonic() > deadline:
            die(f"proxy on 127.0.0.1:{port}: {last}")
        time.sleep(0.5)
    print(version)


def cmd_set_root_password(args):
    if len(args) != 1:
        die("set-root-password PORT")
    from pymilvus import utility

    os.environ["MM_MILVUS_USER"] = "root"
    os.environ["MM_MILVUS_PASSWORD"] = os.environ["MM_MILVUS_OLD_PASSWORD"]
    connect(int(args[0]), timeout=10)
    utility.update_password("root", os.environ["MM_MILVUS_OLD_PASSWORD"], os.environ["MM_MILVUS_NEW_PASSWORD"])


def main():
    if len(sys.argv) < 2:
        die("usage: unpack|render|ready|set-root-password ...")
    cmd, args = sys.argv[1], sys.argv[2:]
    {"unpack": cmd_unpack, "render": cmd_render, "ready": cmd_ready, "set-root-password": cmd_set_root_password}.get(
        cmd, lambda _: die(f"unknown command {cmd}"))(args)


if __name__ == "__main__":
    main()
