"""Admin: accounts and roles."""

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db


def test_admin_lists_and_searches_accounts(client, make_user, sign_in):
    admin = make_user("admin@example.org", roles=("admin",))
    make_user("parent@example.org")
    make_user("someone@example.org", roles=("professional",))
    sign_in(admin)
    page = client.get("/admin/users")
    assert page.h1 == "Manage accounts"
    assert "3 accounts in all" in page.text()
    rows = [row.get_text(" ", strip=True) for row in page.soup.select("tbody tr")]
    assert rows[1] == "parent@example.org Parent or carer Active"
    page = client.get("/admin/users?q=SOME")
    assert [a.get_text() for a in page.soup.select("tbody a")] == ["someone@example.org"]


def test_admin_changes_roles_and_disables(app, client, make_user, sign_in):
    admin = make_user("admin@example.org", roles=("admin",))
    parent = make_user("parent@example.org")
    sign_in(admin)
    page = client.get(f"/admin/users/{parent.id}")
    assert page.h1 == "Roles for parent@example.org"
    page = client.submit(f"/admin/users/{parent.id}", {"roles": ["parent", "forum_editor"]})
    assert "Changes saved for parent@example.org" in page.text()
    with app.app_context():
        person = db.session.get(User, parent.id)
        assert person.roles == {"parent", "forum_editor"}
        assert person.active is False  # the box was left unticked
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "admin.roles_changed"))
        assert event.actor_id == admin.id and event.object_id == str(parent.id)


def test_admin_cannot_remove_their_own_admin_role(app, client, make_user, sign_in):
    admin = make_user("admin@example.org", roles=("admin",))
    sign_in(admin)
    page = client.submit(f"/admin/users/{admin.id}", {"roles": ["parent"], "active": "y"})
    assert page.error_summary() == ["You cannot remove your own admin role"]


def test_unknown_user_is_404(client, make_user, sign_in):
    sign_in(make_user("admin@example.org", roles=("admin",)))
    client.get("/admin/users/999", expect=404)


def test_other_roles_cannot_manage_accounts(client, make_user, sign_in):
    parent = make_user()
    sign_in(make_user("caseworker@example.org", roles=("caseworker",)))
    client.get("/admin/users", expect=403)
    client.get(f"/admin/users/{parent.id}", expect=403)
