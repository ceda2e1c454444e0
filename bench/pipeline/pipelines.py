#!/usr/bin/env python3
"""Writes the pipeline files of bench/run pipeline into DIR, beside the
data they read (paths in a pipeline file are relative to the file): the
three queries of bench_dataframe.cpp, node for node."""
import json
import sys

out = sys.argv[1]


def node(id, op, **params):
    return {"id": id, "op": op, "params": params}


def edge(a, b, port="table"):
    return {"from": a, "fromPort": "out", "to": b, "toPort": port}


def read(id, cols, path="data.csv"):
    return node(id, "table.read_csv", path=path, usecols=cols)


pipelines = {
    "groupby": (
        [read("data", ["key", "x", "y"]),
         node("by_key", "table.groupby", by=["key"], aggs=["x:mean", "y:sum"])],
        [edge("data", "by_key")]),
    "filter": (
        [read("data", ["x"]), node("big", "table.filter", expr="x > 0.5"),
         node("count", "table.count")],
        [edge("data", "big"), edge("big", "count")]),
    "merge": (
        [read("data", ["key", "y"]), node("lookup", "table.read_csv", path="lookup.csv"),
         node("joined", "table.merge", on=["key"]),
         node("z", "table.assign", column="z", expr="y * weight"),
         node("by_key", "table.groupby", by=["key"], aggs=["z:sum"])],
        [edge("data", "joined", "left"), edge("lookup", "joined", "right"),
         edge("joined", "z"), edge("z", "by_key")]),
}
for name, (nodes, edges) in pipelines.items():
    doc = {"format": 2, "name": name, "description": "bench/run pipeline: " + name,
           "nodes": nodes, "edges": edges}
    with open(f"{out}/{name}.shoal.json", "w") as f:
        json.dump(doc, f, indent=1)
