"""Ordinarily available provision: what every setting should do, by area of need and phase."""

from flask import Blueprint, abort, render_template, request

from portal.guides import content
from portal.i18n import current_language
from portal.local_offer.taxonomy import NEEDS, PHASES
from portal.security import checks_access, public

bp = Blueprint("provision", __name__, url_prefix="/provision")


@bp.get("/")
@public
def index():
    shown = content.shown_pages("provision", current_language())
    available = {(s.page.area, s.page.phase) for s in shown}
    return render_template("provision/index.html", needs=NEEDS, phases=PHASES, available=available)


@bp.get("/<area>")
@public
@checks_access
def area(area: str):
    if area not in NEEDS:
        abort(404)
    language = current_language()
    pages = {s.page.phase: s for s in content.shown_pages("provision", language) if s.page.area == area}
    if not pages:
        abort(404)
    phase = request.args.get("phase")
    if phase not in pages:
        return render_template("provision/area.html", area=area, needs=NEEDS, phases=PHASES, pages=pages)
    shown = content.show(pages[phase].page, language)
    body, contents = content.rendered(shown.revision)
    return render_template(
        "provision/page.html", area=area, phase=phase, shown=shown, body=body, contents=contents, needs=NEEDS,
        phases=PHASES,
    )  # fmt: skip
