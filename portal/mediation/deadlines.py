"""Statutory mediation and appeal dates, in working days and calendar months.

Bank holidays in England come from the maintained `holidays` library
(`holidays.country_holidays("GB", subdiv="ENG")`), which includes substitute ("observed") days when a
holiday falls at a weekend. tests/mediation/test_deadlines.py pins its answers on known dates, so an
update that changed them would fail the build rather than move a family's deadline silently.

The rules (DOMAIN.md; SEND Regulations 2014 Part 6, mediation; SEND Code of Practice chapter 11):
- certificate when the family does not want mediation: within 3 working days of the council being told;
- mediation to take place: within 30 days of the council being told the family wants it;
- certificate after mediation: within 3 working days of mediation ending;
- appeal: within 2 months of the decision letter, or 1 month from the certificate date, whichever is later.
  A time limit ending on a day that is not a working day ends on the next working day (Tribunal Procedure
  (First-tier Tribunal) (Health, Education and Social Care Chamber) Rules 2008, rule 12(2)).
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

ENGLAND = ZoneInfo("Europe/London")
CERTIFICATE_WORKING_DAYS = 3
MEDIATION_CALENDAR_DAYS = 30
APPEAL_MONTHS_FROM_LETTER = 2
APPEAL_MONTHS_FROM_CERTIFICATE = 1
# Warn this many days before a deadline.
NEAR_DAYS = 3


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a bank holiday in England."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (the start day itself never counts)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def next_working_day(day: date) -> date:
    """The day itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """The same day of the month `months` later; the month's last day when that day does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def today_in_england() -> date:
    """Today's date in England (the portal stores naive UTC times)."""
    return datetime.now(ENGLAND).date()


def date_in_england(utc: datetime) -> date:
    """The date in England of a naive UTC timestamp."""
    return utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(ENGLAND).date()


def appeal_deadline(letter_date: date, certificate_date: date | None = None) -> date:
    """Last day to appeal to the SEND Tribunal."""
    latest = add_months(letter_date, APPEAL_MONTHS_FROM_LETTER)
    if certificate_date is not None:
        latest = max(latest, add_months(certificate_date, APPEAL_MONTHS_FROM_CERTIFICATE))
    return next_working_day(latest)


def certificate_deadline(told_on: date, wants_mediation: bool, held_on: date | None = None) -> date | None:
    """Latest date for the certificate: 3 working days from being told (no mediation wanted) or from
    mediation ending; None while mediation is still to happen."""
    if not wants_mediation:
        return add_working_days(told_on, CERTIFICATE_WORKING_DAYS)
    if held_on is not None:
        return add_working_days(held_on, CERTIFICATE_WORKING_DAYS)
    return None


def mediation_deadline(told_on: date) -> date:
    """Latest date mediation must take place: 30 days from the council being told."""
    return told_on + timedelta(days=MEDIATION_CALENDAR_DAYS)


@dataclass(frozen=True)
class Deadline:
    key: str  # appeal, certificate, mediation
    due: date
    done_on: date | None
    state: str  # done, late_done, missed, near, ok

    @property
    def warn(self) -> bool:
        return self.state in ("missed", "near")


def _state(due: date, done_on: date | None, today: date) -> str:
    if done_on is not None:
        return "done" if done_on <= due else "late_done"
    if today > due:
        return "missed"
    if (due - today).days <= NEAR_DAYS:
        return "near"
    return "ok"


def deadlines_for(request, today: date | None = None) -> list[Deadline]:
    """Every deadline that applies to a request, with whether it is met, near or missed."""
    today = today or today_in_england()
    certificate = request.certificate
    certificate_on = certificate.issued_on if certificate else None
    result = []
    if request.wants_mediation:
        result.append(
            Deadline(
                "mediation",
                mediation_deadline(request.told_on),
                request.held_on,
                _state(mediation_deadline(request.told_on), request.held_on, today),
            )
        )
    due = certificate_deadline(request.told_on, request.wants_mediation, request.held_on)
    if due is not None:
        result.append(Deadline("certificate", due, certificate_on, _state(due, certificate_on, today)))
    appeal = appeal_deadline(request.letter_date, certificate_on)
    # The family appeals outside the portal: the appeal date is never "done", only near or past.
    result.append(Deadline("appeal", appeal, None, _state(appeal, None, today)))
    return result
