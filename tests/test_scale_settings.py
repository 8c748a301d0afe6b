"""Redis for rate limits when REDIS_URL is set, so several app hosts share one count."""

import os

import pytest

from portal import create_app
from portal.extensions import db, limiter
from tests.conftest import PASSWORD
from tests.pages import Client

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL")
REQUIRED = os.environ.get("CI") == "true"


@pytest.fixture
def redis_url():
    if not REDIS_URL:
        if REQUIRED:
            pytest.fail("PORTAL_TEST_REDIS_URL must be set in CI")
        pytest.skip("PORTAL_TEST_REDIS_URL is not set")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


def test_two_app_hosts_share_failed_sign_in_counts_through_redis(app_config, redis_url, make_user):
    make_user()
    config = {
        **app_config,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_SIGN_IN_ACCOUNT": "4 per 15 minutes",
    }
    first = create_app(config)
    with first.app_context():
        assert limiter.limiter.storage.__class__.__name__ == "RedisStorage"
    second = create_app(config)
    hosts = [Client(first.test_client()), Client(second.test_client())]
    for attempt in range(4):
        page = hosts[attempt % 2].submit(
            "/account/login", {"email": "parent@example.org", "password": "wrong"}
        )
        assert page.status == 200
    page = hosts[0].submit("/account/login", {"email": "parent@example.org", "password": PASSWORD})
    assert page.status == 429
    with first.app_context():
        db.engine.dispose()
    with second.app_context():
        db.engine.dispose()


def test_development_prints_emails_straight_away(app_config, capsys, monkeypatch):
    app = create_app({**app_config, "OUTBOX_SEND_AFTER_REQUEST": True})
    with app.app_context():
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            db.create_all()
    client = Client(app.test_client())
    client.submit("/account/reset", {"email": "nobody@example.org"})
    assert "email to" not in capsys.readouterr().err
    client.submit(
        "/account/register",
        {
            "role": "parent",
            "email": "new@example.org",
            "password": "a long password",
            "password_confirm": "a long password",
        },
    )
    printed = capsys.readouterr().err
    assert "--- email to new@example.org ---" in printed
    assert "/account/confirm/" in printed
    with app.app_context():
        db.engine.dispose()
