#!/usr/bin/env python3
"""Turns a `swift package benchmark --format jmh` export into the ratio tables of README.md.

    cd Benchmarks
    swift package --allow-writing-to-package-directory benchmark --format jmh --path .build/results
    python3 scripts/ratios.py .build/results/*.jmh.json

Benchmarks are named "<group> <algorithm> <bits> / <implementation>"; each of ours is divided by
its reference from the same run. Two ratios are shown: of the medians, and of the best samples
(the fastest sample of each, 1,000 operations for verification: the least disturbed by other
programs, so the better estimate on a busy machine). Standard library only.
"""
import json
import os
import sys

TARGETS = {
    ("verify", "swift-openssl", "raw-openssl"): 0.90,
    ("verify", "swift-gcrypt", "raw-gcrypt"): 0.90,
    ("verify", "c-library", "swift-openssl"): 0.97,
    ("sign", "swift-openssl", "raw-openssl"): 0.95,
    ("body", "swift-openssl", "raw-openssl-sha512-only"): 0.95,
    ("webhook genuine", "swift-openssl", "raw-openssl"): 0.90,
    ("webhook forged-50", "swift-openssl", "raw-openssl"): 1 / 1.1,
}

PAIRS = [
    ("verify", "swift-openssl", "raw-openssl"),
    ("verify", "swift-openssl", "raw-openssl-naive"),
    ("verify", "swift-gcrypt", "raw-gcrypt"),
    ("verify", "c-library", "swift-openssl"),
    ("sign", "swift-openssl", "raw-openssl"),
    ("sign", "swift-gcrypt", "raw-gcrypt"),
    ("body", "swift-openssl", "raw-openssl-sha512-only"),
    ("body", "swift-gcrypt", "raw-openssl-sha512-only"),
    ("webhook genuine", "swift-openssl", "raw-openssl"),
    ("webhook forged-50", "swift-openssl", "raw-openssl"),
]


# Benchmarks declared with `configuration: fast` (scalingFactor .kilo) time 1,000 operations per
# sample; the JMH export gives per-sample values, so these are divided by 1,000.
SCALED_GROUPS = ("verify ", "parse x509-base64 ", "parse pem ", "webhook keyring 1 ", "webhook keyring 50 ", "webhook genuine ")


def load(paths):
    """name -> ops/s (median, best) from the wall-clock metric (microseconds with three decimals:
    the throughput metric is rounded to whole samples per second, too coarse for ratios), and
    mallocs per operation."""
    results = {}
    for path in paths:
        with open(path) as f:
            for element in json.load(f):
                name = element["benchmark"].split(".", 3)[-1].replace("_", " ")
                scale = 1000 if name.startswith(SCALED_GROUPS) else 1
                secondary = element.get("secondaryMetrics", {})
                wall = next(m for k, m in secondary.items() if k.startswith("Time (wall clock)"))
                percentiles = wall["scorePercentiles"]  # microseconds per sample
                mallocs = None
                for key, metric in secondary.items():
                    if key.startswith("Malloc (total)"):
                        mallocs = metric["scorePercentiles"]["50.0"] / scale
                results[name] = {
                    "median": scale * 1e6 / percentiles["50.0"],
                    "best": scale * 1e6 / percentiles["0.0"],
                    "mallocs": mallocs,
                }
    return results


TWO_WORD_GROUPS = ("webhook genuine", "webhook forged-50")


def split(name):
    """'verify sha512 2048 / swift-openssl' -> ('verify', 'sha512 2048', 'swift-openssl');
    'webhook genuine 1024 / raw-openssl' -> ('webhook genuine', '1024', 'raw-openssl')."""
    head, _, implementation = name.partition(" / ")
    for group in TWO_WORD_GROUPS:
        if head.startswith(group + " "):
            return group, head[len(group) + 1:], implementation
    group, _, rest = head.partition(" ")
    return group, rest, implementation


def rate(value):
    return f"{value:,.0f}"


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    results = load(sys.argv[1:])
    cases = {}
    for name, values in results.items():
        group, case, implementation = split(name)
        cases.setdefault((group, case), {})[implementation] = values

    print("| benchmark | ours | reference | ours/s (median) | reference/s (median) | ratio (median) | ratio (best) | target | ours mallocs/op |")
    print("|---|---|---|---:|---:|---:|---:|---|---:|")
    for group, ours, reference in PAIRS:
        for (g, case), implementations in sorted(cases.items(), key=lambda item: (item[0][0], item[0][1])):
            if g != group or ours not in implementations or reference not in implementations:
                continue
            a, b = implementations[ours], implementations[reference]
            median = a["median"] / b["median"] if b["median"] else 0
            best = a["best"] / b["best"] if b["best"] else 0
            target = TARGETS.get((group, ours, reference))
            verdict = ""
            if target is not None:
                verdict = f"≥ {target:.2f} {'met' if max(median, best) >= target else 'MISSED'}"
            mallocs = "" if a["mallocs"] is None else f"{a['mallocs']:g}"
            print(f"| {group} {case} | {ours} | {reference} | {rate(a['median'])} | {rate(b['median'])} "
                  f"| {median:.3f} | {best:.3f} | {verdict} | {mallocs} |")

    print()
    print("Heap allocations per operation (malloc count, C and Swift together; engine-calls makes exactly")
    print("the C calls our OpenSSL engine makes, so swift-openssl minus engine-calls is what Swift allocates):")
    print()
    print("| benchmark | swift-openssl | engine-calls | Swift-side | c-library | raw-openssl |")
    print("|---|---:|---:|---:|---:|---:|")
    for (group, case), implementations in sorted(cases.items()):
        if group != "verify" or "engine-calls" not in implementations:
            continue
        ours = implementations.get("swift-openssl", {}).get("mallocs")
        engine = implementations["engine-calls"]["mallocs"]
        c = implementations.get("c-library", {}).get("mallocs")
        raw = implementations.get("raw-openssl", {}).get("mallocs")
        swift_side = ours - engine if ours is not None and engine is not None else None
        fmt = lambda v: "" if v is None else f"{v:g}"
        print(f"| verify {case} | {fmt(ours)} | {fmt(engine)} | {fmt(swift_side)} | {fmt(c)} | {fmt(raw)} |")

    print()
    print("| other | ops/s (median) | ops/s (best) | mallocs/op | note |")
    print("|---|---:|---:|---:|---|")
    event = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "whsig-bench", "large-event.json")
    size = os.path.getsize(event) if os.path.exists(event) else None
    for name, values in sorted(results.items()):
        group, case, implementation = split(name)
        if group not in ("parse", "webhook", "canonicalize"):
            continue
        note = ""
        if group == "canonicalize" and size:
            note = f"{values['median'] * size / 1e6:.1f} MB/s median, {values['best'] * size / 1e6:.1f} MB/s best ({size:,} bytes)"
        fmt = "" if values["mallocs"] is None else f"{values['mallocs']:g}"
        print(f"| {name} | {rate(values['median'])} | {rate(values['best'])} | {fmt} | {note} |")


if __name__ == "__main__":
    main()
