#!/usr/bin/env python3
"""HTTP benchmark of a county-sized Tianlian (#8).

Starts the release server on a generated county (20 townships, 20,000 households, 100,000
plantings, a season of shifts), signs in farmers, agronomists and cooperatives, and drives wrk
at 64 connections against:

  farmer    GET /my (the farmer's calendar), farmers taken in turn
  progress  GET /targets (the agronomist's progress page)
  market    GET /api/v1/market-calendar (an agronomist's township)
  hours     POST /api/v1/shifts/{id}/hours (a cooperative records a worker's hours), every
            request a different booking; afterwards the ledger must hold exactly one new
            entry per acknowledged request
  static    the same farmer page's HTML served by nginx as a file, for scale

and prints requests/s, p50/p99 latency and the server's peak resident memory. Figures go to
target/bench/http-ENGINE.json too. Usage (from the repository root):

  python3 bench/load.py                      # SQLite (the embedded default)
  python3 bench/load.py --engine postgres    # PostgreSQL (BENCH_PG_URL, default local)

Needs the release build (`cargo leptos build --release`), wrk and nginx (Debian packages;
installed when missing).
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from tianlian_bench import BIN, OUT, PASSWORD, ROOT, check, database as fresh_database
from tianlian_bench import request as _request, sign_in as _sign_in

PORT, NGINX_PORT = 3300, 3301
BASE = f"http://127.0.0.1:{PORT}"


def say(msg):
    print(f"==> {msg}", flush=True)


def need(cmd, package):
    if shutil.which(cmd):
        return
    say(f"apt-get install {package}")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", package],
                   check=True, stdout=subprocess.DEVNULL)


def request(method, path, body=None, cookie=None, port=PORT):
    return _request(port, method, path, body, cookie)


def sign_in(phone):
    return _sign_in(PORT, phone)


def wait_up(port, seconds=120):
    for _ in range(seconds * 10):
        try:
            if request("GET", "/healthz", port=port)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wrk(name, lines, duration, connections, threads=2, base=BASE):
    path = os.path.join(OUT, f"{name}.requests")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", os.path.join(ROOT, "bench", "wrk", "requests.lua"), base, "--", path, base, str(threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result = {"name": name}
    for line in out.splitlines():
        key, _, rest = line.partition(" ")
        if key in ("STATUS", "LAT", "ERRORS"):
            result.update({k: int(v) for k, v in (kv.split("=") for kv in rest.split())})
        elif key == "RPS":
            result["rps"] = float(rest)
    return result


def database(engine):
    return fresh_database(engine, "county" if engine == "sqlite" else "tianlian_bench")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--townships", type=int, default=20)
    ap.add_argument("--households", type=int, default=20_000)
    ap.add_argument("--farmers", type=int, default=500, help="farmers signed in and taken in turn")
    args = ap.parse_args()

    need("wrk", "wrk")
    need("nginx", "nginx")
    if not os.path.exists(BIN):
        raise SystemExit("no release build: run `cargo leptos build --release --precompress` first")
    os.makedirs(OUT, exist_ok=True)
    url = database(args.engine)
    env = dict(os.environ, DATABASE_URL=url, LEPTOS_SITE_ADDR=f"127.0.0.1:{PORT}",
               LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
               TIANLIAN_LOGIN_ATTEMPTS_PER_MINUTE="1000000")
    manifest_path = os.path.join(OUT, "county.json")
    say(f"generating the county on {args.engine}")
    subprocess.run([BIN, "county", "--townships", str(args.townships), "--households", str(args.households),
                    "--password", PASSWORD, "--manifest", manifest_path], env=env, check=True)
    with open(manifest_path) as f:
        county = json.load(f)

    log = open(os.path.join(OUT, f"server-{args.engine}.log"), "w")
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    results = {"engine": args.engine, "connections": args.connections, "duration_s": args.duration,
               "households": county["households"], "plantings": county["plantings"],
               "shifts": county["shifts"], "bookings": county["assignments"]}
    nginx = None
    try:
        wait_up(PORT)
        say(f"signing in {args.farmers} farmers, {len(county['agronomist_phones'])} agronomists, "
            f"{len(county['cooperative_phones'])} cooperatives")
        step = max(1, len(county["farmer_phones"]) // args.farmers)
        farmers = [sign_in(p) for p in county["farmer_phones"][::step][: args.farmers]]
        agronomists = [sign_in(p) for p in county["agronomist_phones"]]
        cooperatives = [sign_in(p) for p in county["cooperative_phones"]]

        status, _, page = request("GET", "/my", cookie=farmers[0])
        if status != 200 or "我的日历".encode() not in page:
            raise SystemExit(f"/my answered {status}")
        runs = []
        say("farmer calendar page")
        runs.append(wrk("farmer", [f"GET\t/my\t{c}\t" for c in farmers], args.duration, args.connections))
        say("agronomist progress page")
        runs.append(wrk("progress", [f"GET\t/targets\t{c}\t" for c in agronomists], args.duration,
                        args.connections))
        say("market calendar API")
        runs.append(wrk("market", [f"GET\t/api/v1/market-calendar\t{c}\t" for c in agronomists], args.duration,
                        args.connections))

        say("recording hours (writes)")
        before = ledger(env)
        writes = [f"POST\t/api/v1/shifts/{shift}/hours\t{cooperatives[coop]}\t"
                  + json.dumps({"person_id": person, "hours": 8})
                  for coop, shift, person in county["open_assignments"]]
        run = wrk("hours", writes, min(args.duration, 10), args.connections)
        after = ledger(env)
        run["ledger_new_entries"] = after["entries"] - before["entries"]
        # An acknowledged write missing from the ledger is lost; a write the ledger has but
        # wrk never saw answered was still in flight when the run stopped.
        run["lost"] = max(0, run["ok"] - run["ledger_new_entries"])
        run["in_flight_at_end"] = max(0, run["ledger_new_entries"] - run["ok"])
        run["available"] = len(writes)
        runs.append(run)
        results["peak_rss_mb"] = round(peak_rss_mb(server.pid), 1)

        say("the same farmer page as a static file (nginx)")
        static = os.path.join(OUT, "static")
        os.makedirs(static, exist_ok=True)
        with open(os.path.join(static, "my.html"), "wb") as f:
            f.write(page)
        conf = os.path.join(OUT, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""worker_processes 2;
pid {OUT}/nginx.pid;
error_log {OUT}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  server {{ listen 127.0.0.1:{NGINX_PORT}; root {static}; }}
}}
""")
        nginx = subprocess.Popen(["nginx", "-c", conf, "-g", "daemon off;"])
        wait_for_port(NGINX_PORT)
        run = wrk("static", ["GET\t/my.html\t\t"], args.duration, args.connections,
                  base=f"http://127.0.0.1:{NGINX_PORT}")
        runs.append(run)
        farmer = runs[0]
        results["farmer_vs_static"] = round(farmer["rps"] / run["rps"], 3) if run["rps"] else None
        results["runs"] = runs
    finally:
        if nginx:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=10)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    with open(os.path.join(OUT, f"http-{args.engine}.json"), "w") as f:
        json.dump(results, f, indent=2)
    report(results)


