# The array benchmark's queries in Dask (threads scheduler, 2 workers).
# Usage: reference.py sum|mean_t [N] [CHUNK]; prints `result:` and `seconds:`.
import sys, time
import dask
import dask.array as da

query = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
c = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
t0 = time.perf_counter()
x = da.random.random((n, n), chunks=c)
q = x.sum() if query == "sum" else (x + x.T).mean(axis=0).sum()
r = q.compute(scheduler="threads", num_workers=2)
print(f"result: {float(r):.6f}")
print(f"seconds: {time.perf_counter() - t0:.3f}")
