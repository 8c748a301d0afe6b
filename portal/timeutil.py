"""One clock for the whole portal: naive UTC datetimes, the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo (what the database stores)."""
    return datetime.now(UTC).replace(tzinfo=None)
