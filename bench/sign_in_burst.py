"""A farmer's /my while others sign in: p50/p99 of /my alone, then during bursts of 20
concurrent sign-ins (argon2id, tens of milliseconds of CPU each). Password hashing runs on the
blocking pool, one per core, so the pages' async workers stay free (issue 14).

    cargo build --release -p server && python3 bench/sign_in_burst.py [--rounds 10]

Prints the figures BENCHMARKS.md records. Demo data on a fresh SQLite file under target/bench.
Standard library only; loopback only; bounded in requests and time."""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tianlian_bench import BIN, OUT, database, request  # noqa: E402
from tianlian_bench import sign_in as sign_in_on  # noqa: E402

PORT = 3197
FARMER = ("13900000003", "demo-farm-2026")
ADMIN = ("13900000000", "demo-admin-2026")


def sign_in(phone, password):
    return sign_in_on(PORT, phone, password)


def timed_get(path, cookie):
    start = time.perf_counter()
    status, _, _ = request(PORT, "GET", path, cookie=cookie)
    if status != 200:
        raise SystemExit(f"GET {path}: {status}")
    return (time.perf_counter() - start) * 1000


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--burst", type=int, default=20)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=database("sqlite", "sign_in_burst"),
               LEPTOS_SITE_ADDR=f"127.0.0.1:{PORT}", TIANLIAN_LOGIN_ATTEMPTS_PER_MINUTE="1000000",
               RUST_LOG="warn")
    subprocess.run([BIN, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([BIN, "serve"], env=env)
    try:
        for _ in range(600):
            try:
                if request(PORT, "GET", "/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        cookie = sign_in(*FARMER)
        for _ in range(20):  # warm the caches
            timed_get("/my", cookie)
        alone = [timed_get("/my", cookie) for _ in range(300)]

        during, bursts = [], []
        for _ in range(args.rounds):
            done = threading.Event()
            started = time.perf_counter()
            threads = [threading.Thread(target=sign_in, args=ADMIN) for _ in range(args.burst)]
            for t in threads:
                t.start()

            def watch():
                for t in threads:
                    t.join()
                done.set()

            threading.Thread(target=watch).start()
            while not done.is_set():
                during.append(timed_get("/my", cookie))
            bursts.append((time.perf_counter() - started) * 1000)
        print(f"machine: {os.uname().nodename}, {os.cpu_count()} cores")
        print(f"/my alone:          n={len(alone)} p50={statistics.median(alone):.1f} ms "
              f"p99={pct(alone, 99):.1f} ms")
        print(f"/my during bursts:  n={len(during)} p50={statistics.median(during):.1f} ms "
              f"p99={pct(during, 99):.1f} ms max={max(during):.1f} ms")
        print(f"burst of {args.burst} sign-ins: median {statistics.median(bursts):.0f} ms "
              f"(max {max(bursts):.0f} ms) over {args.rounds} rounds")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
