#!/usr/bin/env python3
"""RFC 8785 (JCS) throughput of Python's `rfc8785` package on the benchmark's ~1 MiB event,
for comparison with `canonicalize jcs 1MiB / swift` in the benchmark suite.

    pip install rfc8785
    cd Benchmarks
    swift package benchmark --filter "canonicalize.*"    # writes .build/whsig-bench/large-event.json
    python3 scripts/jcs-reference.py [--jmh .build/results/*.jmh.json]

It times json.loads + rfc8785.dumps (parse and serialise, which is what this library's
Canonicalizer.canonicalize does from bytes) and rfc8785.dumps alone, and checks that its output is
byte-identical to this library's (large-event.jcs.json, written by the benchmark). With --jmh it
also prints the ratio Swift / Python from a benchmark export.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "..", ".build", "whsig-bench")


def measure(function, seconds):
    """Runs `function` repeatedly for about `seconds`; returns the per-call times."""
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 5:
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def swift_jcs_rate(paths):
    """ops/s (median, best) of 'canonicalize jcs 1MiB / swift' in JMH exports."""
    for path in paths:
        with open(path) as f:
            for element in json.load(f):
                if "canonicalize_jcs_1MiB" in element["benchmark"]:
                    percentiles = element["primaryMetric"]["scorePercentiles"]
                    return percentiles["50.0"], percentiles["100.0"]
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("event", nargs="?", default=os.path.join(WORK, "large-event.json"))
    parser.add_argument("--seconds", type=float, default=5.0, help="time per measurement (default 5)")
    parser.add_argument("--jmh", nargs="*", default=[], help="benchmark JMH export(s), for the Swift/Python ratio")
    args = parser.parse_args()

    try:
        import rfc8785
    except ImportError:
        sys.exit("jcs-reference: the rfc8785 package is missing: pip install rfc8785")
    if not os.path.exists(args.event):
        sys.exit(f"jcs-reference: {args.event} is missing: run the benchmark suite first "
                 "(swift package benchmark --filter 'canonicalize.*') to write it")

    with open(args.event, "rb") as f:
        data = f.read()
    size = len(data)
    parsed = json.loads(data)
    output = rfc8785.dumps(parsed)

    ours_path = os.path.join(os.path.dirname(args.event), "large-event.jcs.json")
    if os.path.exists(ours_path):
        with open(ours_path, "rb") as f:
            identical = f.read() == output
        print(f"output identical to this library's JCS: {'yes' if identical else 'NO'}")

    parse_and_dump = measure(lambda: rfc8785.dumps(json.loads(data)), args.seconds)
    dump_only = measure(lambda: rfc8785.dumps(parsed), args.seconds)
    python = {}
    for label, times in (("json.loads + rfc8785.dumps", parse_and_dump), ("rfc8785.dumps alone", dump_only)):
        median, best = statistics.median(times), min(times)
        python[label] = (size / median / 1e6, size / best / 1e6)
        print(f"python {sys.version.split()[0]} rfc8785 {getattr(rfc8785, '__version__', '?')}: {label}: "
              f"{size / median / 1e6:.1f} MB/s median, {size / best / 1e6:.1f} MB/s best "
              f"({len(times)} runs, {size:,} bytes)")

    if args.jmh:
        rates = swift_jcs_rate(args.jmh)
        if rates is None:
            print("no 'canonicalize jcs 1MiB / swift' result in the JMH export(s)")
            return
        swift_median, swift_best = (r * size / 1e6 for r in rates)
        print(f"swift Canonicalizer.canonicalize(.jcs): {swift_median:.1f} MB/s median, {swift_best:.1f} MB/s best")
        py_median, py_best = python["json.loads + rfc8785.dumps"]
        print(f"ratio swift / python (parse + serialise): {swift_median / py_median:.1f}x median, "
              f"{swift_best / py_best:.1f}x best")


if __name__ == "__main__":
    main()
