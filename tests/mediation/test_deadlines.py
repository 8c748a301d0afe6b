"""Statutory dates on known days: weekends, bank holidays in England (with substitute days), year ends.

These pin what the `holidays` library says about England; if an update changed one of these days, the
test fails rather than a family's deadline moving silently.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from portal.mediation import deadlines
from portal.mediation.deadlines import (
    add_months,
    add_working_days,
    appeal_deadline,
    certificate_deadline,
    deadlines_for,
    is_bank_holiday,
    is_working_day,
    mediation_deadline,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    "day",
    [
        "2026-01-01",
        "2026-04-03",  # Good Friday
        "2026-04-06",  # Easter Monday
        "2026-05-04",  # early May
        "2026-05-25",  # spring
        "2026-08-31",  # summer
        "2026-12-25",
        "2026-12-28",  # Boxing Day falls on a Saturday: substitute Monday
        "2027-01-01",
        "2027-03-26",  # Good Friday
        "2027-03-29",  # Easter Monday
        "2027-05-03",  # early May
        "2027-05-31",
        "2027-08-30",
        "2027-12-27",  # Christmas Day falls on a Saturday: substitute Monday
        "2027-12-28",  # Boxing Day falls on a Sunday: substitute Tuesday
    ],
)
def test_bank_holidays_in_england(day):
    assert is_bank_holiday(D(day))
    assert not is_working_day(D(day))


@pytest.mark.parametrize(
    "day", ["2026-12-24", "2026-12-29", "2026-12-31", "2027-12-29", "2026-03-17", "2026-11-30"]
)
def test_ordinary_weekdays_are_working_days(day):
    # 17 March (St Patrick's Day) and 30 November (St Andrew's Day) are holidays elsewhere in the UK only.
    assert is_working_day(D(day))


def test_weekends_are_not_working_days():
    assert not is_working_day(D("2026-11-21"))  # Saturday
    assert not is_working_day(D("2026-11-22"))  # Sunday


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        ("2026-11-18", 3, "2026-11-23"),  # Wednesday over a weekend to Monday
        ("2026-11-20", 3, "2026-11-25"),  # from a Friday
        ("2026-11-21", 1, "2026-11-23"),  # from a Saturday
        ("2026-12-23", 3, "2026-12-30"),  # Christmas 2026 and the substitute Boxing Day
        ("2026-12-30", 3, "2027-01-05"),  # the year end and New Year's Day
        ("2026-04-02", 3, "2026-04-09"),  # Easter 2026
        ("2026-05-01", 1, "2026-05-05"),  # early May 2026
        ("2027-12-23", 3, "2027-12-30"),  # Christmas 2027: two substitute days
        ("2027-03-25", 1, "2027-03-30"),  # Easter 2027
        ("2027-04-30", 1, "2027-05-04"),  # early May 2027
    ],
)
def test_add_working_days(start, count, expected):
    assert add_working_days(D(start), count) == D(expected)


def test_add_months_keeps_the_day_or_takes_the_last_day_of_the_month():
    assert add_months(D("2026-10-15"), 2) == D("2026-12-15")
    assert add_months(D("2026-01-31"), 1) == D("2026-02-28")
    assert add_months(D("2027-12-31"), 2) == D("2028-02-29")  # leap year
    assert add_months(D("2026-11-30"), 2) == D("2027-01-30")  # across the year end


@pytest.mark.parametrize(
    ("letter", "certificate", "expected"),
    [
        ("2026-10-15", None, "2026-12-15"),
        ("2026-12-31", None, "2027-03-01"),  # 28 February 2027 is a Sunday: next working day
        ("2026-10-25", None, "2026-12-29"),  # 25 December: past Christmas and the substitute Boxing Day
        ("2026-09-01", "2026-11-20", "2026-12-21"),  # 1 month from the certificate is later (20th a Sunday)
        ("2026-10-01", "2026-10-05", "2026-12-01"),  # 2 months from the letter is later
    ],
)
def test_appeal_deadline(letter, certificate, expected):
    assert appeal_deadline(D(letter), D(certificate) if certificate else None) == D(expected)


def test_mediation_within_30_days_of_the_council_being_told():
    assert mediation_deadline(D("2026-11-23")) == D("2026-12-23")
    assert mediation_deadline(D("2026-12-10")) == D("2027-01-09")  # across the year end


def test_certificate_deadline():
    assert certificate_deadline(D("2026-12-23"), wants_mediation=False) == D("2026-12-30")
    assert certificate_deadline(D("2026-12-23"), wants_mediation=True) is None
    assert certificate_deadline(D("2026-12-01"), wants_mediation=True, held_on=D("2027-12-23")) == D(
        "2027-12-30"
    )


def _request(**values):
    base = {
        "letter_date": D("2026-11-02"),
        "told_on": D("2026-11-23"),
        "wants_mediation": True,
        "held_on": None,
        "certificate": None,
    }
    return SimpleNamespace(**(base | values))


def test_deadline_states_ok_near_missed_and_done():
    request = _request()
    by_key = {d.key: d for d in deadlines_for(request, today=D("2026-11-23"))}
    assert set(by_key) == {"mediation", "appeal"}
    assert by_key["mediation"].due == D("2026-12-23") and by_key["mediation"].state == "ok"
    assert by_key["appeal"].due == D("2027-01-04")  # 2 January 2027 is a Saturday
    near = {d.key: d for d in deadlines_for(request, today=D("2026-12-21"))}
    assert near["mediation"].state == "near" and near["mediation"].warn
    missed = {d.key: d for d in deadlines_for(request, today=D("2026-12-24"))}
    assert missed["mediation"].state == "missed" and missed["mediation"].warn
    held = {d.key: d for d in deadlines_for(_request(held_on=D("2026-12-10")), today=D("2026-12-24"))}
    assert held["mediation"].state == "done"
    assert held["certificate"].due == D("2026-12-15") and held["certificate"].state == "missed"


def test_certificate_only_has_a_3_working_day_deadline_and_a_later_appeal_date():
    certificate = SimpleNamespace(issued_on=D("2026-12-24"))
    request = _request(wants_mediation=False, told_on=D("2026-12-23"), certificate=certificate)
    by_key = {d.key: d for d in deadlines_for(request, today=D("2026-12-24"))}
    assert "mediation" not in by_key
    assert by_key["certificate"].due == D("2026-12-30") and by_key["certificate"].state == "done"
    assert by_key["appeal"].due == D("2027-01-25")  # 1 month from the certificate beats 2 from the letter


def test_the_source_of_bank_holidays_is_named():
    assert "holidays" in deadlines.__doc__ and 'subdiv="ENG"' in deadlines.__doc__
