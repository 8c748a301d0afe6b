"""Account rules: passwords, tokens, rate limits, sessions and the second factor."""

import hashlib
import io
from datetime import timedelta

import pyotp
import qrcode
import qrcode.image.svg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from limits import parse
from markupsafe import Markup
from sqlalchemy import select, update

from portal import audit, outbox
from portal.accounts.models import User, UserSession
from portal.extensions import db, limiter
from portal.timeutil import utcnow

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this keeps a sign-in for an unknown email as slow as one for a known email.
_DUMMY_HASH = _hasher.hash("not a real password")

CONFIRM_MAX_AGE = timedelta(days=7)
RESET_MAX_AGE = timedelta(hours=1)
PENDING_SECOND_FACTOR_MAX_AGE = timedelta(minutes=5)
TOTP_ISSUER = "SEND family portal"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password(user: User | None, password: str) -> bool:
    """True when the password matches; takes the same time whether or not the user exists."""
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


# Rate limits on failed attempts, per account and per address. Only failures count.


def _limit_keys(email: str) -> list[tuple[str, str, str]]:
    account = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
    config = current_app.config
    return [
        (config["RATELIMIT_SIGN_IN_ACCOUNT"], "sign-in-account", account),
        (config["RATELIMIT_SIGN_IN_ADDRESS"], "sign-in-address", request.remote_addr or "unknown"),
    ]


def sign_in_allowed(email: str) -> bool:
    return all(limiter.limiter.test(parse(rate), scope, key) for rate, scope, key in _limit_keys(email))


def count_failed_attempt(email: str) -> None:
    for rate, scope, key in _limit_keys(email):
        limiter.limiter.hit(parse(rate), scope, key)


# Signed tokens for emailed links.


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal-{purpose}")


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password changes, so a reset link works once.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_confirm_token(user: User) -> str:
    return _serializer("confirm").dumps({"user": user.id, "email": user.email})


def user_from_confirm_token(token: str) -> User | None:
    try:
        data = _serializer("confirm").loads(token, max_age=CONFIRM_MAX_AGE.total_seconds())
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("user"))
    return user if user and user.email == data.get("email") else None


def make_reset_token(user: User) -> str:
    return _serializer("reset").dumps({"user": user.id, "pw": _password_fingerprint(user)})


def user_from_reset_token(token: str) -> User | None:
    try:
        data = _serializer("reset").loads(token, max_age=RESET_MAX_AGE.total_seconds())
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("user"))
    return user if user and user.active and _password_fingerprint(user) == data.get("pw") else None


def _link(endpoint: str, **values) -> str:
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _email_locale(user: User | None) -> str:
    from portal.i18n import current_language

    return (user and user.preferred_language) or current_language()


# Registration and confirmation.


def register(email: str, password: str, role: str) -> None:
    """Create an unconfirmed account and email a confirmation link.

    If the email is already registered, nothing is created and the owner is told by email instead,
    so the page never reveals whether an address has an account.
    """
    existing = find_user(email)
    if existing:
        with force_locale(_email_locale(existing)):
            outbox.queue(
                existing.email,
                _("Someone tried to register with your email address"),
                _(
                    "Someone tried to create an account on the SEND family portal with this email "
                    "address, which already has an account.\n\nIf it was you, sign in here: %(link)s\n"
                    "If you have forgotten your password, reset it here: %(reset)s\n\n"
                    "If it was not you, you do not need to do anything.",
                    link=_link("accounts.login"),
                    reset=_link("accounts.reset_request"),
                ),
            )
        audit.record("account.register_existing", actor_id=existing.id)
        db.session.commit()
        return
    user = User(email=normalise_email(email), password_hash=hash_password(password))
    user.preferred_language = _email_locale(None)
    user.set_roles({role})
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    audit.record("account.register", actor_id=user.id, detail=f"role={role}")
    db.session.commit()


def send_confirmation(user: User) -> None:
    with force_locale(_email_locale(user)):
        outbox.queue(
            user.email,
            _("Confirm your email address"),
            _(
                "Confirm your email address to finish creating your SEND family portal account:\n\n"
                "%(link)s\n\nThe link works for 7 days. "
                "If you did not ask for an account, ignore this email.",
                link=_link("accounts.confirm", token=make_confirm_token(user)),
            ),
        )


def confirm(user: User) -> None:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record("account.confirm", actor_id=user.id)
    db.session.commit()


# Passwords.


def request_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = find_user(email)
    if user and user.active:
        with force_locale(_email_locale(user)):
            outbox.queue(
                user.email,
                _("Reset your password"),
                _(
                    "Someone asked to reset the password for your SEND family portal account.\n\n"
                    "Choose a new password here: %(link)s\n\nThe link works once, for 1 hour. "
                    "If you did not ask, ignore this email: your password has not changed.",
                    link=_link("accounts.reset_password", token=make_reset_token(user)),
                ),
            )
        audit.record("account.reset_requested", actor_id=user.id)
    else:
        audit.record("account.reset_requested_unknown", actor_label=normalise_email(email))
    db.session.commit()


