"""The Local Offer: search, service and setting pages, tailored lists, the shortlist."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.i18n import current_language
from portal.local_offer import service as listings
from portal.local_offer.forms import AddToShortlistForm, NoteForm, RemoveForm
from portal.local_offer.search import search
from portal.local_offer.taxonomy import AGE_BANDS, NEEDS, TAXONOMIES, TAXONOMY_NAMES
from portal.security import checks_access, public, refuse

bp = Blueprint("local_offer", __name__, url_prefix="/local-offer")


@bp.app_template_global()
def filter_label(taxonomy: str, term: str) -> str:
    """A taxonomy term's label in the current language (areas by their name)."""
    if taxonomy == "area":
        return listings.areas().get(term, term)
    return str(TAXONOMIES.get(taxonomy, {}).get(term, term))


def _results_page(kind: str, template: str):
    area_names = listings.areas()
    query = listings.query_from_args(request.args, kind, area_names)
    results = search(query)
    names = listings.SERVICE_FILTERS if kind == "service" else listings.SETTING_FILTERS
    context = {
        "query": query,
        "results": results,
        "filters": [(name, TAXONOMY_NAMES[name], listings.filter_labels(name, area_names)) for name in names],
        "age_bands": {key: str(label) for key, (_low, _high, label) in AGE_BANDS.items()},
        "chosen": listings.chosen_filters(query, area_names, request.args),
        "language": current_language(),
        "localised": listings.localised,
        "saved": listings.shortlisted_ids(current_user.id) if current_user.is_authenticated else set(),
        "area_names": area_names,
    }
    # htmx asks for the results only; a history restore asks for the whole page.
    if request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request"):
        return render_template("local_offer/_results.html", **context)
    return render_template(template, **context)


@bp.get("/")
@public
def index():
    return _results_page("service", "local_offer/index.html")


@bp.get("/services/<service_id>")
@public
@checks_access
def service(service_id: str):
    listing = listings.load_listing(service_id)
    if listing is None:
        abort(404)  # public listings: the only check is that it exists
    return render_template(
        "local_offer/service.html",
        listing=listing,
        text=listings.localised(listing, current_language()),
        stale=listings.is_stale(listing),
        rows=listings.listing_rows(listing, listings.areas()),
        saved=current_user.is_authenticated and listing.id in listings.shortlisted_ids(current_user.id),
    )


@bp.get("/settings/")
@public
def settings():
    area_names = listings.areas()
    needs = [n for n in request.args.getlist("need") if n in NEEDS]
    area = request.args.get("area") if request.args.get("area") in area_names else None
    age_text = (request.args.get("age") or "").strip()
    age, error = None, None
    if age_text:
        if age_text.isdigit() and 0 <= int(age_text) <= 25:
            age = int(age_text)
        else:
            error = _("Enter an age between 0 and 25, in years")
    asked = bool(needs or area or age is not None)
    entries = listings.tailored_settings(needs, age, area, area_names) if asked and not error else []
    return render_template(
        "local_offer/settings.html",
        needs=needs,
        area=area,
        age_text=age_text,
        error=error,
        page_error=error,
        asked=asked,
        entries=entries,
        area_names=area_names,
        all_needs={k: str(v) for k, v in NEEDS.items()},
        language=current_language(),
        localised=listings.localised,
        facts=listings.setting_facts,
    )


@bp.get("/shortlist/")
def shortlist():
    return render_template(
        "local_offer/shortlist.html",
        items=listings.shortlist(current_user.id),
        language=current_language(),
        localised=listings.localised,
    )


@bp.get("/shortlist/print")
def shortlist_print():
    return render_template(
        "local_offer/shortlist_print.html",
        items=listings.shortlist(current_user.id),
        language=current_language(),
        localised=listings.localised,
    )


@bp.get("/shortlist/download")
def shortlist_download():
    body = listings.shortlist_csv(listings.shortlist(current_user.id))
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="my-local-offer-shortlist.csv"'},
    )


@bp.post("/shortlist/add")
def shortlist_add():
    form = AddToShortlistForm()
    if not form.validate_on_submit() or not listings.add_to_shortlist(current_user.id, form.service_id.data):
        abort(404)
    flash(_("Saved to your shortlist."), "success")
    return redirect(url_for("local_offer.service", service_id=form.service_id.data))


def _own_item(item_id: int):
    item = listings.shortlist_item(current_user.id, item_id)
    if item is None:
        refuse(404, "shortlist item", "shortlist_item", item_id)
    return item


@bp.route("/shortlist/<int:item_id>", methods=["GET", "POST"])
@checks_access
def shortlist_note(item_id: int):
    item = _own_item(item_id)
    form = NoteForm(obj=item)
    if form.validate_on_submit():
        item.note = (form.note.data or "").strip()
        db.session.commit()
        flash(_("Your note has been saved."), "success")
        return redirect(url_for("local_offer.shortlist"))
    return render_template(
        "local_offer/shortlist_note.html",
        item=item,
        form=form,
        text=listings.localised(item.service, current_language()),
    )


@bp.post("/shortlist/<int:item_id>/remove")
@checks_access
def shortlist_remove(item_id: int):
    item = _own_item(item_id)
    if RemoveForm().validate_on_submit():
        db.session.delete(item)
        db.session.commit()
        flash(_("Removed from your shortlist."), "success")
    return redirect(url_for("local_offer.shortlist"))
