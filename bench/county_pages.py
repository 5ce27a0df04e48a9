#!/usr/bin/env python3
"""Every main page of every role, timed on a generated county (#16).

Generates a county (20 townships, 20,000 households, 100,000 plantings) into a fresh SQLite
file (or reuses one with --reuse), adds an admin, starts the release server, signs in as the
admin and as the first agronomist, cooperative and farmer of the manifest, and requests each
page REPEAT times one after another. Prints, per page: status, p50 and p99 of the whole
response (server time + loopback), and the body size raw and gzip-compressed. With --wrk it
also drives wrk at 16 connections for a few seconds per page and prints requests/s and p50/p99.

  python3 bench/county_pages.py                 # generate, then time (about 2 minutes)
  python3 bench/county_pages.py --reuse --wrk   # reuse target/bench/pages.db, add wrk

Needs the release build (`cargo leptos build --release --precompress`); wrk for --wrk.
Goal: every page <= 200 ms p50 for a single request. Figures go to BENCHMARKS.md by hand.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import time

from tianlian_bench import COUNTY_ADMIN as ADMIN
from tianlian_bench import OUT, county_db, request, serving, sign_in

PORT = 3310


def pages(county):
    """(role, path) for each main page; ids are looked up from the lists."""
    return [
        ("admin", "/county"),
        ("admin", "/plots"),
        ("admin", "/plots?page=400"),
        ("admin", "/plots?q=1-01"),
        ("admin", "/api/v1/plots"),
        ("admin", "/api/v1/plantings"),
        ("admin", "/targets"),
        ("admin", "/benefit"),
        ("admin", "/benefit?poor=1&page=20"),
        ("admin", "/api/v1/benefit"),
        ("admin", "/api/v1/benefit?cursor=5000"),
        ("admin", "/wallchart"),
        ("admin", "/market"),
        ("admin", "/accounts"),
        ("admin", "/accounts?q=150&page=3"),
        ("admin", "/api/v1/accounts"),
        ("admin", "/households"),
        ("admin", "/households?q=%E7%8E%8B"),
        ("admin", "/api/v1/households"),
        ("agronomist", "/plots"),
        ("agronomist", "/plots/{plot}"),
        ("agronomist", "/targets"),
        ("agronomist", "/market"),
        ("agronomist", "/wallchart"),
        ("agronomist", "/benefit"),
        ("agronomist", "/forecast"),
        ("agronomist", "/api/v1/plantings"),
        ("agronomist", "/households"),
        ("agronomist", "/households?page=10"),
        ("agronomist", "/households/{household}"),
        ("cooperative", "/households"),
        ("cooperative", "/coop"),
        ("cooperative", "/coop?list=leases"),
        ("cooperative", "/coop?list=members&page=3"),
        ("cooperative", "/api/v1/cooperatives/{coop}"),
        ("cooperative", "/api/v1/cooperatives/{coop}?list=members&page=2"),
        ("farmer", "/my"),
        ("farmer", "/my/pay"),
    ]


def timed(path, cookie, repeat):
    times, body, status = [], b"", 0
    for _ in range(repeat):
        start = time.perf_counter()
        status, _, body = request(PORT, "GET", path, cookie=cookie)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return status, p(0.5), p(0.99), len(body), len(gzip.compress(body, 6))


def wrk(path, cookie, seconds):
    script = os.path.join(OUT, "county_pages.lua")
    with open(script, "w") as f:
        f.write('wrk.headers["Cookie"] = "%s"\n' % cookie)
        f.write("done = function(summary, latency, requests)\n"
                '  io.write(string.format("WRK rps=%.1f p50=%.1f p99=%.1f errors=%d\\n", '
                "summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, "
                "latency:percentile(99) / 1000, summary.errors.status + summary.errors.timeout))\n"
                "end\n")
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "-s", script,
                          f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, check=True).stdout
    line = next((l for l in out.splitlines() if l.startswith("WRK ")), "WRK ?")
    return line[4:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reuse", action="store_true", help="reuse target/bench/pages.db and its manifest")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--wrk", action="store_true", help="also 16 connections under wrk per page")
    ap.add_argument("--wrk-seconds", type=int, default=5)
    ap.add_argument("--only", help="only pages whose path contains this")
    args = ap.parse_args()
    env, county = county_db(PORT, args.reuse)
    with serving(env, PORT, "county-pages-server.log"):
        cookies = {
            "admin": sign_in(PORT, *ADMIN),
            "agronomist": sign_in(PORT, county["agronomist_phones"][0]),
            "cooperative": sign_in(PORT, county["cooperative_phones"][0]),
            "farmer": sign_in(PORT, county["farmer_phones"][0]),
        }
        _, _, html = request(PORT, "GET", "/plots", cookie=cookies["agronomist"])
        plot = html.decode().split('href="/plots/', 1)[1].split('"', 1)[0]
        _, _, html = request(PORT, "GET", "/households", cookie=cookies["agronomist"])
        household = html.decode().split('href="/households/', 1)[1].split('"', 1)[0]
        _, _, html = request(PORT, "GET", "/coop", cookie=cookies["cooperative"])
        coop = html.decode().split('coop=', 1)[1].split('&', 1)[0].split('"', 1)[0]
        print(f"{'role':<12}{'page':<22}{'status':>6}{'p50 ms':>9}{'p99 ms':>9}{'KB':>9}{'KB gz':>8}"
              + ("  wrk -c16" if args.wrk else ""))
        for role, path in pages(county):
            if args.only and args.only not in path:
                continue
            path = path.replace("{plot}", plot).replace("{household}", household).replace("{coop}", coop)
            request(PORT, "GET", path, cookie=cookies[role])  # warm
            status, p50, p99, raw, gz = timed(path, cookies[role], args.repeat)
            extra = "  " + wrk(path, cookies[role], args.wrk_seconds) if args.wrk else ""
            print(f"{role:<12}{path:<22}{status:>6}{p50:>9.1f}{p99:>9.1f}{raw / 1000:>9.1f}{gz / 1000:>8.1f}{extra}",
                  flush=True)


if __name__ == "__main__":
    sys.exit(main())
