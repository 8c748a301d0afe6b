"""Importing the Local Offer: our YAML files, re-import without duplicates, bad files, the generator."""

from pathlib import Path

import yaml
from sqlalchemy import func, select

from portal.extensions import db
from portal.local_offer.models import Area, Organisation, Service, ServiceTerm
from portal.local_offer.search import Query, search

DEMO = Path(__file__).resolve().parent.parent.parent / "content" / "local-offer"


def counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Area, Organisation, Service, ServiceTerm)
        }


def test_demo_data_is_big_enough_and_loads(app, runner):
    result = runner.invoke(args=["local-offer", "import", str(DEMO)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        services = db.session.scalar(select(func.count()).where(Service.kind == "service"))
        settings = db.session.scalar(select(func.count()).where(Service.kind == "setting"))
        assert services >= 80 and settings >= 30
        types = set(db.session.scalars(select(Service.setting_type).where(Service.kind == "setting")))
        assert {"mainstream", "resourced-provision", "special", "ap-targeted", "ap-time-limited"} <= types
        assert search(Query(text="autisim")).total > 0
        assert search(Query(text="speach therapy")).total > 0


def test_reimporting_updates_and_never_duplicates(app, runner, tmp_path):
    runner.invoke(args=["local-offer", "import", str(DEMO)])
    before = counts(app)
    with app.app_context():
        autism_before = search(Query(text="autism")).total
    assert autism_before > 0
    result = runner.invoke(args=["local-offer", "import", str(DEMO)])
    assert result.exit_code == 0
    assert counts(app) == before
    with app.app_context():
        assert search(Query(text="autism")).total == autism_before
        fts_rows = db.session.execute(
            select(func.count()).select_from(
                db.text("lo_services_fts" if db.engine.dialect.name == "sqlite" else "lo_services_search")
            )
        ).scalar()
        assert fts_rows == before["Service"]


def test_reimport_changes_a_listing_in_place(app, runner, tmp_path):
    data = yaml.safe_load((DEMO / "services.yaml").read_text())
    first = data["services"][0]
    runner.invoke(args=["local-offer", "import", str(DEMO)])
    first["name"] = "Renamed zebra service"
    first["keywords"] = ["zebra"]
    changed = tmp_path / "services.yaml"
    changed.write_text(yaml.safe_dump({"services": [first]}))
    result = runner.invoke(args=["local-offer", "import", str(changed)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Service, first["id"]).name == "Renamed zebra service"
        assert [s.id for s in search(Query(text="zebra")).items] == [first["id"]]


def test_a_bad_file_is_refused_with_a_clear_message(app, runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"services": [{"id": "x", "organisation": "nobody", "name": "X"}]}))
    result = runner.invoke(args=["local-offer", "import", str(bad)])
    assert result.exit_code != 0
    assert "unknown organisation 'nobody'" in result.output
    bad.write_text(
        yaml.safe_dump(
            {
                "organisations": [{"id": "o", "name": "O"}],
                "services": [{"id": "x", "organisation": "o", "name": "X", "needs": ["flying"]}],
            }
        )
    )
    result = runner.invoke(args=["local-offer", "import", str(bad)])
    assert "unknown needs ['flying']" in result.output
    assert counts(app)["Service"] == 0


def test_generator_adds_synthetic_services(app, runner):
    result = runner.invoke(args=["local-offer", "generate", "250"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Service)) == 250
        assert search(Query(text="swimming")).total > 0
    runner.invoke(args=["local-offer", "generate", "10"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Service)) == 260
