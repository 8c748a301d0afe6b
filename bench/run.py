"""`make bench`: the portal under gunicorn with production settings, driven by wrk, on SQLite and PostgreSQL.

For each database and data size it loads the demo data plus synthetic services, starts gunicorn on loopback,
drives each key page at fixed concurrency for a few seconds, and compares every figure with a floor page
(the sign-in page: the full layout and stack, no database). Results go to bench/out/ (ignored by git).
Bounded: each page runs for BENCH_SECONDS (default 5) and the whole run stops by itself.
"""

import gzip
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = ROOT / ".venv" / "bin"
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
PORT = int(os.environ.get("BENCH_PORT", "5099"))
PAGES = {
    "floor (sign-in page)": "/account/login",
    "start page": "/",
    "search: text": "/local-offer/?q=speech+therapy",
    "search: common word": "/local-offer/?q=support",
    "search: filters": "/local-offer/?need=communication-interaction&age=5-10&cost=free",
    "search: text + filters": "/local-offer/?q=autism&need=communication-interaction&delivery=in-person",
    "service page": "/local-offer/services/svc-sendiass-advice",
    "guide page": "/guides/mediation-and-appeals",
    "provision page": "/provision/communication-interaction?phase=primary",
    "ORUK API page": "/api/oruk/services?per_page=50",
}


def environment(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PORTAL_TEST_DATABASE_URL")}
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_hex(16),
        DATABASE_URL=database_url,
        PORTAL_DEMO_PASSWORD="bench-password-1",
        RATELIMIT_STORAGE_URI="memory://",
    )
    return env


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "portal", *args], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def prepare(database_url: str, size: int) -> dict:
    """A fresh database with the demo data and `size` services in all."""
    env = environment(database_url)
    if database_url.startswith("sqlite"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        name = database_url.rsplit("/", 1)[1]
        admin = {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres"}
        subprocess.run(["dropdb", "--if-exists", name], env=admin, check=True)
        subprocess.run(["createdb", name], env=admin, check=True)
    flask(env, "db", "upgrade")
    flask(env, "demo", "--if-empty")
    started = time.monotonic()
    flask(env, "local-offer", "generate", str(size - 129))
    print(f"  loaded {size:,} services in {time.monotonic() - started:.0f} s", flush=True)
    return env


def serve(env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning",
         "wsgi:app"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def drive(path: str) -> dict:
    url = f"http://127.0.0.1:{PORT}{path}"
    subprocess.run(["wrk", "-t1", "-c2", "-d1s", url], capture_output=True, check=True)  # warm up
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", str(ROOT / "bench" / "report.lua"), url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["rps"] = data["requests"] / data["seconds"]
    return data


def page_bytes() -> dict:
    sizes = {}
    for name, path in PAGES.items():
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}") as response:
            sizes[name] = len(response.read())
    html = urllib.request.urlopen(f"http://127.0.0.1:{PORT}/local-offer/").read().decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    raw = gz = 0
    for asset in assets:
        body = urllib.request.urlopen(f"http://127.0.0.1:{PORT}{asset}").read()
        raw += len(body)
        gz += len(gzip.compress(body, 9))
    return {"html": sizes, "assets": assets, "assets_raw": raw, "assets_gzip": gz}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    databases = {"sqlite": f"sqlite:///{OUT / 'bench.db'}", "postgresql": PG_URL}
    rows, sizes = [], None
    for database, url in databases.items():
        for size in SIZES:
            print(f"{database}, {size:,} services", flush=True)
            env = prepare(url, size)
            server = serve(env)
            try:
                results = {name: drive(path) for name, path in PAGES.items()}
                sizes = sizes or page_bytes()
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
            floor = results["floor (sign-in page)"]["rps"]
            for name, r in results.items():
                rows.append(
                    {"page": name, "database": database, "services": size, **r, "ratio": r["rps"] / floor}
                )
    (OUT / "results.json").write_text(json.dumps({"rows": rows, "bytes": sizes}, indent=2))
    print(f"\n{'page':<26} {'db':<10} {'services':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6} {'x floor':>7}")  # fmt: skip
    for r in rows:
        ms = [r[key] / 1000 for key in ("p50", "p95", "p99")]
        print(
            f"{r['page']:<26} {r['database']:<10} {r['services']:>8,} {r['rps']:>7.0f} "
            + " ".join(f"{m:>7.1f}" for m in ms)
            + f" {r['errors']:>6} {r['ratio']:>7.2f}"
        )
    print("\nHTML bytes per page:")
    for name, size in sizes["html"].items():
        print(f"  {name:<26} {size:>8,}")
    print(f"First visit CSS + JS: {sizes['assets_raw']:,} bytes raw, {sizes['assets_gzip']:,} gzipped")


if __name__ == "__main__":
    sys.exit(main())
