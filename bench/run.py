"""`make bench`: the portal under gunicorn with production settings, driven by wrk, on SQLite and PostgreSQL.

For each database and data size it loads the demo data (accounts, guides, plans, mediation slots) plus
synthetic services, starts gunicorn on loopback, signs in as the demo parent, and drives each key page at
fixed concurrency for a few seconds with wrk. Every figure is compared with a floor page (the sign-in page:
the full layout and stack, no database) measured in the same run. Writes that change data (a 5 MB document
upload, a mediation booking) are timed one after another from Python, a bounded number of times. Then, in
one process against the same database, it counts SQL statements and HTML bytes for every page, and the
CSS + JS a first visit downloads (raw and gzipped).

Why wrk: one small C program from Debian that keeps 8 connections busy while using little CPU, so on a
2-core machine most of the CPU goes to the portal; its Lua hook reports latency percentiles as JSON.

Results are printed as one table and written to bench/out/results.json (ignored by git). Bounded: each
page runs for BENCH_SECONDS (default 5) after a 1-second warm-up; the whole run takes about 13 minutes on
the 2-core machine (BENCH_SIZES, BENCH_DATABASES and BENCH_SECONDS make it shorter).
"""

import base64
import gzip
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = ROOT / ".venv" / "bin"
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
PORT = int(os.environ.get("BENCH_PORT", "5099"))
UPLOADS = int(os.environ.get("BENCH_UPLOADS", "6"))
BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "20"))
DOCUMENT_BYTES = 5 * 1024 * 1024
PASSWORD = "bench-password-1"
DEMO_SERVICES = 129  # the demo Local Offer; synthetic services make up the rest
FLOOR = "floor (sign-in page)"
PAGES = {
    FLOOR: "/account/login",
    "start page": "/",
    "search: text": "/local-offer/?q=speech+therapy",
    "search: common word": "/local-offer/?q=support",
    "search: a third match": "/local-offer/?q=tra",
    "search: filters": "/local-offer/?need=communication-interaction&age=5-10&cost=free",
    "search: text + filters": "/local-offer/?q=autism&need=communication-interaction&delivery=in-person",
    "service page": "/local-offer/services/svc-sendiass-advice",
    "guide page": "/guides/mediation-and-appeals",
    "provision page": "/provision/communication-interaction?phase=primary",
    "ORUK API page": "/api/oruk/services?per_page=50",
}
# Signed in as the demo parent; the ids are found once the demo data is loaded.
SIGNED_IN = {
    "plan page (signed in)": "/plans/{plan}",
    "plan documents (signed in)": "/plans/{plan}/documents/",
    "document download, 5 MB": "/plans/{plan}/documents/{document}",
    "mediation booking page": "/mediation/requests/{request}/book",
}
WRITES = ("document upload, 5 MB", "mediation booking")


def environment(database: str, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PORTAL_TEST_DATABASE_URL", "REDIS_URL")}
    storage = OUT / f"storage-{database}"
    shutil.rmtree(storage, ignore_errors=True)
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_hex(16),
        DATABASE_URL=database_url,
        PORTAL_DEMO_PASSWORD=PASSWORD,
        RATELIMIT_STORAGE_URI="memory://",
        PORTAL_RATELIMIT_SIGN_IN_ADDRESS="1000 per minute",
        PORTAL_STORAGE_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        PORTAL_STORAGE_BACKEND="local",
        PORTAL_STORAGE_PATH=str(storage),
    )
    return env


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "portal", *args], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def prepare(database: str, database_url: str, size: int) -> dict:
    """A fresh database with the demo data and `size` services in all."""
    env = environment(database, database_url)
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
    flask(env, "local-offer", "generate", str(size - DEMO_SERVICES))
    if not database_url.startswith("sqlite"):
        # What autovacuum does soon after a bulk load in production: fresh statistics and visibility map.
        name = database_url.rsplit("/", 1)[1]
        psql = ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", name]
        subprocess.run([*psql, "-c", "VACUUM ANALYZE"], check=True)
    print(f"  loaded {size:,} services in {time.monotonic() - started:.0f} s", flush=True)
    return env


def serve(env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning",
         "wsgi:app"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


# A small HTTP client for the signed-in pages (production cookies are Secure: sent by hand on loopback).


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        opener = urllib.request.build_opener(NoRedirect)
        self.open = opener.open

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, body

    def token(self, path: str) -> str:
        _status, _headers, body = self.request(path)
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()

    def post(self, path: str, fields: dict):
        fields = {**fields, "csrf_token": self.token(path)}
        return self.request(path, urllib.parse.urlencode(fields).encode())

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str) -> Browser:
    browser = Browser(base)
    status, _headers, _body = browser.post(
        "/account/login", {"email": "parent@example.org", "password": PASSWORD}
    )
    if status not in (302, 303):
        raise SystemExit(f"could not sign in as the demo parent ({status})")
    return browser


