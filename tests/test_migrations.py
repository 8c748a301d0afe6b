"""Alembic: the migrations build the schema from empty, and it matches the models exactly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from portal import create_app
from portal.extensions import db
from portal.local_offer.fulltext import is_index_table
from tests.conftest import DATABASES, PG_URL


@pytest.mark.parametrize("kind", DATABASES)
def test_upgrade_from_empty_matches_the_models(kind, tmp_path):
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
        options = {}
    else:
        url = PG_URL
        options = {"connect_args": {"options": "-csearch_path=migration_check"}}
        engine = create_engine(PG_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
            connection.execute(text("CREATE SCHEMA migration_check"))
        engine.dispose()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "SQLALCHEMY_ENGINE_OPTIONS": options}
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "include_object": lambda obj, name, type_, *_: (
                        not (type_ == "table" and is_index_table(name))
                    ),
                },
            )
            assert compare_metadata(context, db.metadata) == []
            tables = set(inspect(connection).get_table_names())
        assert {"users", "user_roles", "user_sessions", "audit_events", "outbox_messages"} <= tables
        assert {"lo_services", "lo_service_terms", "lo_shortlist_items", "lo_listing_versions"} <= tables
        assert ("lo_services_fts" if kind == "sqlite" else "lo_services_search") in tables
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
