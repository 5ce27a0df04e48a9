#!/usr/bin/env python3
"""Crash safety (#8): concurrent writes while the server is killed with SIGKILL, again and again.

Starts the release server on a generated county, runs writers that record hours, settle
shift-days and add plantings, kills the server with SIGKILL several times mid-run and starts it
again, then checks through the API and `tianlian check` that every write answered with 2xx is
there exactly once and that the wage ledger still balances. Prints writes acknowledged / found /
lost per kind and exits 1 on any loss, duplicate or imbalance.

  python3 bench/crash.py                        # SQLite
  python3 bench/crash.py --engine postgres      # PostgreSQL (BENCH_PG_URL, default local)
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time


from tianlian_bench import BIN, OUT, PASSWORD, ROOT, check, database
from tianlian_bench import request as _request, sign_in as _sign_in

PORT = 3310


def request(method, path, body=None, cookie=None, timeout=10):
    return _request(PORT, method, path, body, cookie, timeout)


def sign_in(phone):
    return _sign_in(PORT, phone)


class Server:
    def __init__(self, env, log):
        self.env, self.log, self.proc = env, log, None
        self.up = threading.Event()

    def start(self):
        self.proc = subprocess.Popen([BIN, "serve"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(600):
            try:
                if request("GET", "/healthz", timeout=1)[0] == 200:
                    self.up.set()
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("the server did not come back")

    def kill(self):
        self.up.clear()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


class Writer(threading.Thread):
    """Writes its own share of the work and notes what was acknowledged."""

    def __init__(self, server, items, stop):
        super().__init__(daemon=True)
        self.server, self.items, self.stop_flag = server, items, stop
        self.acked, self.unknown, self.refused = [], 0, {}

    def send(self, method, path, body, cookie):
        self.server.up.wait(timeout=60)
        try:
            return request(method, path, body, cookie)
        except OSError:
            return None  # no answer: the server died under this write

    def run(self):
        for kind, cookie, path, body, key in self.items:
            if self.stop_flag.is_set():
                break
            tries = 0
            while True:
                res = self.send("POST", path, body, cookie)
                if res is None:
                    self.unknown += 1
                    tries += 1
                    # Recording hours is safe to repeat (a second try is refused if the first
                    # landed); a planting or a settlement is not sent again.
                    if kind == "hours" and tries < 5:
                        continue
                    break
                status, _, payload = res
                if 200 <= status < 300:
                    self.acked.append((kind, key, json.loads(payload or b"{}")))
                elif status == 409 and kind == "hours" and tries > 0:
                    self.refused["landed_unacknowledged"] = self.refused.get("landed_unacknowledged", 0) + 1
                else:
                    code = f"{kind} {status}"
                    self.refused[code] = self.refused.get(code, 0) + 1
                break


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(OUT, exist_ok=True)
    url = database(args.engine, "tianlian_crash")
    env = dict(os.environ, DATABASE_URL=url, LEPTOS_SITE_ADDR=f"127.0.0.1:{PORT}",
               LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
               TIANLIAN_LOGIN_ATTEMPTS_PER_MINUTE="1000000", RUST_LOG="warn")
    manifest = os.path.join(OUT, "crash-county.json")
    subprocess.run([BIN, "county", "--townships", "4", "--households", "4000", "--password", PASSWORD,
                    "--manifest", manifest], env=env, check=True, stdout=subprocess.DEVNULL)
    with open(manifest) as f:
        county = json.load(f)
    log = open(os.path.join(OUT, f"crash-server-{args.engine}.log"), "w")
    server = Server(env, log)
    try:
        return run(args, rng, env, county, server)
    finally:
        if server.proc and server.proc.poll() is None:
            server.proc.kill()
        log.close()


def run(args, rng, env, county, server):
    try:
        request("GET", "/healthz", timeout=1)
        raise SystemExit(f"port {PORT} is taken: stop what listens there first")
    except OSError:
        pass
    server.start()
    coops = [sign_in(p) for p in county["cooperative_phones"]]
    agros = [sign_in(p) for p in county["agronomist_phones"]]

    # The work: every open booking's hours, each shift-day settled after its bookings, and a
    # planting on its own free plot (so a duplicate would show as a second one there).
    items = []
    by_shift = {}
    for coop, shift, person in county["open_assignments"]:
        items.append(("hours", coops[coop], f"/api/v1/shifts/{shift}/hours", {"person_id": person, "hours": 9},
                      (shift, person)))
        by_shift.setdefault(shift, coop)
    plots = county["free_plots"]
    for n, (agro, plot, _room) in enumerate(plots[: len(items) // 3]):
        items.insert(3 * n + 1, ("planting", agros[agro], f"/api/v1/plots/{plot}/plantings",
                                 {"crop": "celtuce", "area_mu": 0.37, "planted_on": county["free_planting_day"]},
                                 plot))
    shifts = list(by_shift.items())
    for n, (shift, coop) in enumerate(shifts):
        items.insert(min(len(items), (n + 1) * len(items) // (len(shifts) + 1)),
                     ("settle", coops[coop], f"/api/v1/shifts/{shift}/settle", None, shift))
    stop = threading.Event()
    writers = [Writer(server, items[k:: args.writers], stop) for k in range(args.writers)]
    started = time.time()
    for w in writers:
        w.start()
    kills = 0
    while kills < args.kills and any(w.is_alive() for w in writers):
        time.sleep(rng.uniform(0.5, 1.5))
        server.kill()
        kills += 1
        time.sleep(rng.uniform(0.05, 0.3))
        server.start()
    for w in writers:
        w.join(timeout=300)
    stop.set()
    elapsed = time.time() - started

    # Every acknowledged write, read back through the API.
    acked = [a for w in writers for a in w.acked]
    found = {"hours": 0, "settle": 0, "planting": 0}
    sent = {"hours": 0, "settle": 0, "planting": 0}
    shift_pages = {}

    def shift_page(shift):
        if shift not in shift_pages:
            status, _, body = request("GET", f"/api/v1/shifts/{shift}", cookie=coops[by_shift[shift]], timeout=60)
            shift_pages[shift] = json.loads(body) if status == 200 else None
        return shift_pages[shift]

    plantings = {}
    for cookie in agros:
        # The list pages (100 at a time, in id order): follow the cursor to the end.
        cursor = None
        while True:
            path = "/api/v1/plantings" + (f"?cursor={cursor}" if cursor else "")
            status, _, body = request("GET", path, cookie=cookie, timeout=120)
            page = json.loads(body)
            for item in page["plantings"]:
                plantings.setdefault(item["plot_id"], []).append(item)
            cursor = page.get("next_cursor")
            if cursor is None:
                break
    duplicates = 0
    settled = {}
    for kind, key, reply in acked:
        sent[kind] += 1
        if kind == "hours":
            shift, person = key
            page = shift_page(shift)
            workers = [w for w in (page or {}).get("workers", []) if w["person_id"] == person]
            if workers and workers[0]["entry_id"] == reply.get("entry_id") and float(workers[0]["hours"]) == 9:
                found[kind] += 1
        elif kind == "planting":
            mine = [p for p in plantings.get(key, []) if p["id"] == reply.get("id")]
            same = [p for p in plantings.get(key, [])
                    if p["planned_on"] == county["free_planting_day"]]
            if mine:
                found[kind] += 1
            duplicates += max(0, len(same) - 1)
        else:
            settled.setdefault(key, 0)
            settled[key] += reply.get("paid_fen", 0)
    # A settlement is there when the shift-day's payments hold at least what was acknowledged.
    for shift, acked_fen in settled.items():
        page = shift_page(shift)
        paid = sum(w["paid"] for w in (page or {}).get("workers", []))
        if page is not None and paid >= acked_fen:
            found["settle"] += sum(1 for kind, key, _ in acked if kind == "settle" and key == shift)
    report = check(env)
    server.stop()

    unknown = sum(w.unknown for w in writers)
    refused = {}
    for w in writers:
        for k, v in w.refused.items():
            refused[k] = refused.get(k, 0) + v
    lost = sum(sent[k] - found[k] for k in sent)
    print(f"crash test on {args.engine}: {kills} SIGKILLs in {elapsed:.1f} s, {args.writers} writers, "
          f"{len(items)} writes attempted")
    for k in ("hours", "settle", "planting"):
        print(f"  {k:<9} acknowledged {sent[k]:>6}  found {found[k]:>6}  lost {sent[k] - found[k]}")
    print(f"  writes without an answer (server killed under them): {unknown}; refused: {refused or 'none'}")
    print(f"  duplicates: {duplicates + report['duplicate_work_entries']}; ledger: {report['entries_fen']} fen "
          f"recorded, {report['payments_fen']} fen paid, {report['overpaid']} overpaid bookings, "
          f"{report['broken_reversals']} broken reversals; integrity {report['integrity']}")
    bad = lost or duplicates or report["duplicate_work_entries"] or report["overpaid"] \
        or report["broken_reversals"] or report["integrity"] != "ok" or not sent["hours"]
    print("crash safety: " + ("FAILED" if bad else "every acknowledged write is there exactly once; "
                                                  "the ledger balances"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
