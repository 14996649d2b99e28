#!/usr/bin/env python3
"""Checks that the benchmark suite and `whsig speed` agree: the same ratios (ours / raw reference)
and rates, side by side.

    python3 scripts/compare-with-speed.py .build/results/Current_run.jmh.json speed.json

The two measure differently (the suite: wall-clock time of 1,000-operation samples, each
benchmark in its own slot of the run; whsig speed: thread CPU time, ours and raw alternating in
50 ms slices), so they should agree within the noise of a run, a few percent on a busy machine.
Standard library only.
"""
import importlib.util
import json
import os
import sys

spec = importlib.util.spec_from_file_location("ratios", os.path.join(os.path.dirname(os.path.abspath(__file__)), "ratios.py"))
ratios = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ratios)

REFERENCE = {("verify", "openssl"): "raw-openssl", ("verify", "gcrypt"): "raw-gcrypt",
             ("sign", "openssl"): "raw-openssl", ("sign", "gcrypt"): "raw-gcrypt"}


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    suite = ratios.load([sys.argv[1]])
    with open(sys.argv[2]) as f:
        speed = json.load(f)
    print("| operation | backend | alg | bits | suite ours/s | speed ours/s | rate diff | suite ratio | speed ratio | ratio diff |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    differences = []
    for row in speed["results"]:
        for operation in ("verify", "sign"):
            backend, algorithm, bits = row["backend"], row["algorithm"], row["bits"]
            ours = suite.get(f"{operation} {algorithm} {bits} / swift-{backend}")
            raw = suite.get(f"{operation} {algorithm} {bits} / {REFERENCE[(operation, backend)]}")
            if ours is None or raw is None:
                continue
            suite_ratio = ours["median"] / raw["median"]
            speed_ratio = row[operation]["ratio"]
            rate_diff = row[operation]["ours"] / ours["median"] - 1
            differences.append(abs(speed_ratio - suite_ratio))
            print(f"| {operation} | {backend} | {algorithm} | {bits} | {ours['median']:,.0f} | {row[operation]['ours']:,.0f} "
                  f"| {rate_diff:+.1%} | {suite_ratio:.3f} | {speed_ratio:.3f} | {speed_ratio - suite_ratio:+.3f} |")
    if differences:
        differences.sort()
        print()
        print(f"ratio differences: median {differences[len(differences) // 2]:.3f}, largest {differences[-1]:.3f} "
              f"over {len(differences)} comparisons")


if __name__ == "__main__":
    main()
