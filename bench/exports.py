#!/usr/bin/env python3
"""The whole-list exports on a generated county (#16): time, size and the server's memory.

Reuses (or generates) the county of bench/county_pages.py, starts the release server, signs in
as the county admin and downloads each export once, reading the body as it arrives. Before
each download the server's peak resident memory is reset (/proc/PID/clear_refs, Linux), so
"peak MB" is the most the whole process held during that one export, beside its resident
memory at rest. Plots, plantings and the benefit report are written a page at a time (CSV
streamed, XLSX in constant memory), so their peak should not grow with the county.

  python3 bench/exports.py --reuse

Needs the release build (`cargo leptos build --release --precompress`). Figures go to
BENCHMARKS.md by hand.
"""

import argparse
import http.client
import sys
import time

from tianlian_bench import COUNTY_ADMIN as ADMIN
from tianlian_bench import county_db, serving, sign_in

PORT = 3312
FILES = ["plots.csv", "plots.xlsx", "plantings.csv", "plantings.xlsx", "benefit.csv", "benefit.xlsx"]


def memory(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def download(path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    res = conn.getresponse()
    first, size = None, 0
    while True:
        chunk = res.read(65536)
        if first is None:
            first = (time.perf_counter() - start) * 1000
        if not chunk:
            break
        size += len(chunk)
    total = (time.perf_counter() - start) * 1000
    conn.close()
    return res.status, first, total, size


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reuse", action="store_true", help="reuse target/bench/pages.db and its manifest")
    args = ap.parse_args()
    env, _ = county_db(PORT, args.reuse)
    with serving(env, PORT, "exports-server.log") as server:
        cookie = sign_in(PORT, *ADMIN)
        print(f"{'file':<16}{'status':>7}{'first byte ms':>15}{'total ms':>10}{'MB':>8}{'rest MB':>9}{'peak MB':>9}")
        for name in FILES:
            rest = memory(server.pid, "VmRSS")
            with open(f"/proc/{server.pid}/clear_refs", "w") as f:
                f.write("5")
            status, first, total, size = download(f"/api/v1/export/{name}", cookie)
            peak = memory(server.pid, "VmHWM")
            print(f"{name:<16}{status:>7}{first:>15.0f}{total:>10.0f}{size / 1e6:>8.1f}{rest:>9.0f}{peak:>9.0f}",
                  flush=True)


if __name__ == "__main__":
    sys.exit(main())
