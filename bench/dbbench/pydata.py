# One db-benchmark question on pandas or Dask (threads, 2 workers, 64 MB
# blocks), as db-benchmark's pandas and dask solutions ask it: null keys
# are a group of their own (dropna=False). The columns the question needs
# are read from the CSV (Dask: and persisted; `read_s`), then the question
# runs into a pandas frame in memory (`query_s`). Prints read_s, query_s
# and `digest: n=ROWS col=SUM ...` (the value columns' sums, nulls and NaN
# skipped), or `na: REASON` when the engine cannot answer.
# Usage: pydata.py pandas|dask q1..q10 G.csv | j1..j5 X.csv Y.csv
import os, sys, time

engine, q, files = sys.argv[1], sys.argv[2], sys.argv[3:]
COLS = {
    "q1": ["id1", "v1"], "q2": ["id1", "id2", "v1"], "q3": ["id3", "v1", "v3"],
    "q4": ["id4", "v1", "v2", "v3"], "q5": ["id6", "v1", "v2", "v3"], "q6": ["id4", "id5", "v3"],
    "q7": ["id3", "v1", "v2"], "q8": ["id6", "v3"], "q9": ["id2", "id4", "v1", "v2"],
    "q10": ["id1", "id2", "id3", "id4", "id5", "id6", "v1", "v3"],
}
OUTS = {
    "q1": ["v1"], "q2": ["v1"], "q3": ["v1", "v3"], "q4": ["v1", "v2", "v3"],
    "q5": ["v1", "v2", "v3"], "q6": ["median_v3", "sd_v3"], "q7": ["range_v1_v2"],
    "q8": ["largest2_v3"], "q9": ["r2"], "q10": ["v3", "count"],
}
JOINS = {"j1": ("id1", "inner"), "j2": ("id2", "inner"), "j3": ("id2", "left"),
         "j4": ("id5", "inner"), "j5": ("id3", "inner")}
IDS = ["id1", "id2", "id3", "id4", "id5", "id6"]

import pandas as pd
if engine == "dask":
    import dask
    import dask.dataframe as dd
    dask.config.set(scheduler="threads", num_workers=2)

def read(path, usecols=None):
    if engine == "dask":
        # With nulls, a block without any in an int column would come out
        # int64 and another float64: Dask refuses, unless told ints may miss.
        missing = float(os.environ.get("DBB_NA", "0")) > 0
        return dd.read_csv(path, blocksize=64 * 2**20, usecols=usecols,
                           assume_missing=missing).persist()
    return pd.read_csv(path, usecols=usecols)

def by(x, keys):
    return x.groupby(keys, dropna=False, sort=False, **({"observed": True} if engine == "pandas" else {}))

def r2(g):
    return pd.Series({"r2": g["v1"].corr(g["v2"]) ** 2})

def question(x):
    if q == "q1": return by(x, ["id1"]).agg({"v1": "sum"})
    if q == "q2": return by(x, ["id1", "id2"]).agg({"v1": "sum"})
    if q == "q3": return by(x, ["id3"]).agg({"v1": "sum", "v3": "mean"})
    if q == "q4": return by(x, ["id4"]).agg({"v1": "mean", "v2": "mean", "v3": "mean"})
    if q == "q5": return by(x, ["id6"]).agg({"v1": "sum", "v2": "sum", "v3": "sum"})
    if q == "q6":
        # Dask computes a median only by shuffling the groups (its error says so).
        kw = {"shuffle": "tasks"} if engine == "dask" else {}
        a = by(x, ["id4", "id5"])["v3"].agg(["median", "std"], **kw)
        return a.rename(columns={"median": "median_v3", "std": "sd_v3"})
    if q == "q7":
        a = by(x, ["id3"]).agg({"v1": "max", "v2": "min"})
        return a.assign(range_v1_v2=a["v1"] - a["v2"])[["range_v1_v2"]]
    if q == "q8":
        y = x[~x["v3"].isna()][["id6", "v3"]]
        if engine == "dask":  # no groupby head in Dask: nlargest per group, as db-benchmark
            a = by(y, ["id6"]).apply(lambda g: g.nlargest(2, "v3"), meta={"id6": "int64", "v3": "float64"})
        else:
            a = by(y.sort_values("v3", ascending=False), ["id6"]).head(2)
        return a.rename(columns={"v3": "largest2_v3"})[["largest2_v3"]]
    if q == "q9":
        g = by(x[["id2", "id4", "v1", "v2"]], ["id2", "id4"])
        return g.apply(r2, meta={"r2": "float64"}) if engine == "dask" else g.apply(r2)
    if q == "q10":
        a = by(x, IDS).agg({"v3": "sum", "v1": "size"})
        return a.rename(columns={"v1": "count"})

t0 = time.perf_counter()
if q in JOINS:
    x, y = read(files[0]), read(files[1])
else:
    x = read(files[0], COLS[q])
read_s = time.perf_counter() - t0
t0 = time.perf_counter()
try:
    if q in JOINS:
        on, how = JOINS[q]
        ans = x.merge(y, on=on, how=how)
    else:
        ans = question(x)
    if engine == "dask":
        ans = ans.compute()
except (NotImplementedError, ValueError, TypeError, AttributeError) as e:
    print(f"na: {engine} fails: {type(e).__name__}: {str(e).splitlines()[0][:100]}")
    sys.exit(0)
query_s = time.perf_counter() - t0

outs = ["v1", "v2"] if q in JOINS else OUTS[q]
sums = [float(pd.to_numeric(ans[c], errors="coerce").astype("float64").sum(skipna=True)) for c in outs]
digest = " ".join([f"n={len(ans)}"] + [f"{c}={s:.17g}" for c, s in zip(outs, sums)])
print(f"read_s: {read_s:.3f}\nquery_s: {query_s:.3f}\ndigest: {digest}")
