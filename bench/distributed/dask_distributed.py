#!/usr/bin/python3
"""Dask's side of bench/run distributed: per-task overhead of
dask.distributed on a LocalCluster of 2 worker processes with 1 thread each,
the same shapes as Shoal's side (bench_distributed.cpp):

  tree  100,000 inc leaves, then sums of up to 8 keys per level down to one
        root (114,289 tasks; result 5,000,050,000), run with client.get
  map   client.map(inc, range(10,000)) + client.gather

Prints the best of up to RUNS runs (fewer when a shape is slow) in
microseconds per task as `name: value` lines; a wrong result exits with 1.

Run with Debian's interpreter, which has python3-distributed:
    /usr/bin/python3 bench/distributed/dask_distributed.py
"""

import logging
import sys
import time

import dask
from dask.distributed import Client, LocalCluster

RUNS = 3
BUDGET_S = 150.0  # per shape: no new run starts once a shape has used this much
FAN_IN = 8
TREE_LEAVES = 100_000
MAP_TASKS = 10_000


def inc(x):
    return x + 1


def build_tree(leaves=TREE_LEAVES, fan_in=FAN_IN):
    dsk = {}
    level = []
    for i in range(leaves):
        key = ("inc-tok", i)
        dsk[key] = (inc, i)
        level.append(key)
    depth = 0
    while len(level) > 1:
        depth += 1
        upper = []
        for j in range(0, len(level), fan_in):
            key = ("sum-tok-%d" % depth, j // fan_in)
            dsk[key] = (sum, level[j:j + fan_in])
            upper.append(key)
        level = upper
    return dsk, level[0]


def best_of(shape, tasks, once):
    best = None
    spent = 0.0
    for _ in range(RUNS):
        t0 = time.perf_counter()
        if not once():
            print("dask_distributed: wrong %s result" % shape, file=sys.stderr)
            sys.exit(1)
        took = time.perf_counter() - t0
        spent += took
        best = took if best is None else min(best, took)
        if spent > BUDGET_S:
            break
    return best * 1e6 / tasks


def main():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    client = Client(cluster)
    try:
        dsk, root = build_tree()
        tree_us = best_of("tree", len(dsk), lambda: client.get(dsk, root) == 5_000_050_000)
        print("dask_dist_tree_tasks: %d" % len(dsk))
        print("dask_dist_tree_us_per_task: %.1f" % tree_us)

        def map_once():
            futures = client.map(inc, range(MAP_TASKS), pure=False)
            out = client.gather(futures)
            del futures
            return out == [i + 1 for i in range(MAP_TASKS)]

        map_us = best_of("map", MAP_TASKS, map_once)
        print("dask_dist_map_tasks: %d" % MAP_TASKS)
        print("dask_dist_map_us_per_task: %.1f" % map_us)
        print("dask_version: %s" % dask.__version__)
    finally:
        client.close()
        cluster.close()


if __name__ == "__main__":
    main()