def multipart(fields: dict, name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def pdf_of(size: int) -> bytes:
    """A PDF-looking file of exactly `size` bytes (the portal checks the type from the first bytes)."""
    head, tail = b"%PDF-1.4\n%bench\n", b"\n%%EOF\n"
    return head + secrets.token_bytes(size - len(head) - len(tail)) + tail


def upload(browser: Browser, plan: str, content: bytes) -> float:
    path = f"/plans/{plan}/documents/"
    fields = {"csrf_token": browser.token(path), "title": "Bench report", "description": ""}
    body, content_type = multipart(fields, "file", "report.pdf", content)
    started = time.perf_counter()
    status, _headers, _body = browser.request(path, body, {"Content-Type": content_type})
    elapsed = time.perf_counter() - started
    if status != 303:
        raise SystemExit(f"upload failed ({status})")
    return elapsed


def signed_in_paths(browser: Browser, env: dict) -> dict:
    """The demo parent's plan, a document on it (uploaded now), the mediation request and two free slots."""
    _status, _headers, body = browser.request("/plans/")
    plan = re.search(rb'href="/plans/(\d+)"', body).group(1).decode()
    upload(browser, plan, pdf_of(DOCUMENT_BYTES))
    _status, _headers, body = browser.request(f"/plans/{plan}/documents/")
    document = re.findall(rb'href="/plans/\d+/documents/(\d+)"', body)[-1].decode()
    _status, _headers, body = browser.request("/mediation/requests/")
    request = re.search(rb'href="/mediation/requests/(\d+)"', body).group(1).decode()
    _status, _headers, body = browser.request(f"/mediation/requests/{request}/book")
    slots = re.findall(rb'name="slot"[^>]*value="(\d+)"', body) or re.findall(
        rb'value="(\d+)"[^>]*name="slot"', body
    )
    ids = {"plan": plan, "document": document, "request": request}
    return {"ids": ids, "slots": [s.decode() for s in slots[:2]]}


def drive(path: str, cookie: str | None = None) -> dict:
    url = f"http://127.0.0.1:{PORT}{path}"
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    check = Browser(f"http://127.0.0.1:{PORT}")
    status, _headers, _body = check.request(path, headers={"Cookie": cookie} if cookie else None)
    if status != 200:
        raise SystemExit(f"{path} answered {status}, not 200")
    subprocess.run(["wrk", "-t1", "-c2", "-d1s", *headers, url], capture_output=True, check=True)  # warm up
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", *headers,
         "-s", str(ROOT / "bench" / "report.lua"), url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["rps"] = data["requests"] / data["seconds"]
    return data


def timed(latencies: list[float]) -> dict:
    """The same shape as wrk's figures, for writes timed one at a time."""
    ordered = sorted(latencies)

    def pick(p):
        return int(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1e6)

    seconds = sum(latencies)
    return {"requests": len(latencies), "seconds": seconds, "p50": int(statistics.median(ordered) * 1e6),
            "p95": pick(95), "p99": pick(99), "errors": 0, "rps": len(latencies) / seconds,
            "sequential": True}  # fmt: skip


def writes(browser: Browser, found: dict) -> dict:
    plan = found["ids"]["plan"]
    content = pdf_of(DOCUMENT_BYTES)
    uploads = [upload(browser, plan, content) for _ in range(UPLOADS)]
    request = found["ids"]["request"]
    bookings = []
    for n in range(BOOKINGS if len(found["slots"]) == 2 else 0):
        path = f"/mediation/requests/{request}/book"
        fields = {"slot": found["slots"][n % 2], "csrf_token": browser.token(path)}
        started = time.perf_counter()
        status, _headers, _body = browser.request(path, urllib.parse.urlencode(fields).encode())
        bookings.append(time.perf_counter() - started)
        if status != 303:
            raise SystemExit(f"booking failed ({status})")
    results = {"document upload, 5 MB": timed(uploads)}
    if bookings:
        results["mediation booking"] = timed(bookings)
    return results


def first_visit_assets() -> dict:
    html = urllib.request.urlopen(f"http://127.0.0.1:{PORT}/local-offer/").read().decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    raw = gz = 0
    for asset in assets:
        body = urllib.request.urlopen(f"http://127.0.0.1:{PORT}{asset}").read()
        raw += len(body)
        gz += len(gzip.compress(body, 9))
    return {"assets": assets, "assets_raw": raw, "assets_gzip": gz}


def measure_in_process() -> None:
    """Run inside the bench's environment (a child process): SQL statements and HTML bytes per page."""
    from sqlalchemy import event

    from portal import create_app
    from portal.extensions import db

    paths = json.loads(os.environ["BENCH_PATHS"])
    app = create_app({"SESSION_COOKIE_SECURE": False})
    anonymous, signed_in = app.test_client(), app.test_client()
    with app.app_context():
        engine = db.engine
    counted = [0]
    event.listen(engine, "before_cursor_execute", lambda *_a: counted.__setitem__(0, counted[0] + 1))
    page = signed_in.get("/account/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data).group(1).decode()
    fields = {"email": "parent@example.org", "password": PASSWORD, "csrf_token": token}
    signed_in.post("/account/login", data=fields)
    results = {}
    for name, path in paths.items():
        client = signed_in if name in SIGNED_IN else anonymous
        client.get(path)  # warm caches, as a running server has
        counted[0] = 0
        response = client.get(path)
        body = b"".join(response.response) if response.is_streamed else response.data
        results[name] = {"status": response.status_code, "statements": counted[0], "bytes": len(body)}
    print(json.dumps(results))


def in_process(env: dict, paths: dict) -> dict:
    env = {**env, "BENCH_PATHS": json.dumps(paths)}
    command = [str(BIN / "python"), __file__, "--measure"]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    if "--measure" in sys.argv:
        return measure_in_process()
    OUT.mkdir(parents=True, exist_ok=True)
    urls = {"sqlite": f"sqlite:///{OUT / 'bench.db'}", "postgresql": PG_URL}
    rows, pages_info, assets = [], {}, None
    started = time.monotonic()
    for database in DATABASES:
        for size in SIZES:
            print(f"{database}, {size:,} services", flush=True)
            env = prepare(database, urls[database], size)
            server = serve(env)
            try:
                browser = sign_in(f"http://127.0.0.1:{PORT}")
                found = signed_in_paths(browser, env)
                signed = {name: path.format(**found["ids"]) for name, path in SIGNED_IN.items()}
                results = {name: drive(path) for name, path in PAGES.items()}
                cookie = browser.cookie_header()
                results.update({name: drive(path, cookie) for name, path in signed.items()})
                results.update(writes(browser, found))
                assets = assets or first_visit_assets()
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
            info = in_process(env, {**PAGES, **signed})
            pages_info.setdefault(database, {})[size] = info
            floor = results[FLOOR]["rps"]
            for name, r in results.items():
                rows.append(
                    {"page": name, "database": database, "services": size, **r, "ratio": r["rps"] / floor,
                     **{k: info.get(name, {}).get(k) for k in ("statements", "bytes")}}
                )  # fmt: skip
            print(f"  measured in {time.monotonic() - started:.0f} s so far", flush=True)
    (OUT / "results.json").write_text(
        json.dumps({"rows": rows, "pages": pages_info, "assets": assets, "machine": machine()}, indent=2)
    )
    report(rows, assets)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB, Python {sys.version.split()[0]}"


def report(rows: list[dict], assets: dict) -> None:
    print(f"\nMachine: {machine()}")
    print(f"\n{'page':<28} {'db':<10} {'services':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6} {'x floor':>7} {'SQL':>4} {'HTML B':>7}")  # fmt: skip
    for r in rows:
        ms = [r[key] / 1000 for key in ("p50", "p95", "p99")]
        ratio = "  (seq)" if r.get("sequential") else f"{r['ratio']:>7.2f}"
        statements = "" if r.get("statements") is None else r["statements"]
        size = "" if r.get("bytes") is None else f"{r['bytes']:,}"
        print(
            f"{r['page']:<28} {r['database']:<10} {r['services']:>8,} {r['rps']:>7.0f} "
            + " ".join(f"{m:>7.1f}" for m in ms)
            + f" {r['errors']:>6} {ratio} {statements:>4} {size:>7}"
        )
    print(
        "\nSearch p95 at the largest size as a multiple of the smallest (target at most 1.5); then the same"
        "\nwith each p95 taken as a multiple of its run's floor p95 (steadier on a busy machine):"
    )
    for database in sorted({r["database"] for r in rows}):
        sized = {(r["page"], r["services"]): r for r in rows if r["database"] == database}
        low, high = min(SIZES), max(SIZES)
        for page in [p for p in PAGES if p.startswith("search")]:
            if (page, low) in sized and (page, high) in sized:
                raw = sized[page, high]["p95"] / sized[page, low]["p95"]
                floors = sized[FLOOR, high]["p95"] / sized[FLOOR, low]["p95"]
                print(f"  {database:<10} {page:<26} {raw:>5.2f} {raw / floors:>5.2f}")
    print(
        f"\nFirst visit CSS + JS: {assets['assets_raw']:,} bytes raw, {assets['assets_gzip']:,} gzipped "
        f"({len(assets['assets'])} files)"
    )
    print("(seq): a write, timed one at a time from Python, not under wrk; req/s is 1 / mean time.")


if __name__ == "__main__":
    sys.exit(main())
