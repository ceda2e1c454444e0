# The dataframe benchmark's reference: the same queries in Dask (threads,
# 2 workers, 64 MB blocks) or pandas. Prints `seconds: S` and a digest.
# Usage: reference.py dask|pandas groupby|filter|merge|sort DATA.csv LOOKUP.csv
import sys, time
engine, query, path, lookup_path = sys.argv[1:5]
cols = {"groupby": ["key", "x", "y"], "filter": ["x"], "merge": ["key", "y"], "sort": ["id", "x"]}[query]
# The clock starts after the imports (about 0.3 s for dask.dataframe), as
# Shoal's starts after its libraries are loaded and its cluster is up.
if engine == "dask":
    import dask
    import dask.dataframe as dd
    import pandas as pd
    dask.config.set(scheduler="threads", num_workers=2)
    t0 = time.perf_counter()
    df = dd.read_csv(path, blocksize=64 * 2**20, usecols=cols)
    lookup = pd.read_csv(lookup_path)
else:
    import pandas as pd
    t0 = time.perf_counter()
    df = pd.read_csv(path, usecols=cols)
    lookup = pd.read_csv(lookup_path)
def done(x):
    return x.compute() if engine == "dask" else x
if query == "groupby":
    r = done(df.groupby("key").agg({"x": "mean", "y": "sum"})).sort_index()
    digest = f"{len(r)} groups, x[0]={r['x'].iloc[0]:.6f}"
elif query == "filter":
    digest = f"{int(done((df['x'] > 0.5).sum()))} rows"
elif query == "merge":
    m = df.merge(lookup, on="key")
    m = m.assign(z=m["y"] * m["weight"])
    r = done(m.groupby("key").agg({"z": "sum"})).sort_index()
    digest = f"{len(r)} groups, z[0]={r['z'].iloc[0]:.6f}"
else:
    s = df.sort_values("x")
    if engine == "dask":
        parts = s.map_partitions(lambda p: pd.DataFrame({"n": [len(p)], "lo": [p["x"].min()], "hi": [p["x"].max()]})).compute()
        n, lo, hi = int(parts["n"].sum()), parts["lo"].min(), parts["hi"].max()
    else:
        n, lo, hi = len(s), s["x"].iloc[0], s["x"].iloc[-1]
    digest = f"{n} rows, x from {lo:.6f} to {hi:.6f}"
print(f"result: {digest}\nseconds: {time.perf_counter() - t0:.3f}")
