"""Forum editors write, review and publish guides and provision pages: /edit/guides/, /edit/provision/.

The same views serve both kinds of page; each route is registered twice, with `kind` as a default, so the
addresses stay readable (/edit/guides/3/pl) and a guide's id under /edit/provision/ is simply not found.
The rules (who may approve, what supersedes what) live in workflow.py.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.guides import diff, readability, workflow
from portal.guides.editing_forms import ACTIONS, ActionForm, DecisionForm, PageForm, slugify
from portal.guides.models import ContentPage
from portal.guides.routes import AUDIENCES, TOPICS
from portal.i18n import CODES
from portal.local_offer.taxonomy import NEEDS, PHASES
from portal.markdown import render
from portal.security import checks_access, refuse, roles_required

bp = Blueprint("guide_editing", __name__)
EDITORS = ("forum_editor",)
KINDS = {"guide": "guides", "provision": "provision"}  # kind → the part of the address


def _route(rule: str, name: str, methods=("GET",)):
    """Register a view at /edit/guides<rule> and /edit/provision<rule> (endpoints guides_<name>, …)."""

    def decorator(view):
        for kind, path in KINDS.items():
            bp.add_url_rule(
                f"/edit/{path}{rule}", f"{path}_{name}", view, methods=list(methods), defaults={"kind": kind}
            )
        return view

    return decorator


def edit_url(kind: str, name: str, **values) -> str:
    return url_for(f"guide_editing.{KINDS[kind]}_{name}", **values)


@bp.app_context_processor
def _edit_url():
    return {"edit_url": edit_url}


@bp.context_processor
def _helpers():
    return {"needs": NEEDS, "phases": PHASES}


def _page(kind: str, page_id: int) -> ContentPage:
    page = workflow.page(kind, page_id)
    if page is None:
        refuse(404, "no such page", "content_page", page_id)
    return page


def _revision(page: ContentPage, revision_id: int):
    rev = workflow.revision(page, revision_id)
    if rev is None:
        refuse(404, "no such revision of this page", "content_revision", revision_id)
    return rev


# Lists.


@_route("/", "index")
@roles_required(*EDITORS)
@checks_access  # `kind` is fixed by the route, not an object id: every forum editor sees every page
def index(kind: str):
    states = workflow.states(kind)
    waiting = workflow.queue(kind)
    return render_template(
        "guides/edit/index.html",
        kind=kind,
        states=states,
        waiting=waiting,
        people=workflow.people(waiting),
        titles={s.page.id: s.title for s in states},
    )


@_route("/<int:page_id>", "page")
@roles_required(*EDITORS)
@checks_access
def page(kind: str, page_id: int):
    page = _page(kind, page_id)
    revisions = workflow.history(page)
    english, latest_english = workflow.current(revisions, "en")
    rows = []
    for code in CODES:
        published, latest = workflow.current(revisions, code)
        rows.append((code, published, latest, workflow.is_out_of_date(published or latest, english)))
    return render_template(
        "guides/edit/page.html",
        kind=kind,
        page=page,
        title=(latest_english or english or revisions[0]).title if revisions else page.slug,
        rows=rows,
        english=english,
        revisions=revisions,
        people=workflow.people(revisions),
    )


# Writing.


def _form_for(kind: str, language: str, *, new: bool) -> PageForm:
    form = PageForm() if request.method == "POST" else PageForm(formdata=None)
    if not (new and kind == "guide"):
        del form.slug
    if not (new and kind == "provision"):
        del form.area, form.phase
    if kind != "guide" or language != "en":
        del form.audience, form.topics
    return form


def _render_form(form, kind, *, page=None, language="en", latest=None, english=None, preview=False):
    values = form.values() if form.body.data is not None else None
    body = values["body"] if values else ""
    return render_template(
        "guides/edit/form.html",
        form=form,
        kind=kind,
        page=page,
        language=language,
        latest=latest,
        english=english,
        preview=render(body) if preview else None,
        report=readability.check(body, language) if body.strip() else None,
        out_of_date=workflow.is_out_of_date(latest, english),
    )


def _saved(rev, submit: bool):
    if rev is None:
        flash(_("This is the same as the published page, so nothing was saved."), "info")
        return
    if submit:
        flash(_("Sent for review. Another forum editor must approve it before it is published."), "success")
    else:
        flash(_("Draft saved. Nobody else can see it until it is approved."), "success")


@_route("/new", "create", methods=("GET", "POST"))
@roles_required(*EDITORS)
@checks_access  # as index: `kind` comes from the route
def create(kind: str):
    form = _form_for(kind, "en", new=True)
    action = request.form.get("action")
    if request.method == "POST" and action in ACTIONS:
        valid = form.validate()
        slug = ""
        if valid and kind == "guide":
            slug = (form.slug.data or "").strip() or slugify(form.title.data)
            if _slug_taken(kind, slug):
                form.slug.errors.append(_("There is already a guide at this web address. Choose another."))
                valid = False
        if valid and kind == "provision":
            slug = f"{form.area.data}/{form.phase.data}"
            if _slug_taken(kind, slug):
                form.area.errors.append(_("There is already a page for this area of need and phase."))
                valid = False
        if valid and action != "preview":
            values = form.values()
            area, phase = (form.area.data, form.phase.data) if kind == "provision" else (None, None)
            try:
                page = workflow.create_page(kind, slug, area=area, phase=phase, meta=values.get("meta"))
                rev = workflow.save(page, "en", values, current_user.id, submit=action == "submit")
                db.session.commit()
            except IntegrityError:  # someone made a page at this address a moment ago
                db.session.rollback()
                field = form.slug if kind == "guide" else form.area
                field.errors.append(_("Someone has just made a page at this address. Choose another."))
                return _render_form(form, kind)
            _saved(rev, action == "submit")
            return redirect(edit_url(kind, "revision", page_id=page.id, revision_id=rev.id))
        return _render_form(form, kind, preview=action == "preview")
    return _render_form(form, kind)


def _slug_taken(kind: str, slug: str) -> bool:
    return (
        db.session.scalar(select(ContentPage.id).where(ContentPage.kind == kind, ContentPage.slug == slug))
        is not None
    )


@_route("/<int:page_id>/<language>", "edit", methods=("GET", "POST"))
@roles_required(*EDITORS)
@checks_access
def edit(kind: str, page_id: int, language: str):
    page = _page(kind, page_id)
    if language not in CODES:
        refuse(404, "no such language", "content_page", page_id)
    revisions = workflow.history(page)
    english = workflow.current(revisions, "en")[0]
    latest = workflow.current(revisions, language)[1]
    if language != "en" and english is None:
        flash(_("Publish the English page before translating it."), "info")
        return redirect(edit_url(kind, "page", page_id=page.id))
    form = _form_for(kind, language, new=False)
    if request.method == "GET":
        start = latest or english  # a new translation starts from the current English
        form.title.data, form.summary.data = start.title, start.summary
        form.body.data, form.co_produced_with.data = start.body, start.co_produced_with
        if "audience" in form:
            meta = workflow.meta_of(latest, page)
            form.audience.data, form.topics.data = meta["audience"], meta["topics"]
        form.base_id.data = str(latest.id) if latest else ""
        form.source_id.data = str(english.id) if english and language != "en" else ""
    action = request.form.get("action")
    if request.method == "POST" and action in ACTIONS:
        valid = form.validate()
        if valid and form.base_id.data != (str(latest.id) if latest else ""):
            form.body.errors.append(
                _("Someone saved a newer version of this page while you were editing. Copy your changes, "
                  "then open the page again.")
            )  # fmt: skip
            valid = False
        if valid and action != "preview":
            rev = workflow.save(
                page,
                language,
                form.values(),
                current_user.id,
                submit=action == "submit",
                source_id=_source(revisions, form, latest, language),
            )
            db.session.commit()
            _saved(rev, action == "submit")
            if rev is None:
                return redirect(edit_url(kind, "page", page_id=page.id))
            return redirect(edit_url(kind, "revision", page_id=page.id, revision_id=rev.id))
        return _render_form(
            form, kind, page=page, language=language, latest=latest, english=english,
            preview=action == "preview",
        )  # fmt: skip
    return _render_form(form, kind, page=page, language=language, latest=latest, english=english)


def _source(revisions, form, latest, language) -> int | None:
    """The English revision a translation is from: the one on screen when the editor started a new
    translation or said it now matches the English; otherwise the one it was already from."""
    if language == "en":
        return None
    english_ids = {r.id for r in revisions if r.language == "en"}
    shown = int(form.source_id.data) if (form.source_id.data or "").isdigit() else None
    if latest is None or request.form.get("matches_english") == "yes":
        return shown if shown in english_ids else None
    return latest.source_revision_id


# Reviewing.


@_route("/<int:page_id>/revisions/<int:revision_id>", "revision", methods=("GET", "POST"))
@roles_required(*EDITORS)
@checks_access
def revision(kind: str, page_id: int, revision_id: int):
    page = _page(kind, page_id)
    rev = _revision(page, revision_id)
    form = DecisionForm()
    own = rev.author_id == current_user.id
    if request.method == "POST":
        if own:
            refuse(403, "the author cannot review their own revision", "content_revision", rev.id)
        if rev.status != "in_review":
            flash(_("This revision is no longer waiting for review."), "info")
            return redirect(edit_url(kind, "revision", page_id=page.id, revision_id=rev.id))
        if form.validate():
            approve = form.decision.data == "approve"
            try:
                workflow.decide(rev, current_user.id, approve, (form.comment.data or "").strip())
            except workflow.NotAllowed:
                flash(_("This revision is no longer waiting for review."), "info")
                return redirect(edit_url(kind, "revision", page_id=page.id, revision_id=rev.id))
            db.session.commit()
            flash(_("Approved and published.") if approve else _("Sent back to the author."), "success")
            return redirect(edit_url(kind, "index"))
    english = workflow.english_source(page)
    return render_template(
        "guides/edit/revision.html",
        form=form,
        action_form=ActionForm(),
        kind=kind,
        page=page,
        rev=rev,
        own=own,
        body=render(rev.body),
        report=readability.check(rev.body, rev.language),
        english=english,
        out_of_date=workflow.is_out_of_date(rev, english),
        people=workflow.people([rev]),
    )


@_route("/<int:page_id>/revisions/<int:revision_id>/submit", "submit", methods=("POST",))
@roles_required(*EDITORS)
@checks_access
def submit(kind: str, page_id: int, revision_id: int):
    page = _page(kind, page_id)
    rev = _revision(page, revision_id)
    if ActionForm().validate():
        try:
            workflow.send_for_review(rev, current_user.id)
        except workflow.NotAllowed:
            refuse(403, "only the author can send their draft for review", "content_revision", rev.id)
        db.session.commit()
        flash(_("Sent for review. Another forum editor must approve it before it is published."), "success")
    return redirect(edit_url(kind, "revision", page_id=page.id, revision_id=rev.id))


@_route("/<int:page_id>/revisions/<int:revision_id>/restore", "restore", methods=("POST",))
@roles_required(*EDITORS)
@checks_access
def restore(kind: str, page_id: int, revision_id: int):
    page = _page(kind, page_id)
    rev = _revision(page, revision_id)
    if not ActionForm().validate():
        return redirect(edit_url(kind, "revision", page_id=page.id, revision_id=rev.id))
    draft = workflow.restore(rev, current_user.id)
    db.session.commit()
    flash(_("Revision %(number)s copied as a new draft. Check it, then send it for review.", number=rev.id),
          "success")  # fmt: skip
    return redirect(edit_url(kind, "revision", page_id=page.id, revision_id=draft.id))


@_route("/<int:page_id>/revisions/<int:revision_id>/changes", "changes")
@roles_required(*EDITORS)
@checks_access
def changes(kind: str, page_id: int, revision_id: int):
    page = _page(kind, page_id)
    rev = _revision(page, revision_id)
    against = request.args.get("against", "")
    before = workflow.revision(page, int(against)) if against.isdigit() else workflow.previous(rev)
    hunks, fields = [], []
    if before is not None:
        hunks = diff.lines(before.body, rev.body)
        fields = diff.fields(_summary(before), _summary(rev), _labels())
    return render_template(
        "guides/edit/changes.html",
        kind=kind,
        page=page,
        rev=rev,
        before=before,
        hunks=hunks,
        fields=fields,
        people=workflow.people([rev] + ([before] if before else [])),
    )


def _labels() -> dict[str, str]:
    return {
        "title": _("Title"),
        "summary": _("Summary"),
        "co_produced_with": _("Written with"),
        "audience": _("Who is it for?"),
        "topics": _("Topics"),
    }


def _summary(rev) -> dict[str, str]:
    meta = workflow.meta_of(rev, rev.page) if rev.page.kind == "guide" and rev.language == "en" else {}
    return {
        "title": rev.title,
        "summary": rev.summary,
        "co_produced_with": rev.co_produced_with,
        "audience": ", ".join(str(AUDIENCES.get(a, a)) for a in meta.get("audience", [])),
        "topics": ", ".join(str(TOPICS.get(t, t)) for t in meta.get("topics", [])),
    }
