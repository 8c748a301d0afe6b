"""Settings from the environment, with safe defaults for the embedded (one machine) mode."""

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

DEVELOPMENT_ENVS = {"development", "testing"}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _instance_secret_key(instance_path: Path) -> str:
    """A development key, generated once and kept in instance/ so sessions survive restarts."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _instance_storage_key(instance_path: Path) -> str:
    """A development file-encryption key (32 random bytes, base64), generated once into instance/."""
    path = instance_path / "storage_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _trusted_proxies(value: str | None) -> int:
    """How many proxies in front of the app set X-Forwarded-* headers we may believe (0: none)."""
    if value is None or not value.strip():
        return 0
    try:
        hops = int(value)
    except ValueError:
        hops = -1
    if hops < 0:
        raise ConfigError(
            "PORTAL_TRUSTED_PROXIES must be a whole number of proxy hops, 0 or more: 1 behind one load "
            f"balancer, 0 when clients connect directly (got {value!r})."
        )
    return hops


def load(instance_path: str, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if environ is None else environ
    portal_env = env.get("PORTAL_ENV", "production").lower()
    development = portal_env in DEVELOPMENT_ENVS
    instance = Path(instance_path)

    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if not development:
            raise ConfigError(
                "SECRET_KEY is not set. In production set SECRET_KEY to a long random value "
                "(for example the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set PORTAL_ENV=development to run on one machine with a generated key."
            )
        secret_key = _instance_secret_key(instance)

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'portal.db'}"
    redis_url = env.get("REDIS_URL")

    return {
        "PORTAL_ENV": portal_env,
        "DEVELOPMENT": development,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # Uploads: encrypted at rest. The key is required in production (checked when a file is stored
        # or read); in development one is generated into instance/storage_key. See docs/storage.md.
        "PORTAL_STORAGE_KEY": env.get("PORTAL_STORAGE_KEY")
        or (_instance_storage_key(instance) if development else None),
        "PORTAL_STORAGE_OLD_KEY": env.get("PORTAL_STORAGE_OLD_KEY"),
        "PORTAL_STORAGE_BACKEND": env.get("PORTAL_STORAGE_BACKEND", "local").lower(),
        "PORTAL_STORAGE_PATH": env.get("PORTAL_STORAGE_PATH") or str(instance / "uploads"),
        "PORTAL_S3_BUCKET": env.get("PORTAL_S3_BUCKET"),
        "PORTAL_S3_PREFIX": env.get("PORTAL_S3_PREFIX", "uploads/"),
        "PORTAL_S3_ENDPOINT_URL": env.get("PORTAL_S3_ENDPOINT_URL"),
        "PORTAL_S3_REGION": env.get("PORTAL_S3_REGION"),
        "PORTAL_FEEDBACK_EMAIL": env.get("PORTAL_FEEDBACK_EMAIL", "send-portal-feedback@example.org"),
        "PORTAL_BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        # Proxy hops (load balancers) whose X-Forwarded-For/-Proto/-Host we trust; 0 ignores the headers.
        "PORTAL_TRUSTED_PROXIES": _trusted_proxies(env.get("PORTAL_TRUSTED_PROXIES")),
        # Mail: with no MAIL_SERVER, messages are printed to the console and kept in the outbox.
        "MAIL_SERVER": env.get("MAIL_SERVER"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), True),
        "MAIL_FROM": env.get("MAIL_FROM", "SEND family portal <no-reply@example.org>"),
        # Sessions and cookies.
        "SESSION_COOKIE_NAME": "portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
        # With JavaScript, a warning this long before the idle sign-out offers "Stay signed in" (WCAG 2.2.1).
        "SESSION_TIMEOUT_WARNING": timedelta(minutes=2),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=12),
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        # Forms and uploads.
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which has its own timeouts
        "MAX_CONTENT_LENGTH": int(env.get("PORTAL_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
        # Rate limits: memory on one machine, Redis when REDIS_URL is set.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_SIGN_IN_ADDRESS": env.get("PORTAL_RATELIMIT_SIGN_IN_ADDRESS", "30 per 15 minutes"),
        "RATELIMIT_SIGN_IN_ACCOUNT": env.get("PORTAL_RATELIMIT_SIGN_IN_ACCOUNT", "5 per 15 minutes"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "PORTAL_DEMO_PASSWORD": env.get("PORTAL_DEMO_PASSWORD"),
        "PORTAL_DEMO_TOTP_SECRET": env.get("PORTAL_DEMO_TOTP_SECRET"),
    }
