"""The full-text index behind Local Offer search: SQLite FTS5, or PostgreSQL tsvector with a GIN index.

Both rank name matches above keyword and summary matches, and those above the description.
"""

import re

from sqlalchemy import Float, String, event, text
from sqlalchemy.engine import Connection

from portal.extensions import db

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS lo_services_fts USING fts5("
    "service_id UNINDEXED, name, keywords, body, tokenize = 'porter unicode61 remove_diacritics 2')",
]
POSTGRES_DDL = [
    "CREATE TABLE IF NOT EXISTS lo_services_search ("
    "service_id VARCHAR(80) PRIMARY KEY REFERENCES lo_services(id) ON DELETE CASCADE, "
    "document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_lo_services_search_document ON lo_services_search USING GIN (document)",
]
DROP = {
    "sqlite": ["DROP TABLE IF EXISTS lo_services_fts"],
    "postgresql": ["DROP TABLE IF EXISTS lo_services_search"],
}
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def is_index_table(name: str) -> bool:
    """The index tables (and FTS5's own shadow tables) live outside the models: migrations skip them."""
    return name.startswith(("lo_services_fts", "lo_services_search"))


def create(connection: Connection) -> None:
    """Create the dialect's index table (used by the migration and by create_all in tests)."""
    for statement in SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL:
        connection.execute(text(statement))


def drop(connection: Connection) -> None:
    for statement in DROP[connection.dialect.name]:
        connection.execute(text(statement))


@event.listens_for(db.metadata, "after_create")
def _after_create(_target, connection, **_kw):
    create(connection)


@event.listens_for(db.metadata, "before_drop")
def _before_drop(_target, connection, **_kw):
    drop(connection)


def words(value: str) -> list[str]:
    return [w.lower() for w in WORD.findall(value or "")]


def store(rows: list[dict], *, new: bool = False) -> None:
    """Index listings: each row has service_id, name, keywords, body. Replaces what was indexed before,
    unless the listings are `new` (a bulk load), where looking for old rows would only cost time."""
    if not rows:
        return
    connection = db.session.connection()
    ids = [{"id": row["service_id"]} for row in rows]
    if new:
        ids = []
    if connection.dialect.name == "sqlite":
        if ids:
            connection.execute(text("DELETE FROM lo_services_fts WHERE service_id = :id"), ids)
        connection.execute(
            text(
                "INSERT INTO lo_services_fts (service_id, name, keywords, body) "
                "VALUES (:service_id, :name, :keywords, :body)"
            ),
            rows,
        )
    else:
        if ids:
            connection.execute(text("DELETE FROM lo_services_search WHERE service_id = :id"), ids)
        connection.execute(
            text(
                "INSERT INTO lo_services_search (service_id, document) VALUES (:service_id, "
                "setweight(to_tsvector('english', :name), 'A') || "
                "setweight(to_tsvector('english', :keywords), 'B') || "
                "setweight(to_tsvector('english', :body), 'C'))"
            ),
            rows,
        )


def match(groups: list[list[str]], require_all: bool, limit: int | None = None):
    """A subquery of (service_id, rank) for listings matching the word groups; lower rank is better.

    Each group is a word and its spelling corrections (any may match, as a prefix); groups are
    joined with AND when require_all, else OR. With `limit`, a common table expression of only the first
    that many matches in index order, so a word in every listing costs no more than a rare one (the rank
    is worked out only for the matches read).
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        joiner = " AND " if require_all else " OR "
        query = joiner.join("(" + " OR ".join(f'"{w}"*' for w in group) + ")" for group in groups)
        statement = text(
            "SELECT service_id, bm25(lo_services_fts, 0.0, 10.0, 5.0, 1.0) AS rank "
            "FROM lo_services_fts WHERE lo_services_fts MATCH :query"
        )
    else:
        joiner = " & " if require_all else " | "
        query = joiner.join("(" + " | ".join(f"{w}:*" for w in group) + ")" for group in groups)
        statement = text(
            "SELECT service_id, -ts_rank(document, to_tsquery('english', :query)) AS rank "
            "FROM lo_services_search WHERE document @@ to_tsquery('english', :query)"
        )
    if limit is not None:
        statement = text(f"{statement.text} LIMIT {int(limit)}")
    statement = statement.bindparams(query=query).columns(service_id=String, rank=Float)
    return statement.cte("matches") if limit is not None else statement.subquery("matches")
