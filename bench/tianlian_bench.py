"""What bench/load.py and bench/crash.py share: where things are, a small HTTP client for the
API, signing in, and a fresh database on either engine. Standard library only."""

import contextlib
import http.client
import json
import os
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "target", "bench")
BIN = os.environ.get("TIANLIAN_BIN", os.path.join(ROOT, "target", "release", "tianlian"))
# The password of every account `tianlian county` generates here.
PASSWORD = "bench-pass-2026"


def request(port, method, path, body=None, cookie=None, timeout=60):
    """One request to 127.0.0.1:`port` as our own pages send it (with our origin); `body` is
    sent as JSON. Returns (status, the session's Set-Cookie, body bytes); raises OSError when
    nothing answers. (Sign-in also sets the device cookie; only the session's is returned.)"""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Origin": f"http://127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        res = conn.getresponse()
        session = next((c for c in res.headers.get_all("Set-Cookie") or []
                        if c.startswith("tianlian_session=")), None)
        return res.status, session, res.read()
    finally:
        conn.close()


def sign_in(port, phone, password=PASSWORD):
    """The session cookie (`name=value`) of an account (by default a generated one)."""
    status, cookie, body = request(port, "POST", "/api/v1/auth/login", {"phone": phone, "password": password})
    if status != 200 or not cookie:
        raise SystemExit(f"sign-in of {phone} failed: {status} {body[:200]!r}")
    return cookie.split(";", 1)[0]


def database(engine, name):
    """The URL of a new, empty database `name`: a fresh SQLite file under target/bench, or a
    PostgreSQL database (re)created on BENCH_PG_URL's server."""
    if engine == "sqlite":
        path = os.path.join(OUT, f"{name}.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return f"sqlite://{path}"
    admin = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qAtc", sql], check=True)
    return f"{admin.rsplit('/', 1)[0]}/{name}"


def check(env):
    """`tianlian check --json` on the database `env` names."""
    out = subprocess.run([BIN, "check", "--json"], env=env, capture_output=True, text=True, check=False).stdout
    return json.loads(out)


# The admin `county_db` adds to a generated county.
COUNTY_ADMIN = ("13800000000", "bench-admin-2026")


def county_db(port, reuse):
    """A generated county (20 townships, 20,000 households) in target/bench/pages.db with an
    admin, generated afresh unless `reuse` and it exists. Returns (env for the server on `port`,
    the manifest of generated accounts)."""
    os.makedirs(OUT, exist_ok=True)
    db = os.path.join(OUT, "pages.db")
    manifest = os.path.join(OUT, "pages.json")
    env = dict(os.environ, DATABASE_URL=f"sqlite://{db}", LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
               LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
               TIANLIAN_LOGIN_ATTEMPTS_PER_MINUTE="1000000", TIANLIAN_LOG_FORMAT="json")
    if not (reuse and os.path.exists(db) and os.path.exists(manifest)):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        print("generating the county (about a minute)", flush=True)
        subprocess.run([BIN, "county", "--password", PASSWORD, "--manifest", manifest], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([BIN, "admin", "create", "--phone", COUNTY_ADMIN[0], "--password", COUNTY_ADMIN[1],
                        "--role", "admin"], env=env, check=True, stdout=subprocess.DEVNULL)
    with open(manifest) as f:
        return env, json.load(f)


@contextlib.contextmanager
def serving(env, port, log_name):
    """The release server on `port` with `env`, until the block ends (its log in target/bench)."""
    if not os.path.exists(BIN):
        raise SystemExit("no release build: run `cargo leptos build --release --precompress` first")
    log = open(os.path.join(OUT, log_name), "w")
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=log, stderr=log)
    try:
        for _ in range(240):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.25)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)
