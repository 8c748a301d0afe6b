"""Plans to and from JSON (docs/plan-format.md; the schema is plan.schema.json beside this file)."""

import json
from datetime import date
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from portal.plans.models import (
    AdviceDocument,
    Need,
    Outcome,
    PlanVersion,
    ProvisionLine,
    SectionAEntry,
)

SCHEMA_PATH = Path(__file__).with_name("plan.schema.json")
FORMAT = "send-portal-ehc-plan/1"


class PlanFormatError(ValueError):
    """The file does not follow the plan format; `problems` says where and why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _where(path) -> str:
    return "/".join(str(part) for part in path) or "(top level)"


def problems(data) -> list[str]:
    """Everything wrong with a plan document: schema errors first, then references that do not resolve."""
    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    found = [
        f"{_where(error.absolute_path)}: {error.message}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if found:
        return found[:50]
    found.extend(_nul_problems(data))
    unpublished_seen = False
    for index, version in enumerate(data["versions"]):
        where = f"versions/{index}"
        found.extend(_reference_problems(version, where))
        if unpublished_seen:
            found.append(f"{where}: only the last version may be unpublished (a working copy)")
        if not version.get("published", False):
            unpublished_seen = True
    return found


def _nul_problems(value, path=()) -> list[str]:
    """NUL characters: never meant, and PostgreSQL cannot store them in text."""
    if isinstance(value, str):
        return [f"{_where(path)}: contains a NUL character"] if "\x00" in value else []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _nul_problems(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _nul_problems(item, (*path, index))]
    return []


def _reference_problems(version: dict, where: str) -> list[str]:
    """Refs used twice, and links to needs or outcomes that are not in the version."""
    found = []
    need_refs = [need["ref"] for need in version.get("needs", [])]
    outcome_refs = [outcome["ref"] for outcome in version.get("outcomes", [])]
    for label, refs in (("needs", need_refs), ("outcomes", outcome_refs)):
        duplicates = sorted({ref for ref in refs if refs.count(ref) > 1})
        if duplicates:
            found.append(f"{where}/{label}: ref used more than once: {', '.join(duplicates)}")
    for o, outcome in enumerate(version.get("outcomes", [])):
        for ref in outcome.get("needs", []):
            if ref not in need_refs:
                found.append(f"{where}/outcomes/{o}/needs: no need with ref {ref!r}")
    for p, line in enumerate(version.get("provision", [])):
        for ref in line.get("outcomes", []):
            if ref not in outcome_refs:
                found.append(f"{where}/provision/{p}/outcomes: no outcome with ref {ref!r}")
    return found


def load(text: str) -> dict:
    """Parse and check a plan document; raises PlanFormatError listing every problem."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PlanFormatError([f"not valid JSON: {error}"]) from error
    found = problems(data)
    if found:
        raise PlanFormatError(found)
    return data


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def fill_version(version: PlanVersion, data: dict) -> PlanVersion:
    """Put one version's sections from a checked document into an empty, unpublished version."""
    version.status = data["status"]
    version.reason = (data.get("reason") or "").strip() or None
    version.issued_on = _date(data.get("issued_on"))
    for position, entry in enumerate(data.get("section_a", [])):
        version.views.append(SectionAEntry(position=position, text=entry["text"], source=entry.get("source")))
    needs = {}
    for position, item in enumerate(data.get("needs", [])):
        need = Need(ref=item["ref"], section=item["section"], area=item["area"], text=item["text"])
        need.position = position
        needs[item["ref"]] = need
        version.needs.append(need)
    outcomes = {}
    for position, item in enumerate(data.get("outcomes", [])):
        outcome = Outcome(
            ref=item["ref"],
            position=position,
            text=item["text"],
            by_when=item.get("by_when", ""),
            steps=item.get("steps", ""),
        )
        outcome.needs = [needs[ref] for ref in item.get("needs", [])]
        outcomes[item["ref"]] = outcome
        version.outcomes.append(outcome)
    for position, item in enumerate(data.get("provision", [])):
        line = ProvisionLine(
            section=item["section"],
            position=position,
            what=item["what"],
            who=item.get("who", ""),
            how_often=item.get("how_often", ""),
            how_long=item.get("how_long", ""),
            funded_by=item.get("funded_by", ""),
        )
        line.outcomes = [outcomes[ref] for ref in item.get("outcomes", [])]
        version.provision.append(line)
    placement = data.get("placement") or {}
    version.placement_name = placement.get("name")
    version.placement_type = placement.get("type")
    version.placement_notes = placement.get("notes", "")
    budget = data.get("personal_budget") or {}
    version.budget_summary = budget.get("summary", "")
    version.budget_amount_pence = budget.get("amount_pence")
    version.direct_payments = bool(budget.get("direct_payments", False))
    for position, item in enumerate(data.get("advice", [])):
        version.advice.append(
            AdviceDocument(
                position=position,
                title=item["title"],
                author=item.get("author", ""),
                dated=_date(item.get("date")),
            )
        )
    return version


def version_data(version: PlanVersion) -> dict:
    """One version as a document fragment (the inverse of `fill_version`)."""
    return {
        "status": version.status,
        "published": version.is_published,
        "reason": version.reason,
        "issued_on": version.issued_on.isoformat() if version.issued_on else None,
        "section_a": [{"text": e.text, "source": e.source} for e in version.views],
        "needs": [
            {"ref": n.ref, "section": n.section, "area": n.area, "text": n.text} for n in version.needs
        ],
        "outcomes": [
            {
                "ref": o.ref,
                "text": o.text,
                "by_when": o.by_when,
                "steps": o.steps,
                "needs": [n.ref for n in o.needs],
            }
            for o in version.outcomes
        ],
        "provision": [
            {
                "section": p.section,
                "what": p.what,
                "who": p.who,
                "how_often": p.how_often,
                "how_long": p.how_long,
                "funded_by": p.funded_by,
                "outcomes": [o.ref for o in p.outcomes],
            }
            for p in version.provision
        ],
        "placement": {
            "name": version.placement_name,
            "type": version.placement_type,
            "notes": version.placement_notes,
        },
        "personal_budget": {
            "summary": version.budget_summary,
            "amount_pence": version.budget_amount_pence,
            "direct_payments": version.direct_payments,
        },
        "advice": [
            {"title": a.title, "author": a.author, "date": a.dated.isoformat() if a.dated else None}
            for a in version.advice
        ],
    }
