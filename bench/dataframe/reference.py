# The dataframe benchmark's reference: the same queries in Dask (threads,
# 2 workers, 64 MB blocks) or pandas. Prints `seconds: S` and a digest.
# Usage: reference.py dask|pandas groupby|filter DATA.csv
import sys, time
engine, query, path = sys.argv[1:4]
t0 = time.perf_counter()
if engine == "dask":
    import dask
    import dask.dataframe as dd
    dask.config.set(scheduler="threads", num_workers=2)
    df = dd.read_csv(path, blocksize=64 * 2**20, usecols=["key", "x", "y"] if query == "groupby" else ["x"])
    if query == "groupby":
        r = df.groupby("key").agg({"x": "mean", "y": "sum"}).compute()
        digest = f"{len(r)} groups, x[0]={r.sort_index()['x'].iloc[0]:.6f}"
    else:
        digest = f"{int((df['x'] > 0.5).sum().compute())} rows"
else:
    import pandas as pd
    df = pd.read_csv(path, usecols=["key", "x", "y"] if query == "groupby" else ["x"])
    if query == "groupby":
        r = df.groupby("key").agg({"x": "mean", "y": "sum"})
        digest = f"{len(r)} groups, x[0]={r['x'].iloc[0]:.6f}"
    else:
        digest = f"{int((df['x'] > 0.5).sum())} rows"
print(f"result: {digest}\nseconds: {time.perf_counter() - t0:.3f}")
