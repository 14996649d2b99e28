#!/usr/bin/env python3
"""Draws `whsig speed --json` output as an SVG bar chart: verifications per second for each key
size, this library next to the raw library reference, for each backend and algorithm.

    whsig speed --json > speed.json
    python3 scripts/speed-chart.py speed.json docs/speed.svg

Standard library only; the SVG is written by hand. The y axis is logarithmic, so that 1024- and
4096-bit rates (a factor of ten apart) are both readable; each pair is labelled with its ratio.
"""
import json
import math
import sys
from html import escape

SERIES = [
    # (backend, side, label, colour)
    ("openssl", "ours", "OpenSSL backend (this library)", "#1f6feb"),
    ("openssl", "raw", "OpenSSL raw reference", "#8cb8ff"),
    ("gcrypt", "ours", "libgcrypt backend (this library)", "#d4582a"),
    ("gcrypt", "raw", "libgcrypt raw reference", "#f2b79d"),
]


def fmt(value):
    if value >= 1e6:
        return f"{value / 1e6:.1f}M"
    if value >= 1e3:
        return f"{value / 1e3:.0f}k" if value >= 1e4 else f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def chart(data):
    results = data["results"]
    algorithms = [a for a in ("sha512", "md5") if any(r["algorithm"] == a for r in results)]
    bits = sorted({r["bits"] for r in results})
    series = [s for s in SERIES if any(r["backend"] == s[0] for r in results)]
    values = [r["verify"][side] for r in results for side in ("ours", "raw") if r["verify"][side] > 0]
    low = 10 ** math.floor(math.log10(min(values)))
    # The top of the axis: the first 1, 2 or 5 times a power of ten above the largest bar (with room for its label).
    high = low
    while high < max(values) * 1.15:
        high = next(step * 10 ** math.floor(math.log10(high)) for step in (2, 5, 10)
                    if step * 10 ** math.floor(math.log10(high)) > high * 1.0001)

    panel_width = 70 + len(bits) * (len(series) * 26 + 40)
    width = 40 + len(algorithms) * panel_width + 20
    height = 480
    top, bottom = 130, 390
    out = []
    add = out.append
    add(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="Helvetica, Arial, sans-serif" font-size="12">')
    add(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    add(f'<text x="20" y="28" font-size="17" font-weight="bold">Signature verifications per second '
        f'({data.get("bodyBytes", 430)}-byte body, one thread)</text>')
    machine = data.get("machine", {})
    subtitle = (f'{machine.get("cpuModel", "unknown CPU")}, {machine.get("cpus", "?")} CPUs; '
                f'{machine.get("openssl", "")}; {machine.get("libgcrypt", "")}; {data.get("date", "")[:10]}')
    add(f'<text x="20" y="48" fill="#555">{escape(subtitle)}</text>')
    add(f'<text x="20" y="66" fill="#555">{escape(data.get("command", "whsig speed --json"))}: ratio = this library / '
        'raw library doing only hash + one RSA operation, setup done once</text>')

    # Legend.
    x = 20
    for backend, side, label, colour in series:
        add(f'<rect x="{x}" y="80" width="12" height="12" fill="{colour}"/>')
        add(f'<text x="{x + 17}" y="90">{escape(label)}</text>')
        x += 30 + 7 * len(label)

    def y_of(value):
        return bottom - (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low)) * (bottom - top)

    for index, algorithm in enumerate(algorithms):
        left = 40 + index * panel_width + 50
        right = left + panel_width - 70
        name = {"sha512": "SHA512withRSA", "md5": "MD5withRSA"}[algorithm]
        add(f'<text x="{(left + right) / 2}" y="{top - 8}" text-anchor="middle" font-weight="bold">{name}</text>')
        # Grid and axis labels at each power of ten (and 2x, 5x).
        decade = low
        while decade <= high * 1.0001:
            for step in (1, 2, 5):
                v = decade * step
                if v < low or v > high * 1.0001:
                    continue
                y = y_of(v)
                add(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{"#ccc" if step == 1 else "#eee"}"/>')
                add(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{fmt(v)}</text>')
            decade *= 10
        add(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>')
        group_width = len(series) * 26
        for j, size in enumerate(bits):
            gx = left + 20 + j * (group_width + 40)
            add(f'<text x="{gx + group_width / 2}" y="{bottom + 18}" text-anchor="middle">RSA-{size}</text>')
            for k, (backend, side, label, colour) in enumerate(series):
                row = next((r for r in results if r["backend"] == backend and r["algorithm"] == algorithm and r["bits"] == size), None)
                if row is None or row["verify"][side] <= 0:
                    continue
                value = row["verify"][side]
                bx = gx + k * 26
                y = y_of(value)
                add(f'<rect x="{bx}" y="{y:.1f}" width="22" height="{bottom - y:.1f}" fill="{colour}">'
                    f'<title>{escape(label)}, {name}, RSA-{size}: {value:,.0f}/s</title></rect>')
                add(f'<text x="{bx + 11}" y="{y - 4:.1f}" text-anchor="middle" font-size="9" fill="#333">{fmt(value)}</text>')
                if side == "ours":
                    ratio = row["verify"]["ratio"]
                    add(f'<text x="{bx + 24}" y="{bottom + 34}" text-anchor="middle" font-size="10" fill="{colour}">'
                        f'{ratio:.2f}</text>')
        add(f'<text x="{left - 40}" y="{(top + bottom) / 2}" transform="rotate(-90 {left - 40} {(top + bottom) / 2})" '
            'text-anchor="middle" fill="#555">verify/s (log scale)</text>')
    add(f'<text x="20" y="{height - 22}" fill="#555">Ratios under the bars: this library / raw reference, '
        'per backend (1.00 = no overhead).</text>')
    scaling = data.get("threadScaling", [])
    if scaling:
        parts = [f'{s["backend"]} {s["threads"]} threads {s["speedup"]:.2f}x' for s in scaling]
        add(f'<text x="20" y="{height - 6}" fill="#555">Thread scaling, one shared key, RSA-{scaling[0]["bits"]}: '
            f'{escape("; ".join(parts))}</text>')
    add("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        data = json.load(f)
    with open(sys.argv[2], "w") as f:
        f.write(chart(data))


if __name__ == "__main__":
    main()
