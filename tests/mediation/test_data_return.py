"""The data return against known data: counts by decision, time to mediation, outcomes, certificates
without mediation; aggregate only, with every count under 5 shown as "fewer than 5"."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.mediation import data_return
from portal.mediation.models import Certificate, MediationRequest

START, END = date(2026, 9, 1), date(2026, 9, 30)


@pytest.fixture
def known_data(app, people, make_request):
    """In September 2026: 7 about plan contents (6 mediated, 1 certificate only), 3 refusals to assess
    (certificate only), 1 cease; plus one request in August that must not count."""
    family, mediator = people.family.id, people.mediator.id
    told = date(2026, 9, 2)
    ids = []
    # Six mediations: 5 within 30 days (10, 12, 20, 25, 30 days), 1 after 31 days. Outcomes: 5 agreed, 1 not.
    for days, outcome in [
        (10, "agreed"),
        (12, "agreed"),
        (20, "agreed"),
        (25, "agreed"),
        (30, "agreed"),
        (31, "not_agreed"),
    ]:
        held = told + timedelta(days=days)
        held = min(held, END)  # keep every mediation inside the period
        ids.append(make_request(family, mediator, told_on=told, held_on=held, outcome=outcome))
    ids.append(make_request(family, mediator, wants=False, told_on=date(2026, 9, 3)))
    no_mediation = [
        make_request(family, mediator, wants=False, decision="refuse_assessment", told_on=date(2026, 9, 4))
        for _ in range(3)
    ]
    make_request(family, mediator, decision="cease_plan", told_on=date(2026, 9, 30))
    make_request(family, mediator, decision="cease_plan", told_on=date(2026, 8, 31))  # outside
    with app.app_context():
        for number, request_id in enumerate([*no_mediation, ids[6]]):
            db.session.add(
                Certificate(
                    request_id=request_id,
                    number=f"MC-N{number}",
                    issued_on=date(2026, 9, 8),
                    after_mediation=False,
                )
            )
        for number, request_id in enumerate(ids[:6]):
            request = db.session.get(MediationRequest, request_id)
            db.session.add(
                Certificate(
                    request_id=request_id,
                    number=f"MC-A{number}",
                    issued_on=request.held_on,
                    after_mediation=True,
                )
            )
        db.session.commit()


def test_counts_for_the_period(app, known_data):
    with app.test_request_context():
        result = data_return.build(START, END)
    assert result.requests == 11
    assert result.by_decision == {"plan_contents": 7, "refuse_assessment": 3, "cease_plan": 1}
    assert result.wanted_mediation == 7 and result.certificate_only == 4
    assert result.mediations == 6
    assert (result.within_30_days, result.over_30_days) == (6, 0)  # the latest two are held on 30 September
    assert result.outcomes == {"agreed": 5, "not_agreed": 1}
    assert result.certificates_after_mediation == 6
    assert result.certificates_without_mediation == 4


def test_small_counts_are_shown_as_fewer_than_5(app, client, sign_in, people, known_data):
    sign_in(people.mediator)
    page = client.get("/mediator/data-return?start=1&start=9&start=2026&end=30&end=9&end=2026")
    assert page.h1 == "Mediation data return"
    rows = {
        row.select_one("th").get_text(strip=True): row.select("td")[-1].get_text(strip=True)
        for row in page.soup.select("tbody tr")
    }
    assert rows["Requests received"] == "11"
    assert rows["The contents of an EHC plan or an amended plan"] == "7"
    assert rows["Refusal to carry out an EHC needs assessment"] == "fewer than 5"
    assert rows["A decision to stop (cease) an EHC plan"] == "fewer than 5"
    assert rows["Refusal to issue an EHC plan after an assessment"] == "fewer than 5"  # 0 is under 5 too
    assert rows["Mediations held"] == "6"
    assert rows["Agreed"] == "5"
    assert rows["Not agreed"] == "fewer than 5"
    assert rows["Issued after mediation"] == "6"
    assert rows["Issued without mediation"] == "fewer than 5"
    assert rows["Median time to mediation"].endswith("days")
    # Aggregate only: no reference, email or access need anywhere on the page.
    assert "MED-" not in page.html and "@example.org" not in page.text().replace(people.mediator.email, "")


def test_csv_download_matches_the_page(app, client, sign_in, people, known_data):
    sign_in(people.caseworker)
    response = client.raw.get("/mediator/data-return.csv?start=1&start=9&start=2026&end=30&end=9&end=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["Period", "2026-09-01 to 2026-09-30"]
    counts = {row[1]: row[2] for row in rows[2:]}
    assert counts["Requests received"] == "11"
    assert counts["Refusal to carry out an EHC needs assessment"] == "fewer than 5"
    assert counts["Issued without mediation"] == "fewer than 5"
    assert counts["Agreed"] == "5"
    assert not any("MED-" in cell or "@" in cell for row in rows for cell in row)
    from portal.audit import AuditEvent

    with app.app_context():
        assert (
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "mediation.data_return_downloaded")
            )
            .one()
            .actor_id
            == people.caseworker.id
        )


def test_shown_rule():
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        assert [data_return.shown(n) for n in (0, 1, 4, 5, 12)] == ["fewer than 5"] * 3 + ["5", "12"]


def test_a_wrong_period_shows_an_error_and_the_default(client, sign_in, people):
    sign_in(people.mediator)
    page = client.get("/mediator/data-return?start=1&start=9&start=2026&end=1&end=8&end=2026")
    assert page.error_summary() == ["The last day must be the same as or after the first day"]