def wait_for_port(port):
    import socket
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}")


def ledger(env):
    return check(env)


def report(r):
    print()
    print(f"Tianlian HTTP benchmark on {r['engine']}: {r['households']} households, {r['plantings']} plantings, "
          f"{r['shifts']} shifts; wrk, {r['connections']} connections, 2 threads, {r['duration_s']} s a run")
    print(f"{'run':<10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'2xx':>9}{'4xx':>7}{'5xx':>6}{'errors':>8}")
    for run in r["runs"]:
        errors = sum(run.get(k, 0) for k in ("connect", "read", "write", "timeout"))
        print(f"{run['name']:<10}{run['rps']:>10.0f}{run['p50'] / 1000:>9.2f}{run['p99'] / 1000:>9.2f}"
              f"{run['ok']:>9}{run['client']:>7}{run['server']:>6}{errors:>8}")
    hours = next(x for x in r["runs"] if x["name"] == "hours")
    print(f"writes: {hours['ok']} acknowledged, {hours['ledger_new_entries']} new ledger entries, "
          f"lost {hours['lost']}, {hours['in_flight_at_end']} stored but still in flight when wrk stopped "
          f"(of {hours['available']} open bookings)")
    print(f"farmer page vs the same HTML from nginx: {r['farmer_vs_static']:.1%} of its throughput")
    print(f"server peak resident memory: {r['peak_rss_mb']} MB")
    farmer = r["runs"][0]
    ok = farmer["p99"] < 50_000 and farmer["rps"] >= 2000 and hours["rps"] >= 500 and hours["lost"] == 0 \
        and r["peak_rss_mb"] < 150
    print("targets (farmer p99 < 50 ms and >= 2000 req/s, writes >= 500/s none lost, < 150 MB): "
          + ("met" if ok else "NOT met"))


if __name__ == "__main__":
    sys.exit(main())
