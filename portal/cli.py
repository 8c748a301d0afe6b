"""Flask commands: demo data, outbox, users."""

import json
import secrets
from pathlib import Path

import click
import pyotp
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from portal import outbox
from portal.accounts.models import ROLES, User
from portal.accounts.service import find_user, hash_password
from portal.extensions import db
from portal.timeutil import utcnow

DEMO_ACCOUNTS = [
    ("parent@example.org", ["parent"], "Parent or carer"),
    ("young.person@example.org", ["young_person"], "Young person (17)"),
    ("professional@example.org", ["professional"], "Professional (SENCO)"),
    ("caseworker@example.org", ["caseworker"], "Council caseworker"),
    ("mediator@example.org", ["mediator"], "Mediator"),
    ("editor@example.org", ["forum_editor"], "Parent Carer Forum editor"),
    ("editor2@example.org", ["forum_editor"], "Second forum editor"),
    ("services@example.org", ["service_editor"], "Local Offer service editor"),
    ("admin@example.org", ["admin"], "Administrator"),
]


def _credentials_file() -> Path:
    return Path(current_app.instance_path) / "demo-accounts.json"


def _demo_credentials() -> dict:
    """Password and TOTP secret from the environment, else generated once and kept in instance/."""
    path = _credentials_file()
    saved = json.loads(path.read_text()) if path.exists() else {}
    credentials = {
        "password": current_app.config.get("PORTAL_DEMO_PASSWORD")
        or saved.get("password")
        or secrets.token_urlsafe(12),
        "totp_secret": current_app.config.get("PORTAL_DEMO_TOTP_SECRET")
        or saved.get("totp_secret")
        or pyotp.random_base32(),
    }
    if credentials != saved:
        path.write_text(json.dumps(credentials))
        path.chmod(0o600)
    return credentials


def create_demo_accounts() -> dict:
    """Create (or bring back to known values) every demo account. Returns the credentials."""
    credentials = _demo_credentials()
    password_hash = hash_password(credentials["password"])
    for email, roles, _description in DEMO_ACCOUNTS:
        user = find_user(email) or User(email=email, password_hash=password_hash)
        user.password_hash = password_hash
        user.email_confirmed_at = user.email_confirmed_at or utcnow()
        user.preferred_language = user.preferred_language or "en"
        user.set_roles(set(roles))
        user.totp_secret = credentials["totp_secret"] if user.is_staff else None
        db.session.add(user)
    db.session.commit()
    return credentials


DEMO_LOCAL_OFFER = Path(__file__).resolve().parent.parent / "content" / "local-offer"
# The demo service editor keeps these organisations' listings.
DEMO_EDITED_ORGANISATIONS = ("org-mereford-sendiass", "org-mereford-parent-carer-forum")


def load_demo_content() -> None:
    """The fictional Local Offer, and the demo service editor linked to a few organisations."""
    from portal.guides.content import import_content
    from portal.local_offer.importer import import_path
    from portal.local_offer.models import Organisation, OrganisationEditor

    import_path(DEMO_LOCAL_OFFER)
    import_content()
    editor = find_user("services@example.org")
    organisations = [o for o in DEMO_EDITED_ORGANISATIONS if db.session.get(Organisation, o)]
    if not organisations:  # the data may name them differently: take the first two
        organisations = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id).limit(2)))
    for organisation_id in organisations:
        linked = db.session.scalar(
            select(OrganisationEditor).where(
                OrganisationEditor.user_id == editor.id, OrganisationEditor.organisation_id == organisation_id
            )
        )
        if not linked:
            db.session.add(OrganisationEditor(user_id=editor.id, organisation_id=organisation_id))
    db.session.commit()
    from portal.guides import demo as guides_demo
    from portal.mediation import demo as mediation_demo
    from portal.plans import demo as plans_demo
    from portal.voice import demo as voice_demo

    guides_demo.seed()
    plans_demo.seed()
    voice_demo.seed()
    mediation_demo.seed()


def _print_accounts(credentials: dict) -> None:
    click.echo("\nDemo accounts (fictional people; demo data only):")
    for email, _roles, description in DEMO_ACCOUNTS:
        click.echo(f"  {email:<28} {description}")
    click.echo(f"\n  Password for every demo account: {credentials['password']}")
    click.echo(
        f"  Staff accounts also need a security code. Add this secret to an authenticator app:\n"
        f"    {credentials['totp_secret']}\n"
        f"  or print the current code with: .venv/bin/flask --app portal demo-code\n"
    )


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no accounts yet.")
@click.option("--print", "print_only", is_flag=True, help="Only print the demo accounts.")
@with_appcontext
def demo(if_empty: bool, print_only: bool) -> None:
    """Create fictional demo accounts for every role (demo data never loads unless asked for)."""
    if print_only:
        if find_user(DEMO_ACCOUNTS[0][0]) is None:
            click.echo("No demo accounts in this database. Run: flask --app portal demo")
            return
        _print_accounts(_demo_credentials())
        return
    if if_empty:
        if db.session.scalar(select(func.count(User.id))):
            click.echo("The database already has accounts; demo data not loaded again.")
            return
        create_demo_accounts()
        load_demo_content()
        click.echo("Demo data loaded.")
        return
    credentials = create_demo_accounts()
    load_demo_content()
    _print_accounts(credentials)


@click.command("demo-code")
@with_appcontext
def demo_code() -> None:
    """Print the current security code for the demo staff accounts."""
    click.echo(pyotp.TOTP(_demo_credentials()["totp_secret"]).now())


outbox_group = AppGroup("outbox", help="The email outbox.")


@outbox_group.command("send")
def outbox_send() -> None:
    """Send every pending email (printed to the console when no MAIL_SERVER is set)."""
    sent, failed = outbox.send_pending()
    click.echo(f"Sent {sent}, failed {failed}.")


users_group = AppGroup("users", help="Accounts.")


@users_group.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), required=True)
@click.password_option()
def users_create(email: str, roles: tuple[str, ...], password: str) -> None:
    """Create a confirmed account with the given roles (for the first admin)."""
    if find_user(email):
        raise click.ClickException(f"{email} already has an account.")
    user = User(email=email.strip().lower(), password_hash=hash_password(password))
    user.email_confirmed_at = utcnow()
    user.set_roles(set(roles))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(roles))}.")


def init_app(app: Flask) -> None:
    from portal.guides.cli import content_group
    from portal.local_offer.cli import local_offer_group
    from portal.plans.cli import plans_group

    for command in (demo, demo_code, outbox_group, users_group, local_offer_group, content_group):
        app.cli.add_command(command)
    app.cli.add_command(plans_group)
