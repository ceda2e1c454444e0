# bench/dbbench's runner: every (question, engine) in its own process, timed
# by the engine itself (read_s, query_s), its peak RSS from wait4(), its
# digest compared with the first engine's that answered (pandas first).
# Prints progress to stderr, then a table and `name: value` lines.
# Usage (from bench/dbbench/run): harness.py CONFIG.json
import json, os, signal, subprocess, sys, time

cfg = json.load(open(sys.argv[1]))
engines = cfg["engines"]  # in table order
NAMES = {"shoal": "Shoal", "shoal_scan": "Shoal (scan)", "duckdb": "DuckDB", "polars": "Polars", "dask": "Dask", "pandas": "pandas"}
TITLES = {
    "q1": "q1 sum v1 by id1", "q2": "q2 sum v1 by id1:id2", "q3": "q3 sum v1, mean v3 by id3",
    "q4": "q4 mean v1:v3 by id4", "q5": "q5 sum v1:v3 by id6", "q6": "q6 median, sd v3 by id4:id5",
    "q7": "q7 max v1 - min v2 by id3", "q8": "q8 largest two v3 by id6",
    "q9": "q9 r2 v1, v2 by id2:id4", "q10": "q10 sum v3, count by id1:id6",
    "j1": "j1 small inner on id1", "j2": "j2 medium inner on id2", "j3": "j3 medium left on id2",
    "j4": "j4 medium inner on id5", "j5": "j5 big inner on id3",
}
JOIN_RIGHT = {"j1": "small", "j2": "medium", "j3": "medium", "j4": "medium", "j5": "big"}


def command(engine, q):
    files = [cfg["groupby"]] if q.startswith("q") else [cfg["join"]["x"], cfg["join"][JOIN_RIGHT[q]]]
    if engine in ("shoal", "shoal_scan"):
        extra = ["--null-keys"] if q.startswith("q") and cfg["na"] > 0 else []
        return [cfg["shoal"], q, *files, *extra, *(["--scan"] if engine == "shoal_scan" else [])]
    if engine in ("duckdb", "polars"):
        return ["node", os.path.join(cfg["node_dir"], engine + ".mjs"), q, *files]
    return [cfg["python"], os.path.join(cfg["here"], "pydata.py"), engine, q, *files]


