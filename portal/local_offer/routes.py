"""The Local Offer: search, service and setting pages, tailored lists, the shortlist."""

from flask import Blueprint

bp = Blueprint("local_offer", __name__, url_prefix="/local-offer")
