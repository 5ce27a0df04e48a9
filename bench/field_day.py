#!/usr/bin/env python3
"""The 300-worker field day at county scale (#15): fill, roll call, settle, timed.

On the generated county (target/bench/pages.db, made as bench/county_pages.py makes it; reused
with --reuse), signs in as the first cooperative manager of the manifest and, ROUNDS times on a
day of its own: posts a 300-person shift, fills it from the suggestions (one request), opens the
roll call (JSON and the page, weighed raw and gzip-compressed), submits the roll call of 300
with 3 absent and 2 working 10 h, and settles the day; then weighs the day sheet page and its
printable form. Prints each step's p50 and max over the rounds (the response time on loopback,
which is server time plus well under a millisecond).

  python3 bench/field_day.py --reuse --rounds 5 [--heights]

Needs the release build (`cargo leptos build --release --precompress`).
Goal: fill, roll call and settle each <= 1 s; the roll-call page <= 60 KB compressed.
"""

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import time

from tianlian_bench import PASSWORD, ROOT, county_db, request, serving, sign_in

PORT = 3311


def find(value, key):
    """The first value of `key` anywhere in a JSON value."""
    if isinstance(value, dict):
        if key in value:
            return value[key]
        value = list(value.values())
    if isinstance(value, list):
        for v in value:
            found = find(v, key)
            if found is not None:
                return found
    return None


def call(cookie, method, path, body=None, want=(200, 201)):
    start = time.perf_counter()
    status, _, raw = request(PORT, method, path, body=body, cookie=cookie)
    ms = (time.perf_counter() - start) * 1000
    if status not in want:
        raise SystemExit(f"{method} {path}: {status} {raw[:300]!r}")
    return ms, raw


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reuse", action="store_true", help="reuse target/bench/pages.db and its manifest")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--heights", action="store_true", help="also each page's height on a phone (bench/heights.mjs)")
    args = ap.parse_args()
    env, county = county_db(PORT, args.reuse)
    steps = {}

    def note(name, ms, raw=None):
        steps.setdefault(name, {"ms": [], "kb": None})
        steps[name]["ms"].append(ms)
        if raw is not None:
            steps[name]["kb"] = (len(raw) / 1000, len(gzip.compress(raw, 6)) / 1000)

    with serving(env, PORT, "field-day-server.log"):
        cookie = sign_in(PORT, county["cooperative_phones"][0])
        _, me = call(cookie, "GET", "/api/v1/me")
        coop = find(json.loads(me), "cooperative_id")
        rng = random.Random()
        for _ in range(args.rounds):
            # A day of its own, far from the generated season, so every round staffs afresh.
            day = f"{rng.randint(2030, 2090)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
            _, body = call(cookie, "POST", "/api/v1/shifts", {
                "cooperative_id": coop, "date": day, "task": "spawn_rubbing", "headcount": 300, "hours": 8})
            shift = json.loads(body)["id"]
            ms, body = call(cookie, "POST", f"/api/v1/shifts/{shift}/fill")
            booked = json.loads(body)["booked"]
            if booked != 300:
                raise SystemExit(f"filled {booked} of 300")
            note("fill 300 (POST …/fill)", ms)
            ms, raw = call(cookie, "GET", f"/shifts/{shift}")
            note("shift page (50 of 300)", ms, raw)
            ms, raw = call(cookie, "GET", f"/api/v1/shifts/{shift}/roll-call")
            roll = json.loads(raw)
            note("roll call JSON", ms, raw)
            ms, raw = call(cookie, "GET", f"/shifts/{shift}/roll")
            note("roll-call page", ms, raw)
            lines = []
            for i, line in enumerate(roll["lines"]):
                entry = {"person_id": line["person_id"]}
                if i < 3:
                    entry["absent"] = True
                elif i < 5:
                    entry["hours"] = 10
                lines.append(entry)
            ms, body = call(cookie, "POST", f"/api/v1/shifts/{shift}/roll-call", {"key": roll["key"], "lines": lines})
            note("roll call of 300 (POST)", ms)
            ms, _ = call(cookie, "POST", f"/api/v1/shifts/{shift}/roll-call", {"key": roll["key"], "lines": lines})
            note("the same roll call resent", ms)
            ms, body = call(cookie, "POST", f"/api/v1/cooperatives/{coop}/days/{day}/settle")
            paid = json.loads(body)["paid_fen"]
            if paid != 295 * 8000 + 2 * 11000:
                raise SystemExit(f"settled {paid} fen")
            note("settle the day (300 paid)", ms)
            ms, raw = call(cookie, "GET", f"/coop/{coop}/days/{day}")
            note("day sheet page (50 a page)", ms, raw)
            ms, raw = call(cookie, "GET", f"/coop/{coop}/days/{day}?print=1")
            note("day sheet printable (300)", ms, raw)
            ms, raw = call(cookie, "GET", f"/api/v1/cooperatives/{coop}/days/{day}/sheet.xlsx")
            note("day sheet XLSX", ms, raw)
        ms, raw = call(cookie, "GET", "/coop")
        note("/coop first screen", ms, raw)
        if args.heights:
            # The last round's pages, as tall as a 360-px phone shows them.
            paths = ["/coop", "/coop?list=shifts", "/coop?list=members", "/coop?list=leases",
                     f"/shifts/{shift}", f"/shifts/{shift}/roll", f"/coop/{coop}/days/{day}"]
            subprocess.run(["node", os.path.join(ROOT, "bench", "heights.mjs"), f"http://127.0.0.1:{PORT}", *paths],
                           env=dict(os.environ, PHONE=county["cooperative_phones"][0], PASSWORD=PASSWORD),
                           check=True)
    print(f"{'step':<30}{'p50 ms':>9}{'max ms':>9}{'KB':>9}{'KB gz':>8}")
    for name, s in steps.items():
        t = sorted(s["ms"])
        kb = s["kb"]
        size = f"{kb[0]:>9.1f}{kb[1]:>8.1f}" if kb else ""
        print(f"{name:<30}{t[len(t) // 2]:>9.1f}{t[-1]:>9.1f}{size}")


if __name__ == "__main__":
    sys.exit(main())
