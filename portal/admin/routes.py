"""Admin: find accounts and change their roles."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal import audit
from portal.accounts.models import User
from portal.accounts.service import end_sessions
from portal.admin.forms import RolesForm, UserSearchForm
from portal.extensions import db
from portal.security import checks_access, refuse, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@bp.get("/users")
@roles_required("admin")
def users():
    form = UserSearchForm(request.args)
    query = select(User).order_by(User.email).limit(PAGE_SIZE)
    if form.q.data:
        query = query.where(User.email.contains(form.q.data.strip().lower()))
    people = list(db.session.scalars(query))
    total = db.session.scalar(select(func.count(User.id)))
    return render_template("admin/users.html", form=form, people=people, total=total)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
@checks_access
def edit_user(user_id: int):
    person = db.session.get(User, user_id)
    if person is None:
        refuse(404, "no such user", "user", user_id)
    form = RolesForm(data={"roles": sorted(person.roles), "active": person.active})
    if form.validate_on_submit():
        roles = set(form.roles.data or [])
        if person.id == current_user.id and "admin" not in roles:
            form.roles.errors = [_("You cannot remove your own admin role")]
        else:
            before = sorted(person.roles)
            person.set_roles(roles)
            if person.active and not form.active.data:
                end_sessions(person)
            person.active = bool(form.active.data) or person.id == current_user.id
            audit.record(
                "admin.roles_changed",
                actor_id=current_user.id,
                object_type="user",
                object_id=person.id,
                detail=f"{before} -> {sorted(roles)} active={person.active}",
            )
            db.session.commit()
            flash(_("Changes saved for %(email)s.", email=person.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/edit_user.html", form=form, person=person)
