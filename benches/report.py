#!/usr/bin/env python3
"""Prints the BENCHMARKS.md tables from criterion's results (run `cargo bench -p cwmp-benches` first).

Usage: python3 benches/report.py [target/criterion]
Throughput is the input (decode) or output (encode) size divided by criterion's mean time.
"""
import json
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
CASES = ["inform", "gpv_resp_100", "gpv_resp_1000", "gpv_resp_10000", "gpn_resp_10000", "spv_100"]


def estimate(group, function):
    base = f"{ROOT}/{group}/{function}/new"
    with open(f"{base}/estimates.json") as f:
        mean_ns = json.load(f)["mean"]["point_estimate"]
    with open(f"{base}/benchmark.json") as f:
        size = json.load(f)["throughput"]["Bytes"]
    return size, mean_ns, size / mean_ns * 1e9 / 2**20


def time(ns):
    return f"{ns / 1000:.2f} µs" if ns < 1e6 else f"{ns / 1e6:.2f} ms"


print("| input | bytes | cwmp-soap | quick-xml floor | cwmp crate | % of floor | × cwmp crate |")
print("|---|---:|---:|---:|---:|---:|---:|")
for case in CASES:
    size, t_ours, ours = estimate(f"decode_{case}", "cwmp-soap")
    _, t_floor, floor = estimate(f"decode_{case}", "quick-xml-floor")
    _, t_theirs, theirs = estimate(f"decode_{case}", "cwmp-crate")
    print(
        f"| {case} | {size} | {time(t_ours)} = {ours:.0f} MiB/s | {time(t_floor)} = {floor:.0f} MiB/s"
        f" | {time(t_theirs)} = {theirs:.1f} MiB/s | {100 * ours / floor:.0f}% | {ours / theirs:.1f}× |"
    )
print()
print("| input | bytes written | time | GB/s (10⁹ B/s) |")
print("|---|---:|---:|---:|")
for case in CASES:
    size, t, _ = estimate(f"encode_{case}", "cwmp-soap")
    print(f"| {case} | {size} | {time(t)} | {size / t:.2f} |")
