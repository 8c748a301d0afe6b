"""PORTAL_TRUSTED_PROXIES: X-Forwarded-* headers are believed only from as many proxies as configured."""

import pytest
from flask import request
from sqlalchemy import select

from portal import config as portal_config
from portal.audit import AuditEvent
from portal.extensions import db
from portal.security import public

BALANCER = "10.0.0.5"  # what every request seems to come from behind a load balancer
CLIENT = "203.0.113.7"
OTHER_CLIENT = "198.51.100.23"


@pytest.fixture
def hops():
    return 0


@pytest.fixture
def app_config(app_config, hops):
    return {**app_config, "PORTAL_TRUSTED_PROXIES": hops, "RATELIMIT_SIGN_IN_ADDRESS": "2 per 15 minutes"}


def _fail_sign_in(client, email, forwarded_for, expect=200):
    return client.submit(
        "/account/login",
        {"email": email, "password": "not the password"},
        expect=expect,
        environ_base={"REMOTE_ADDR": BALANCER},
        # Over HTTPS, Flask-WTF also checks the Referer (browsers send it: Referrer-Policy is same-origin).
        headers={
            "X-Forwarded-For": forwarded_for,
            "X-Forwarded-Proto": "https",
            "Referer": "https://localhost/account/login",
        },
    )


def _logged_ips(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "sign_in.failure")))


def test_setting_defaults_to_zero_and_rejects_nonsense(tmp_path):
    base = {"PORTAL_ENV": "testing"}
    assert portal_config.load(str(tmp_path), base)["PORTAL_TRUSTED_PROXIES"] == 0
    assert (
        portal_config.load(str(tmp_path), {**base, "PORTAL_TRUSTED_PROXIES": ""})["PORTAL_TRUSTED_PROXIES"]
        == 0
    )
    assert (
        portal_config.load(str(tmp_path), {**base, "PORTAL_TRUSTED_PROXIES": "2"})["PORTAL_TRUSTED_PROXIES"]
        == 2
    )
    for wrong in ("-1", "one", "1.5"):
        with pytest.raises(portal_config.ConfigError, match="PORTAL_TRUSTED_PROXIES"):
            portal_config.load(str(tmp_path), {**base, "PORTAL_TRUSTED_PROXIES": wrong})


def test_without_trusted_proxies_the_header_is_ignored(app, client):
    _fail_sign_in(client, "someone@example.org", CLIENT)
    assert _logged_ips(app) == [BALANCER]


def test_without_trusted_proxies_a_forged_header_cannot_dodge_the_address_limit(app, client):
    _fail_sign_in(client, "one@example.org", "192.0.2.1")
    _fail_sign_in(client, "two@example.org", "192.0.2.2")
    _fail_sign_in(client, "three@example.org", "192.0.2.3", expect=429)


@pytest.mark.parametrize("hops", [1])
def test_one_trusted_proxy_gives_the_client_address(app, client):
    _fail_sign_in(client, "someone@example.org", CLIENT)
    assert _logged_ips(app) == [CLIENT]


@pytest.mark.parametrize("hops", [1])
def test_one_trusted_proxy_believes_only_the_last_hop(app, client):
    # A client can put anything at the start of the header; the balancer appends the address it saw.
    _fail_sign_in(client, "someone@example.org", f"6.6.6.6, {CLIENT}")
    assert _logged_ips(app) == [CLIENT]


@pytest.mark.parametrize("hops", [1])
def test_one_trusted_proxy_sets_scheme_and_host(app):
    seen = {}

    @app.get("/_proxy_probe")
    @public
    def probe():
        seen.update(addr=request.remote_addr, scheme=request.scheme, host=request.host)
        return "ok"

    app.test_client().get(
        "/_proxy_probe",
        environ_base={"REMOTE_ADDR": BALANCER},
        headers={
            "X-Forwarded-For": CLIENT,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "send.example.org",
        },
    )
    assert seen == {"addr": CLIENT, "scheme": "https", "host": "send.example.org"}


@pytest.mark.parametrize("hops", [1])
def test_one_trusted_proxy_counts_the_address_limit_per_client(app, client):
    _fail_sign_in(client, "one@example.org", CLIENT)
    _fail_sign_in(client, "two@example.org", CLIENT)
    _fail_sign_in(client, "three@example.org", CLIENT, expect=429)
    # Another family behind the same balancer is not locked out by the first.
    _fail_sign_in(client, "four@example.org", OTHER_CLIENT)
