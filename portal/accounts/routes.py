"""Sign in, register, confirm, reset, second factor, profile and password."""

import json
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit
from portal.accounts import service
from portal.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from portal.extensions import db
from portal.forms import PortalForm
from portal.security import public

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _safe_next(target: str | None) -> str:
    """Only a path on this site; anything else goes to the profile."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("accounts.profile")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    timed_out = session.pop("timed_out", False)
    if form.validate_on_submit():
        email = form.email.data
        if not service.sign_in_allowed(email):
            audit.record_now("sign_in.rate_limited", actor_label=service.normalise_email(email))
            abort(429)
        user = service.find_user(email)
        if service.check_password(user, form.password.data) and user.active:
            if user.email_confirmed_at is None:
                service.send_confirmation(user)
                audit.record("sign_in.unconfirmed", actor_id=user.id)
                db.session.commit()
                return render_template("accounts/confirm_needed.html")
            if user.is_staff:
                service.begin_second_factor(user)
                audit.record_now("sign_in.password_ok", actor_id=user.id)
                session["next"] = _safe_next(request.args.get("next"))
                if user.totp_secret:
                    return redirect(url_for("accounts.two_factor"))
                return redirect(url_for("accounts.two_factor_setup"))
            service.start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        service.count_failed_attempt(email)
        audit.record_now(
            "sign_in.failure",
            actor_id=user.id if user else None,
            actor_label=service.normalise_email(email),
        )
        form.password.errors.append(_("Enter a correct email address and password"))
        form.password.data = ""
    return render_template("accounts/login.html", form=form, timed_out=timed_out)


@bp.post("/logout")
@public
def logout():
    # Public, so that pressing "Sign out" after the session already timed out still ends up signed out.
    if current_user.is_authenticated:
        service.end_current_session(current_user)
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.login"))


def _finish_second_factor(user):
    target = session.get("next")
    service.start_session(user, second_factor=True)
    return redirect(_safe_next(target))


@bp.route("/two-factor", methods=["GET", "POST"])
@public
def two_factor():
    user = service.pending_user()
    if user is None or not user.totp_secret:
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if not service.sign_in_allowed(user.email):
            audit.record_now("two_factor.rate_limited", actor_id=user.id)
            abort(429)
        if service.verify_totp(user, user.totp_secret, form.code.data):
            return _finish_second_factor(user)
        service.count_failed_attempt(user.email)
        audit.record_now("two_factor.failure", actor_id=user.id)
        form.code.errors.append(_("Enter the current 6-digit code from your authenticator app"))
    return render_template("accounts/two_factor.html", form=form)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@public
def two_factor_setup():
    user = service.pending_user()
    if user is None or user.totp_secret:
        return redirect(url_for("accounts.login"))
    secret = session.get("new_totp_secret") or service.new_totp_secret()
    session["new_totp_secret"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        if not service.sign_in_allowed(user.email):
            audit.record_now("two_factor.rate_limited", actor_id=user.id)
            abort(429)
        if service.verify_totp(user, secret, form.code.data):
            user.totp_secret = secret
            audit.record("two_factor.enrolled", actor_id=user.id)
            db.session.commit()
            return _finish_second_factor(user)
        service.count_failed_attempt(user.email)
        form.code.errors.append(_("Enter the current 6-digit code from your authenticator app"))
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        secret=secret,
        qr=service.qr_svg(service.totp_uri(user, secret)),
    )


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        service.register(form.email.data, form.password.data, form.role.data)
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/register.html", form=form)


@bp.get("/register/check-email")
@public
def check_email():
    return render_template("accounts/check_email.html")


@bp.get("/confirm/<token>")
@public
def confirm(token: str):
    user = service.user_from_confirm_token(token)
    if user is None:
        return render_template("accounts/link_expired.html"), 404
    service.confirm(user)
    flash(_("Your email address is confirmed. You can now sign in."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/reset", methods=["GET", "POST"])
@public
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_reset(form.email.data)
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = service.user_from_reset_token(token)
    if user is None:
        return render_template("accounts/link_expired.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        service.set_password(user, form.password.data)
        if user.email_confirmed_at is None:  # the link proves they own the address
            service.confirm(user)
        flash(_("Your password has been changed. Sign in with your new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.preferred_language = form.preferred_language.data
        audit.record("account.profile_updated", actor_id=current_user.id)
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
        response = redirect(url_for("accounts.profile", lang=form.preferred_language.data))
        return response
    return render_template("accounts/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if service.check_password(current_user, form.current_password.data):
            record = service.current_session_record()
            service.set_password(current_user, form.password.data, keep_session_id=record.id)
            flash(_("Your password has been changed. You have been signed out everywhere else."), "success")
            return redirect(url_for("accounts.profile"))
        audit.record_now("account.password_change_refused", actor_id=current_user.id)
        form.current_password.errors.append(_("Your current password is not correct"))
    return render_template("accounts/change_password.html", form=form)


@bp.get("/my-data")
def my_data():
    return render_template(
        "accounts/my_data.html",
        sessions=service.live_sessions(current_user),
        activity=service.recent_activity(current_user),
        this_session=service.current_session_record(),
        end_form=PortalForm(),
    )


@bp.get("/my-data/download")
def my_data_download():
    data = service.export(current_user)
    audit.record("account.data_exported", actor_id=current_user.id)
    db.session.commit()
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-send-portal-data.json"'},
    )


@bp.post("/session/extend")
def extend_session():
    """'Stay signed in' on the timeout warning: a script gets 204; without one, back to the page."""
    if PortalForm().validate_on_submit():
        service.touch_current_session()
    if request.accept_mimetypes.best == "application/json":
        return "", 204
    return redirect(_safe_next(request.form.get("next")), 303)


@bp.post("/sessions/end-others")
def end_other_sessions():
    if PortalForm().validate_on_submit():
        service.end_sessions(current_user, except_id=service.current_session_record().id)
        audit.record("account.other_sessions_ended", actor_id=current_user.id)
        db.session.commit()
        flash(_("You have been signed out everywhere else."), "success")
    return redirect(url_for("accounts.my_data"))
