"""Two app hosts sharing PostgreSQL and Redis, as behind a load balancer (docs/deploy.md).

Starts two real gunicorn processes on loopback with production settings. A person signs in through one
and carries on through the other (sessions live in the database); failed sign-ins are counted across
both (Redis); two families pressing "Book" for the same mediation slot on different hosts at the same
moment: exactly one gets it.

Needs PORTAL_TEST_DATABASE_URL (PostgreSQL) and PORTAL_TEST_REDIS_URL. In CI (CI=true) it fails when they
are missing; elsewhere it skips.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from portal import create_app
from portal.accounts.models import User
from portal.extensions import db
from portal.mediation.models import Booking, MediationRequest, Slot
from portal.timeutil import utcnow
from tests.conftest import PASSWORD, PASSWORD_HASH

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL")
REQUIRED = os.environ.get("CI") == "true"
SIGN_IN_LIMIT = 4
RACES = 4


@pytest.fixture(scope="module")
def shared():
    """The shared database (schema created, emptied afterwards) and Redis (flushed)."""
    settings = {"PORTAL_TEST_DATABASE_URL": PG_URL, "PORTAL_TEST_REDIS_URL": REDIS_URL}
    missing = [name for name, value in settings.items() if not value]
    if PG_URL and not PG_URL.startswith("postgresql"):
        missing.append("PORTAL_TEST_DATABASE_URL (PostgreSQL)")
    if missing:
        if REQUIRED:
            pytest.fail(f"{', '.join(missing)} must be set in CI")
        pytest.skip(f"{', '.join(missing)} not set")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": PG_URL, "SECRET_KEY": "test", "RATELIMIT_STORAGE_URI": "memory://"}
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    redis.Redis.from_url(REDIS_URL).flushdb()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hosts(shared):
    """Two gunicorn processes, each with its own port and workers, sharing one configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_TEST_", "CI"))}
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=PG_URL,
        REDIS_URL=REDIS_URL,
        PORTAL_RATELIMIT_SIGN_IN_ACCOUNT=f"{SIGN_IN_LIMIT} per 15 minutes",
        PORTAL_BASE_URL="http://127.0.0.1",
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    started = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                 "wsgi:app"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            started.append((process, f"http://127.0.0.1:{port}"))
        for process, base in started:
            _wait_for(process, base)
        yield [base for _process, base in started]
    finally:
        for process, _base in started:
            process.terminate()
        for process, _base in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stderr.close()


def _wait_for(process: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


class Browser:
    """One person's browser, sending its cookies to whichever host it is pointed at. (Production cookies
    are Secure; on plain-HTTP loopback the browser is told to send them anyway, as a TLS-ending load
    balancer would.)"""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        response = requests.request(
            method, url, cookies=self.cookies, allow_redirects=False, timeout=30, **kwargs
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, url: str) -> requests.Response:
        return self.request("GET", url)

    def csrf(self, url: str) -> str:
        page = self.get(url)
        assert page.status_code == 200, (url, page.status_code)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)

    def submit(self, url: str, data: dict, token: str | None = None) -> requests.Response:
        return self.request("POST", url, data={**data, "csrf_token": token or self.csrf(url)})

    def sign_in(self, base: str, email: str, password: str = PASSWORD) -> requests.Response:
        return self.submit(f"{base}/account/login", {"email": email, "password": password})


def make_people(app, *emails: str, roles=("parent",)) -> list[int]:
    with app.app_context():
        people = []
        for email in emails:
            user = User(email=email, password_hash=PASSWORD_HASH)
            user.set_roles(set(roles))
            user.email_confirmed_at = utcnow()
            db.session.add(user)
            people.append(user)
        db.session.commit()
        return [person.id for person in people]


def test_signed_in_on_one_host_carries_on_through_the_other(shared, hosts):
    first, second = hosts
    make_people(shared, "moves@example.org")
    browser = Browser()
    assert browser.sign_in(first, "moves@example.org").status_code in (302, 303)
    profile = browser.get(f"{second}/account/profile")
    assert profile.status_code == 200
    assert "moves@example.org" in profile.text
    # A form shown by one host is accepted by the other (the CSRF token lives in the shared session).
    token = browser.csrf(f"{first}/account/profile")
    signed_out = browser.submit(f"{second}/account/logout", {}, token)
    assert signed_out.status_code in (302, 303)
    # Signing out on one host ends the session on both.
    assert browser.get(f"{first}/account/profile").status_code in (302, 303)


def test_failed_sign_ins_are_counted_across_both_hosts(shared, hosts):
    make_people(shared, "guessed@example.org")
    browser = Browser()
    for attempt in range(SIGN_IN_LIMIT):
        page = browser.sign_in(hosts[attempt % 2], "guessed@example.org", "not the password")
        assert page.status_code == 200, attempt
    # The right password, but after the limit: refused on either host.
    assert browser.sign_in(hosts[0], "guessed@example.org").status_code == 429
    assert Browser().sign_in(hosts[1], "guessed@example.org").status_code == 429


def test_a_booking_race_across_both_hosts_has_one_winner(shared, hosts):
    (mediator_id,) = make_people(shared, "mediator.race@example.org", roles=("mediator",))
    families = make_people(shared, "family.one@example.org", "family.two@example.org")
    with shared.app_context():
        requests_ = []
        for n, family_id in enumerate(families):
            item = MediationRequest(
                reference=f"MED-RACE-{n}",
                idempotency_token=secrets.token_hex(16),
                family_id=family_id,
                mediator_id=mediator_id,
                decision="refuse_plan",
                letter_date=date.today() - timedelta(days=10),
                areas="education",
                told_on=date.today() - timedelta(days=5),
                assigned_at=utcnow(),
            )
            db.session.add(item)
            requests_.append(item)
        slots = [
            Slot(
                mediator_id=mediator_id,
                day=date.today() + timedelta(days=30 + n),
                starts=clock(10),
                mode="video",
            )
            for n in range(RACES)
        ]
        db.session.add_all(slots)
        db.session.commit()
        request_ids = [item.id for item in requests_]
        slot_ids = [slot.id for slot in slots]

    browsers = [Browser(), Browser()]
    for browser, host, email in zip(
        browsers, hosts, ["family.one@example.org", "family.two@example.org"], strict=True
    ):
        assert browser.sign_in(host, email).status_code in (302, 303)

    for slot_id in slot_ids:
        urls = [f"{host}/mediation/requests/{rid}/book" for host, rid in zip(hosts, request_ids, strict=True)]
        tokens = [browser.csrf(url) for browser, url in zip(browsers, urls, strict=True)]
        ready = threading.Barrier(2)
        answers = [None, None]

        def press(i, url, token, slot_id=slot_id, answers=answers, ready=ready):
            ready.wait()
            answers[i] = browsers[i].submit(url, {"slot": str(slot_id)}, token)

        threads = [threading.Thread(target=press, args=(i, urls[i], tokens[i])) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [200, 303], codes  # one is sent to the booking, the other is told it was taken
        loser = next(answer for answer in answers if answer.status_code == 200)
        assert "govuk-error-summary" in loser.text
        with shared.app_context():
            active = db.session.scalar(
                select(func.count()).select_from(Booking).where(Booking.active_slot_id == slot_id)
            )
            assert active == 1
            # Let both families book again in the next round: free the winner's request.
            db.session.execute(
                Booking.__table__.update()
                .where(Booking.slot_id == slot_id)
                .values(status="cancelled", active_slot_id=None, active_request_id=None, ended_at=utcnow())
            )
            db.session.commit()
