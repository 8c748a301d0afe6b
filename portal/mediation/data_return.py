"""The mediation data return: aggregate counts for a period, never a name or a single family.

Any count under 5 is shown as "fewer than 5" (so no family can be picked out of a small number), and
the median time to mediation is shown only when at least 5 mediations make it up.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.mediation.deadlines import MEDIATION_CALENDAR_DAYS
from portal.mediation.models import DECISIONS, OUTCOMES, Certificate, MediationRequest

SMALL = 5


def shown(count: int) -> str:
    """A count as it may be published: under 5 becomes "fewer than 5"."""
    return str(count) if count >= SMALL else _("fewer than 5")


@dataclass
class DataReturn:
    start: date
    end: date
    requests: int = 0
    by_decision: dict[str, int] = field(default_factory=dict)
    wanted_mediation: int = 0
    certificate_only: int = 0
    mediations: int = 0
    within_30_days: int = 0
    over_30_days: int = 0
    median_days: float | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    certificates_after_mediation: int = 0
    certificates_without_mediation: int = 0

    def rows(self) -> list[tuple[str, str, int]]:
        """(section, label, raw count) for every line of the return, in order."""
        rows = [(_("Requests"), _("Requests received"), self.requests)]
        rows += [
            (_("Requests by decision"), str(label), self.by_decision.get(key, 0))
            for key, label in DECISIONS.items()
        ]
        rows += [
            (_("Requests"), _("Wanted mediation"), self.wanted_mediation),
            (_("Requests"), _("Wanted only the certificate"), self.certificate_only),
            (_("Time to mediation"), _("Mediations held"), self.mediations),
            (
                _("Time to mediation"),
                _("Held within %(days)s days of the council being told", days=MEDIATION_CALENDAR_DAYS),
                self.within_30_days,
            ),
            (
                _("Time to mediation"),
                _("Held more than %(days)s days after the council was told", days=MEDIATION_CALENDAR_DAYS),
                self.over_30_days,
            ),
        ]
        rows += [(_("Outcomes"), str(label), self.outcomes.get(key, 0)) for key, label in OUTCOMES.items()]
        rows += [
            (_("Certificates"), _("Issued after mediation"), self.certificates_after_mediation),
            (_("Certificates"), _("Issued without mediation"), self.certificates_without_mediation),
        ]
        return rows

    @property
    def median_shown(self) -> str | None:
        if self.median_days is None:
            return None
        if self.mediations < SMALL:
            return _("not shown for fewer than 5 mediations")
        return _("%(days)s days", days=f"{self.median_days:g}")


def build(start: date, end: date) -> DataReturn:
    """Counts for requests received, mediations held and certificates issued from `start` to `end`
    (both days included). Three queries, whatever the number of requests."""
    result = DataReturn(start, end)
    received = MediationRequest.told_on.between(start, end)
    for decision, wants, count in db.session.execute(
        select(MediationRequest.decision, MediationRequest.wants_mediation, func.count())
        .where(received)
        .group_by(MediationRequest.decision, MediationRequest.wants_mediation)
    ):
        result.requests += count
        result.by_decision[decision] = result.by_decision.get(decision, 0) + count
        if wants:
            result.wanted_mediation += count
        else:
            result.certificate_only += count
    held = list(
        db.session.execute(
            select(MediationRequest.told_on, MediationRequest.held_on, MediationRequest.outcome).where(
                MediationRequest.held_on.between(start, end)
            )
        )
    )
    days = [(held_on - told_on).days for told_on, held_on, _outcome in held]
    result.mediations = len(held)
    result.within_30_days = sum(1 for d in days if d <= MEDIATION_CALENDAR_DAYS)
    result.over_30_days = len(days) - result.within_30_days
    result.median_days = median(days) if days else None
    for _told, _held, outcome in held:
        if outcome:
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
    for after, count in db.session.execute(
        select(Certificate.after_mediation, func.count())
        .where(Certificate.issued_on.between(start, end))
        .group_by(Certificate.after_mediation)
    ):
        if after:
            result.certificates_after_mediation = count
        else:
            result.certificates_without_mediation = count
    return result


def to_csv(data: DataReturn) -> str:
    """The return as CSV, with the same "fewer than 5" rule as the page."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Period"), f"{data.start.isoformat()} to {data.end.isoformat()}", ""])
    writer.writerow([_("Section"), _("Measure"), _("Count")])
    for section, label, count in data.rows():
        writer.writerow([section, label, shown(count)])
    if data.median_shown:
        writer.writerow([_("Time to mediation"), _("Median time to mediation"), data.median_shown])
    return out.getvalue()
