"""Reading co-produced guides: the list by topic and audience, search, one guide, feedback."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.extensions import db, limiter
from portal.guides import content
from portal.guides.forms import FeedbackForm
from portal.guides.models import GuideFeedback
from portal.i18n import current_language
from portal.security import checks_access, public

bp = Blueprint("guides", __name__, url_prefix="/guides")

TOPICS = {
    "sen-support": _l("SEN support in school"),
    "ehc-assessment": _l("EHC needs assessments"),
    "ehc-plan": _l("EHC plans"),
    "reviews": _l("Reviews"),
    "views": _l("Children's and young people's views"),
    "transfer": _l("Moving school or college"),
    "disagreements": _l("Disagreements, mediation and appeals"),
    "money": _l("Money and personal budgets"),
    "adulthood": _l("Preparing for adulthood"),
    "alternative-provision": _l("Alternative provision"),
    "transport": _l("Transport"),
}
AUDIENCES = {
    "parents": _l("Parents and carers"),
    "young-people": _l("Young people"),
    "professionals": _l("Professionals"),
}


@bp.get("/")
@public
def index():
    language = current_language()
    audience = request.args.get("audience") if request.args.get("audience") in AUDIENCES else None
    query = (request.args.get("q") or "").strip()[:200]
    found = content.search(query, language) if query else None
    guides = [
        s for s in content.shown_pages("guide", language) if not audience or audience in s.page.audience
    ]
    by_topic = [
        (label, [g for g in guides if topic in g.page.topics])
        for topic, label in TOPICS.items()
        if any(topic in g.page.topics for g in guides)
    ]
    return render_template(
        "guides/index.html",
        by_topic=by_topic,
        audiences=AUDIENCES,
        audience=audience,
        query=query,
        found=found,
    )


@bp.get("/<slug>")
@public
@checks_access
def guide(slug: str):
    page = content.guide(slug)
    shown = content.show(page, current_language()) if page else None
    if shown is None:
        abort(404)  # public content: the only check is that it is published
    return _guide_page(shown, FeedbackForm(), print_view=request.args.get("print") == "1")


def _guide_page(shown, form, print_view=False):
    body, contents = content.rendered(shown.revision)
    return render_template(
        "guides/guide.html",
        shown=shown,
        body=body,
        contents=contents,
        topics=[TOPICS[t] for t in shown.page.topics if t in TOPICS],
        form=form,
        print_view=print_view,
    )


@bp.post("/<slug>/feedback")
@public
@checks_access
@limiter.limit("20 per hour")
def feedback(slug: str):
    page = content.guide(slug)
    shown = content.show(page, current_language()) if page else None
    if shown is None:
        abort(404)
    form = FeedbackForm()
    if not form.validate_on_submit():
        return _guide_page(shown, form)
    db.session.add(
        GuideFeedback(
            page_id=page.id,
            language=current_language(),
            helpful=form.helpful.data == "yes",
            comment=(form.comment.data or "").strip(),
        )
    )
    db.session.commit()
    flash(_("Thank you for your feedback."), "success")
    return redirect(url_for("guides.guide", slug=slug) + "#feedback")
