#!/usr/bin/env python3
"""Checks deploy/kubernetes/ and deploy/container/ against the `shoal` CLI.

Usage: check_manifests.py SHOAL_EXE DEPLOY_DIR   (exit 1, one line per problem)

Every container of every manifest runs the image's entry point, `shoal`:
its first argument must be a command `shoal --help` lists, and every flag
must be one that `shoal COMMAND --help` lists. Beyond the names:
- every port a probe or a Service names is a containerPort of the pod, and
  the containerPort is the --port the process listens on;
- a worker's --memory-limit equals its container's memory request;
- every --tls-* file lies in a mounted volume, and the Secret it comes from
  holds a key of that file's name;
- clients and workers name the scheduler by its Service and port;
- the Containerfile's entry point is shoal and it exposes those ports.
"""
import re
import subprocess
import sys
from pathlib import Path

try:
    import yaml
except ImportError:
    print("SKIPPED: python3-yaml is absent (scripts/install-deps installs it)")
    sys.exit(0)

SHOAL, DEPLOY = sys.argv[1], Path(sys.argv[2])
problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def help_flags(*command):
    out = subprocess.run([SHOAL, *command, "--help"], capture_output=True, text=True, check=True)
    return set(re.findall(r"(--[a-z][a-z0-9-]*)", out.stdout))


def help_commands():
    out = subprocess.run([SHOAL, "--help"], capture_output=True, text=True, check=True).stdout
    section = out.split("SUBCOMMANDS:", 1)[-1]
    return set(re.findall(r"^\s+([a-z]+)\s", section, re.M))


UNITS = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40,
         "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
         "k": 10**3, "M": 10**6, "G": 10**9, "MB": 10**6, "GB": 10**9, "": 1}


def to_bytes(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([A-Za-z]*)", str(text))
    if not m or m.group(2) not in UNITS:
        return None
    return int(float(m.group(1)) * UNITS[m.group(2)])


def flags_of(args):
    """{--flag: value or None} and the positional arguments."""
    flags, positional, i = {}, [], 1
    while i < len(args):
        a = str(args[i])
        if a.startswith("--"):
            name, eq, value = a.partition("=")
            flags[name] = value if eq else None
        else:
            positional.append(a)
        i += 1
    return flags, positional


def documents():
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                yield path.name, doc


def pod_spec(doc):
    spec = doc.get("spec", {})
    return spec.get("template", {}).get("spec") if "template" in spec else None


COMMANDS = help_commands()
FLAGS = {}
docs = list(documents())
secrets = {d["metadata"]["name"]: d for _, d in docs if d["kind"] == "Secret"}
services = {d["metadata"]["name"]: d for _, d in docs if d["kind"] == "Service"}
scheduler_address = None
for name, svc in services.items():
    for p in svc["spec"]["ports"]:
        scheduler_address = f"{name}:{p['port']}"
exposed, port_names = set(), set()

for file, doc in docs:
    spec = pod_spec(doc)
    if spec is None:
        continue
    where = f"{file} {doc['kind']}/{doc['metadata']['name']}"
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for c in spec["containers"]:
        w = f"{where} container {c['name']}"
        args = c.get("args", [])
        if not args or args[0] not in COMMANDS:
            problem(w, f"first argument {args[:1]} is not a shoal command ({sorted(COMMANDS)})")
            continue
        command = args[0]
        if command not in FLAGS:
            FLAGS[command] = help_flags(command)
        flags, positional = flags_of(args)
        for f in flags:
            if f not in FLAGS[command]:
                problem(w, f"`shoal {command}` has no {f}")
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
        exposed.update(ports.values())
        port_names.update(ports)
        if "--port" in flags and ports and int(flags["--port"]) not in ports.values():
            problem(w, f"listens on --port {flags['--port']} but declares {ports}")
        for probe in ("readinessProbe", "livenessProbe"):
            port = c.get(probe, {}).get("tcpSocket", {}).get("port")
            if port is not None and port not in ports and port not in ports.values():
                problem(w, f"{probe} probes port {port}, which the container does not declare")
        if command in ("worker", "scheduler") and "readinessProbe" not in c:
            problem(w, "no readinessProbe")
        if command == "worker":
            limit = to_bytes(flags.get("--memory-limit"))
            request = to_bytes(c.get("resources", {}).get("requests", {}).get("memory"))
            if limit is None or limit != request:
                problem(w, f"--memory-limit {flags.get('--memory-limit')} is not the memory "
                           f"request {c.get('resources', {}).get('requests', {}).get('memory')}")
        target = positional[0] if command in ("worker", "status") else flags.get("--scheduler")
        if command in ("worker", "run", "status") and target != scheduler_address:
            problem(w, f"reaches the scheduler at {target}, not its Service {scheduler_address}")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        for f in ("--tls-ca", "--tls-cert", "--tls-key"):
            if f not in flags:
                problem(w, f"no {f}: every connection of the cluster uses TLS")
                continue
            path = Path(flags[f])
            volume = volumes.get(mounts.get(str(path.parent)))
            secret = (volume or {}).get("secret", {}).get("secretName")
            if secret not in secrets:
                problem(w, f"{f} {path} is not in a mounted Secret")
            elif path.name not in secrets[secret].get("stringData", secrets[secret].get("data", {})):
                problem(w, f"{f} {path}: Secret {secret} has no key {path.name}")

for name, svc in services.items():
    for p in svc["spec"]["ports"]:
        if p.get("targetPort") not in port_names | exposed:
            problem(f"Service/{name}", f"targetPort {p.get('targetPort')} is no container's port")

containerfile = (DEPLOY / "container" / "Containerfile").read_text()
if not re.search(r'^ENTRYPOINT \["[^"]*/shoal"\]', containerfile, re.M):
    problem("Containerfile", "the entry point is not shoal")
expose = set(int(p) for line in re.findall(r"^EXPOSE (.*)$", containerfile, re.M)
             for p in line.split())
if not exposed <= expose:
    problem("Containerfile", f"EXPOSE {sorted(expose)} misses ports {sorted(exposed - expose)}")
if "RUNTIME_PACKAGES" in containerfile:
    problem("Containerfile", "the runtime stage still names a placeholder")

for p in problems:
    print(p)
print(f"checked {len(docs)} manifests, {len(problems)} problems")
sys.exit(1 if problems else 0)
