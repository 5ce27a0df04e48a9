#!/usr/bin/env python3
"""Onboarding a township in bulk (#18): 2,000 households with 6,000 people and 2,000 farmer
accounts, imported in one file, timed.

On a copy of the generated county (target/bench/pages.db, made as bench/county_pages.py makes it;
reused with --reuse) so the checks run against 20,000 households already there, signs in as the
county admin and sends a registry export (one row per person: the head with a mobile number and
an account, two more people) to POST /api/v1/import/households: first as a dry run, then for real.
Prints the size of the file, the time of each step (wall clock on loopback) and checks that one
of the answered one-time passwords signs in and must be changed.

  python3 bench/onboard.py --reuse [--households 2000]

Needs the release build (`cargo leptos build --release --precompress`).
Goal (issue 18): the import takes <= 30 s on these machines.
"""

import argparse
import http.client
import json
import os
import shutil
import time

from tianlian_bench import COUNTY_ADMIN, OUT, county_db, request, serving, sign_in

PORT = 3312


def send_csv(port, path, text, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "text/csv", "Cookie": cookie}
    try:
        started = time.perf_counter()
        conn.request("POST", path, body=text.encode(), headers=headers)
        res = conn.getresponse()
        body = res.read()
        return res.status, json.loads(body or b"null"), time.perf_counter() - started
    finally:
        conn.close()


def registry(township, village, n):
    rows = ["乡镇,村,户编号,户主,姓名,手机号,能否务工,贫困户,识别年度,脱贫年度,开通账号"]
    for i in range(n):
        poor = "是,2016," if i % 4 == 0 else "否,,"
        rows.append(f"{township},{village},BN-{i:05d},户主{i},户主{i},166{i:08d},是,{poor},是")
        rows.append(f"{township},{village},BN-{i:05d},户主{i},配偶{i},167{i:08d},是,,,,")
        rows.append(f"{township},{village},BN-{i:05d},户主{i},子女{i},,否,,,,")
    return "\n".join(rows) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reuse", action="store_true", help="reuse target/bench/pages.db and its manifest")
    ap.add_argument("--households", type=int, default=2000)
    args = ap.parse_args()
    env, _ = county_db(PORT, args.reuse)
    # A copy: the import must not change the county the page benches read.
    source = env["DATABASE_URL"].removeprefix("sqlite://")
    copy = os.path.join(OUT, "onboard.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(copy + suffix):
            os.remove(copy + suffix)
        if os.path.exists(source + suffix):
            shutil.copy(source + suffix, copy + suffix)
    env = dict(env, DATABASE_URL=f"sqlite://{copy}")
    with serving(env, PORT, "onboard-server.log"):
        cookie = sign_in(PORT, *COUNTY_ADMIN)
        status, _, body = request(PORT, "GET", "/api/v1/households?limit=1", cookie=cookie)
        first = json.loads(body)["households"][0]
        text = registry(first["township"], first["village"], args.households)
        print(f"file: {args.households} households, {3 * args.households} people, "
              f"{args.households} accounts, {len(text.encode()) / 1024:.0f} KB of CSV", flush=True)
        status, body, dry = send_csv(PORT, "/api/v1/import/households?dry_run=true", text, cookie)
        assert status == 200, (status, body)
        print(f"dry run: {dry * 1000:.0f} ms ({body['rows_ok']} households pass)", flush=True)
        status, body, real = send_csv(PORT, "/api/v1/import/households?dry_run=false", text, cookie)
        assert status == 201, (status, body)
        slips = body["slips"]
        print(f"import: {real:.1f} s ({body['stored']} households, {len(slips)} accounts with "
              f"one-time passwords)", flush=True)
        status, session, _ = request(PORT, "POST", "/api/v1/auth/login",
                                     {"phone": slips[-1]["phone"], "password": slips[-1]["one_time_password"]})
        assert status == 200, status
        status, _, body = request(PORT, "GET", "/api/v1/me", cookie=session.split(";", 1)[0])
        assert json.loads(body)["must_change_password"] is True
        print("a slip signs in and must change its password: ok")
        print(f"goal: import <= 30 s -> {'met' if real <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
