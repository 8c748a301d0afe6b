"""`flask plans import FILE`: load a plan (child, key dates and versions) from the JSON plan format."""

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.plans import importer, service
from portal.plans.models import Plan

plans_group = AppGroup("plans", help="EHC plans: import plans and versions.")


def import_document(data: dict, plan: Plan | None = None) -> tuple[Plan, list]:
    """Create the child and plan from a checked document (or add to `plan`), then its versions."""
    if plan is None:
        child = data.get("child")
        if not child:
            raise click.ClickException(
                "The file has no 'child', so give --plan ID to add versions to a plan."
            )
        details = data.get("plan") or {}
        plan = service.create_plan(
            full_name=child["full_name"],
            preferred_name=child.get("preferred_name"),
            date_of_birth=date.fromisoformat(child["date_of_birth"]),
            reference=details.get("reference"),
            assessment_requested_on=importer._date(details.get("assessment_requested_on")),
            next_review_due=importer._date(details.get("next_review_due")),
            actor=None,
        )
        plan.assessment_decided_on = importer._date(details.get("assessment_decided_on"))
    made = service.import_versions(plan, data, actor=None)
    return plan, made


@plans_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", "plan_id", type=int, help="Add the versions to this existing plan.")
def import_command(file: Path, plan_id: int | None) -> None:
    """Check FILE against the plan schema and import it; nothing is saved if anything is wrong."""
    try:
        data = importer.load(file.read_text(encoding="utf-8"))
    except importer.PlanFormatError as error:
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(f"{file} does not follow the plan format; nothing was imported.") from None
    plan = None
    if plan_id is not None:
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            raise click.ClickException(f"No plan {plan_id}.")
    try:
        plan, made = import_document(data, plan)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    published = sum(1 for v in made if v.is_published)
    click.echo(f"Plan {plan.id}: imported {len(made)} version(s), {published} published.")
