#!/usr/bin/python3
"""Dask's side of the overhead benchmark: scheduler cost per task.

Builds raw Dask graphs (plain dicts, no collections, no optimization) in the
three shapes Shoal's side builds, and runs them with Dask's threaded
scheduler on 2 workers, the `scheduler="threads"` of `dask.compute`:

  tree         100,000 leaves ("inc-tok", i): (inc, i), then levels of `sum`
               over up to 8 keys of the level below, down to one root
               (114,289 tasks; result 5,000,050,000)
  chain        10,000 inc tasks, each on the one before (result 10,000)
  independent  100,000 inc tasks, all of them asked for

For each shape it prints how long building the dict took and how long
`dask.threaded.get` took, in microseconds per task, the best of up to 3 runs
(fewer when a shape is slow, to keep the whole script near a minute), as
`name: value` lines that bench/overhead/run collects. Results are checked;
a wrong one exits with status 1.

Run with Debian's interpreter, which has python3-dask:
    /usr/bin/python3 bench/overhead/dask_overhead.py
"""

import gc
import sys
import time

import dask
import dask.threaded

WORKERS = 2
MAX_RUNS = 3
BUDGET_S = 30.0  # per shape: no new run starts once a shape has used this much
FAN_IN = 8
TREE_LEAVES = 100_000
CHAIN_LENGTH = 10_000
INDEPENDENT = 100_000


def inc(x):
    return x + 1


def build_tree(leaves=TREE_LEAVES, fan_in=FAN_IN):
    """Leaves of inc, then sums of up to fan_in keys per level; returns (dsk, root)."""
    dsk = {}
    level = []
    for i in range(leaves):
        key = ("inc-tok", i)
        dsk[key] = (inc, i)
        level.append(key)
    depth = 0
    while len(level) > 1:
        depth += 1
        name = "sum-tok-%d" % depth
        upper = []
        for j in range(0, len(level), fan_in):
            key = (name, j // fan_in)
            dsk[key] = (sum, level[j:j + fan_in])
            upper.append(key)
        level = upper
    return dsk, level[0]


def build_chain(length=CHAIN_LENGTH):
    """inc applied length times to 0; returns (dsk, last key)."""
    dsk = {("inc-chain", 0): (inc, 0)}
    for i in range(1, length):
        dsk[("inc-chain", i)] = (inc, ("inc-chain", i - 1))
    return dsk, ("inc-chain", length - 1)


def build_independent(count=INDEPENDENT):
    """count unrelated inc tasks; returns (dsk, list of every key)."""
    dsk = {}
    keys = []
    for i in range(count):
        key = ("inc-ind", i)
        dsk[key] = (inc, i)
        keys.append(key)
    return dsk, keys


def timed(fn):
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def best_of(fn):
    """(best seconds, runs, last result): up to MAX_RUNS within BUDGET_S."""
    best, runs, used, result = None, 0, 0.0, None
    while runs < MAX_RUNS and (runs == 0 or used < BUDGET_S):
        seconds, result = timed(fn)
        best = seconds if best is None else min(best, seconds)
        used += seconds
        runs += 1
    return best, runs, result


SHAPES = [
    # name, builder, expected result of get(dsk, keys)
    ("tree", build_tree, sum(i + 1 for i in range(TREE_LEAVES))),
    ("chain", build_chain, CHAIN_LENGTH),
    ("independent", build_independent, [i + 1 for i in range(INDEPENDENT)]),
]


def brief(value):
    """value, or the head and length of a long list."""
    if isinstance(value, list) and len(value) > 5:
        return "%r... (%d items)" % (value[:5], len(value))
    return repr(value)


def measure(name, builder, expected):
    """Prints the build and run figures of one shape; returns False if wrong."""
    build_s, _, (dsk, keys) = best_of(builder)
    tasks = len(dsk)

    def run():
        return dask.threaded.get(dsk, keys, num_workers=WORKERS)

    run_s, runs, result = best_of(run)
    if isinstance(result, tuple):  # get() answers a list of keys with a tuple
        result = list(result)
    ok = result == expected
    if not ok:
        print("error: %s gave %s, expected %s" % (name, brief(result), brief(expected)),
              file=sys.stderr)
    print("dask_tasks_%s: %d" % (name, tasks))
    print("dask_build_%s_us_per_task: %.2f" % (name, build_s * 1e6 / tasks))
    print("dask_threads_%s_us_per_task: %.1f" % (name, run_s * 1e6 / tasks))
    print("dask_threads_%s_runs: %d" % (name, runs))
    sys.stdout.flush()
    return ok


def main():
    print("dask_version: %s" % dask.__version__)
    print("dask_workers: %d" % WORKERS)
    ok = True
    for name, builder, expected in SHAPES:
        ok = measure(name, builder, expected) and ok
    if not ok:
        print("error: Dask returned wrong results", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
