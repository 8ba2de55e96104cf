#!/usr/bin/env python3
"""Prints the BENCHMARKS.md tables from criterion's results.

Usage: python3 benches/report.py [CRITERION_DIR ...]   (default: target/criterion)

Give several directories (copies of target/criterion taken after each of several runs of
`cargo bench -p cwmp-benches`) to get, for every figure, the median over the runs.
Throughput is the input (decode) or output (encode) size divided by criterion's median time
(the median of its samples, robust to the odd sample slowed by other jobs);
sessions per second are 1 / that time.
"""
import json
import statistics
import sys

ROOTS = sys.argv[1:] or ["target/criterion"]
CASES = ["inform", "gpv_resp_100", "gpv_resp_1000", "gpv_resp_10000", "gpn_resp_10000", "spv_100"]


def sample_median_ns(root, path):
    with open(f"{root}/{path}/new/estimates.json") as f:
        return json.load(f)["median"]["point_estimate"]


def size(path):
    with open(f"{ROOTS[0]}/{path}/new/benchmark.json") as f:
        return json.load(f)["throughput"]["Bytes"]


def median_ns(path):
    """The median over the runs of criterion's median time, in ns."""
    return statistics.median(sample_median_ns(root, path) for root in ROOTS)


def time(ns):
    return f"{ns / 1000:.2f} µs" if ns < 1e6 else f"{ns / 1e6:.2f} ms"


def mib(n, ns):
    return n / ns * 1e9 / 2**20


print(f"Median of {len(ROOTS)} run(s).")
print()
print("| input | bytes | cwmp-soap | quick-xml floor | cwmp crate | % of floor | × cwmp crate |")
print("|---|---:|---:|---:|---:|---:|---:|")
for case in CASES:
    n = size(f"decode_{case}/cwmp-soap")
    ours = median_ns(f"decode_{case}/cwmp-soap")
    floor = median_ns(f"decode_{case}/quick-xml-floor")
    theirs = median_ns(f"decode_{case}/cwmp-crate")
    print(
        f"| {case} | {n:,} | {time(ours)} = {mib(n, ours):.0f} MiB/s"
        f" | {time(floor)} = {mib(n, floor):.0f} MiB/s"
        f" | {time(theirs)} = {mib(n, theirs):.1f} MiB/s"
        f" | {100 * floor / ours:.0f}% | {theirs / ours:.1f}× |"
    )
print()
print("| input | bytes written | time | GB/s (10⁹ B/s) |")
print("|---|---:|---:|---:|")
for case in CASES:
    n = size(f"encode_{case}/cwmp-soap")
    t = median_ns(f"encode_{case}/cwmp-soap")
    print(f"| {case} | {n:,} | {time(t)} | {n / t:.2f} |")
print()
print("| session (GetParameterValues of 50, encode and decode included) | time per session | sessions/s |")
print("|---|---:|---:|")
for name, label in [("acs_side_gpv50", "ACS side alone"), ("cpe_and_acs_gpv50", "CPE and ACS together")]:
    t = median_ns(f"session/{name}")
    print(f"| {label} (`session/{name}`) | {time(t)} | {1e9 / t:,.0f} |")