def set_password(user: User, password: str, *, keep_session_id: int | None = None) -> None:
    """Change the password, end every other session, and tell the person by email."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_sessions(user, except_id=keep_session_id)
    with force_locale(_email_locale(user)):
        outbox.queue(
            user.email,
            _("Your password has changed"),
            _(
                "The password for your SEND family portal account has just changed, and any other "
                "signed-in sessions have been signed out.\n\nIf you did not do this, reset your password "
                "now: %(link)s",
                link=_link("accounts.reset_request"),
            ),
        )
    audit.record("account.password_changed", actor_id=user.id)
    db.session.commit()


# Sessions.


def start_session(user: User, *, second_factor: bool = False) -> None:
    """Sign in with a brand-new session: nothing from before sign-in is carried over."""
    session.clear()
    token, token_hash = UserSession.new_token()
    db.session.add(
        UserSession(
            token_hash=token_hash,
            user_id=user.id,
            second_factor=second_factor,
            ip=(request.remote_addr or "")[:64] or None,
            user_agent=(request.user_agent.string or "")[:200] or None,
        )
    )
    audit.record("sign_in.success", actor_id=user.id)
    db.session.commit()
    session["sid"] = token
    session.permanent = True
    login_user(user)


def current_session_record() -> UserSession | None:
    """This request's server-side session row (looked up once per request)."""
    token = session.get("sid")
    if not token:
        return None
    cached = g.get("session_record")
    if cached is not None and cached[0] == token:
        return cached[1]
    record = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == UserSession.hash_token(token))
    )
    if record is not None:
        g.session_record = (token, record)
    return record


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user only while their server-side session is live."""
    record = current_session_record()
    if record is None or str(record.user_id) != user_id or record.ended_at is not None:
        return None
    now = utcnow()
    config = current_app.config
    if (
        now - record.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
        or now - record.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]
    ):
        record.ended_at = now
        audit.record("session.timeout", actor_id=record.user_id)
        db.session.commit()
        session.pop("sid", None)
        session["timed_out"] = True
        return None
    user = db.session.get(User, record.user_id)
    if user is None or not user.active or (user.is_staff and not record.second_factor):
        return None
    # Touch at most once a minute: no write on every request.
    if now - record.last_seen_at > timedelta(minutes=1):
        record.last_seen_at = now
        db.session.commit()
    return user


def touch_current_session() -> None:
    """'Stay signed in': restart the idle clock now (ordinary requests touch it at most once a minute)."""
    record = current_session_record()
    if record is not None and record.ended_at is None:
        record.last_seen_at = utcnow()
        db.session.commit()


def session_seconds_left() -> int | None:
    """Seconds until the current session ends by itself (idle or absolute limit), or None if signed out."""
    record = current_session_record()
    if record is None or record.ended_at is not None:
        return None
    config = current_app.config
    now = utcnow()
    ends = min(
        record.last_seen_at + config["SESSION_IDLE_TIMEOUT"],
        record.created_at + config["SESSION_ABSOLUTE_TIMEOUT"],
    )
    return max(0, int((ends - now).total_seconds()))


def end_current_session(user: User) -> None:
    record = current_session_record()
    if record and record.ended_at is None:
        record.ended_at = utcnow()
    audit.record("sign_out", actor_id=user.id)
    db.session.commit()
    logout_user()
    session.clear()


def end_sessions(user: User, *, except_id: int | None = None) -> None:
    statement = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if except_id is not None:
        statement = statement.where(UserSession.id != except_id)
    db.session.execute(statement.values(ended_at=utcnow()))


# Second factor (TOTP) for staff roles.


def begin_second_factor(user: User) -> None:
    session["pending_user"] = user.id
    session["pending_at"] = utcnow().timestamp()


def pending_user() -> User | None:
    user_id = session.get("pending_user")
    started = session.get("pending_at", 0)
    if not user_id or utcnow().timestamp() - started > PENDING_SECOND_FACTOR_MAX_AGE.total_seconds():
        return None
    return db.session.get(User, user_id)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def qr_svg(data: str) -> Markup:
    """A QR code as inline SVG markup (made by us from our own data, so it is safe to insert)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


def verify_totp(user: User, secret: str, code: str) -> bool:
    """Check a 6-digit code (one step of clock drift either way); a code is accepted only once."""
    code = code.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(secret)
    now = utcnow().timestamp()
    for drift in (-1, 0, 1):
        step = int(now // totp.interval) + drift
        if totp.at(step * totp.interval) == code:
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


# The person's own data.

ACTIVITY_LIMIT = 50


def live_sessions(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.last_seen_at.desc())
        )
    )


def recent_activity(user: User) -> list[audit.AuditEvent]:
    return list(
        db.session.scalars(
            select(audit.AuditEvent)
            .where(audit.AuditEvent.actor_id == user.id)
            .order_by(audit.AuditEvent.id.desc())
            .limit(ACTIVITY_LIMIT)
        )
    )


def export(user: User) -> dict:
    """Everything the portal holds about this person's account, for their own download."""
    from portal.local_offer.models import ShortlistItem

    return {
        "account": {
            "email": user.email,
            "roles": sorted(user.roles),
            "preferred_language": user.preferred_language,
            "created_at": user.created_at.isoformat(),
            "email_confirmed_at": user.email_confirmed_at.isoformat() if user.email_confirmed_at else None,
            "password_changed_at": user.password_changed_at.isoformat(),
            "second_factor_set_up": user.totp_secret is not None,
        },
        "sessions": [
            {
                "started": s.created_at.isoformat(),
                "last_seen": s.last_seen_at.isoformat(),
                "ended": s.ended_at.isoformat() if s.ended_at else None,
                "ip": s.ip,
                "browser": s.user_agent,
            }
            for s in db.session.scalars(
                select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
            )
        ],
        "shortlist": [
            {
                "listing": item.service.name,
                "listing_id": item.service_id,
                "note": item.note,
                "saved": item.created_at.isoformat(),
            }
            for item in db.session.scalars(
                select(ShortlistItem).where(ShortlistItem.user_id == user.id).order_by(ShortlistItem.id)
            )
        ],
        "activity": [
            {"at": e.at.isoformat(), "action": e.action, "ip": e.ip, "detail": e.detail}
            for e in db.session.scalars(
                select(audit.AuditEvent)
                .where(audit.AuditEvent.actor_id == user.id)
                .order_by(audit.AuditEvent.id)
            )
        ],
    }
