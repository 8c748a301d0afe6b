"""Configuration from the environment."""

import pytest

from portal import config, create_app


def test_production_without_secret_key_is_a_clear_error(tmp_path):
    with pytest.raises(config.ConfigError, match="SECRET_KEY is not set"):
        config.load(str(tmp_path), {"PORTAL_ENV": "production"})


def test_create_app_refuses_to_start_in_production_without_a_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError):
        create_app()


def test_development_generates_and_keeps_a_key(tmp_path):
    first = config.load(str(tmp_path), {"PORTAL_ENV": "development"})
    second = config.load(str(tmp_path), {"PORTAL_ENV": "development"})
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_embedded_defaults(tmp_path):
    settings = config.load(str(tmp_path), {"PORTAL_ENV": "development"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.db'}"
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_scale_out_settings(tmp_path):
    settings = config.load(
        str(tmp_path),
        {
            "PORTAL_ENV": "production",
            "SECRET_KEY": "s",
            "DATABASE_URL": "postgresql+psycopg://db/portal",
            "REDIS_URL": "redis://cache:6379/0",
            "PORTAL_STORAGE_KEY": "k",
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_PORT": "2525",
        },
    )
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/portal"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert settings["MAIL_PORT"] == 2525
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_sqlite_foreign_keys_and_wal(tmp_path):
    from sqlalchemy import text

    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "x"})
    with app.app_context():
        assert db.session.scalar(text("PRAGMA foreign_keys")) == 1
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
        db.engine.dispose()


def test_wsgi_exposes_app(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    import importlib

    import wsgi

    importlib.reload(wsgi)
    assert wsgi.app.name == "portal"