def measure(engine, q):
    """Runs one process; returns a dict: read_s, query_s, rss_mb, digest | na | error."""
    env = dict(os.environ, POLARS_MAX_THREADS="2", DBB_NA=str(cfg["na"]))
    with open(os.devnull, "rb") as devnull:
        p = subprocess.Popen(command(engine, q), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=devnull, env=env, start_new_session=True)
    # Read the pipes on threads, so a chatty engine never blocks, and reap
    # the process with wait4 for its own peak RSS.
    import threading
    out, err = [], []
    ts = [threading.Thread(target=lambda f, b: b.append(f.read()), args=(p.stdout, out)),
          threading.Thread(target=lambda f, b: b.append(f.read()), args=(p.stderr, err))]
    for t in ts: t.start()
    deadline = time.monotonic() + cfg["timeout"]
    status = rusage = None
    while status is None:
        pid, st, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            status, rusage = st, ru
        elif time.monotonic() > deadline:
            os.killpg(p.pid, signal.SIGKILL)
        else:
            time.sleep(0.05)
    p.returncode = os.waitstatus_to_exitcode(status)
    for t in ts: t.join()
    text, errs = out[0].decode(), err[0].decode()
    r = {"rss_mb": rusage.ru_maxrss // 1024}
    for line in text.splitlines():
        k, _, v = line.partition(": ")
        if k in ("read_s", "query_s"):
            r[k] = float(v)
        elif k in ("digest", "na"):
            r[k] = v
    if p.returncode != 0 or not ("digest" in r or "na" in r):
        why = "timeout" if p.returncode == -signal.SIGKILL else f"exit {p.returncode}"
        last = (errs.strip().splitlines() or [""])[-1][:160]
        r = {"error": f"{why}: {last}"}
    return r


def parse(digest):
    return dict(f.split("=", 1) for f in digest.split())


def same(a, b):
    da, db = parse(a), parse(b)
    if da.keys() != db.keys() or da["n"] != db["n"]:
        return False
    for k in da:
        x, y = float(da[k]), float(db[k])
        if abs(x - y) > 1e-9 * max(abs(x), abs(y)) + 1e-9:
            return False
    return True


results = {}
for q in cfg["questions"]:
    results[q] = {}
    for e in engines:
        r = measure(e, q)
        results[q][e] = r
        if "error" in r:
            line = "ERROR " + r["error"]
        elif "na" in r:
            line = "n/a (" + r["na"] + ")"
        else:
            line = f"{r['read_s'] + r['query_s']:8.3f} s (query {r['query_s']:.3f}) {r['rss_mb']:6d} MB  {r['digest']}"
        print(f"{q:4s} {e:10s} {line}", file=sys.stderr, flush=True)
    ref = next((e for e in ["pandas", "duckdb", "polars", "dask", "shoal", "shoal_scan"]
                if e in results[q] and "digest" in results[q][e]), None)
    for e, r in results[q].items():
        if "digest" in r:
            r["ok"] = same(r["digest"], results[q][ref]["digest"])
            if not r["ok"]:
                msg = f"!!! DIGEST MISMATCH {q} {e}: {r['digest']}  vs {ref}: {results[q][ref]['digest']}"
                print(msg, file=sys.stderr, flush=True)
                print(msg)


def cell(r):
    if "error" in r:
        return "error (" + r["error"].split(":")[0] + ")"
    if "na" in r:
        return "n/a"
    mark = "" if r["ok"] else " **MISMATCH**"
    return f"{r['read_s'] + r['query_s']:.2f} s ({r['query_s']:.2f}), {r['rss_mb']} MB{mark}"


print(f"\n{cfg['title']}\n")
print("| question | " + " | ".join(NAMES[e] for e in engines) + " |")
print("| --- |" + " --- |" * len(engines))
for q in cfg["questions"]:
    print(f"| {TITLES[q]} | " + " | ".join(cell(results[q][e]) for e in engines) + " |")
print("\nEach cell: read + query seconds (query alone), peak RSS. n/a: the engine cannot answer:")
for q in cfg["questions"]:
    for e in engines:
        r = results[q][e]
        if "na" in r or "error" in r:
            print(f"  {q} {NAMES[e]}: {r.get('na') or r.get('error')}")
print()

mismatches = 0
for q in cfg["questions"]:
    for e in engines:
        r = results[q][e]
        if "digest" not in r:
            continue
        print(f"dbbench.{q}.{e}_s: {r['read_s'] + r['query_s']:.3f}")
        print(f"dbbench.{q}.{e}_query_s: {r['query_s']:.3f}")
        print(f"dbbench.{q}.{e}_rss_mb: {r['rss_mb']}")
        print(f"dbbench.{q}.{e}_digest_ok: {int(r['ok'])}")
        mismatches += not r["ok"]
    for me in ("shoal", "shoal_scan"):
        s = results[q].get(me, {})
        if "digest" not in s:
            continue
        for e in engines:
            o = results[q][e]
            if not e.startswith("shoal") and "digest" in o:
                ratio = (s["read_s"] + s["query_s"]) / max(o["read_s"] + o["query_s"], 1e-9)
                print(f"dbbench.{q}.{me}_vs_{e}: {ratio:.2f}")
        d = results[q].get("duckdb", {})
        if "digest" in d:
            if me == "shoal":
                print(f"dbbench.{q}.shoal_query_vs_duckdb: {s['query_s'] / max(d['query_s'], 1e-9):.2f}")
            print(f"dbbench.{q}.{me}_rss_vs_duckdb: {s['rss_mb'] / max(d['rss_mb'], 1):.2f}")
print(f"dbbench.mismatches: {mismatches}")
sys.exit(1 if mismatches else 0)
