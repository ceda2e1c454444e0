# The bag benchmark's reference: the same word count in dask.bag on the
# threaded scheduler (2 workers), 16 MiB blocks:
# read_text → str.split → flatten → frequencies → topk(10).
# Usage: reference.py DATA.txt
import sys, time
import dask
import dask.bag as db

path = sys.argv[1]
dask.config.set(scheduler="threads", num_workers=2)
t0 = time.perf_counter()
top = db.read_text(path, blocksize=16 * 2**20).str.split().flatten().frequencies().topk(10, key=1).compute()
digest = " ".join(f"{w}={n}" for w, n in top)
print(f"result: {digest} \nseconds: {time.perf_counter() - t0:.3f}")
