"""Keeping listings true: service editors propose changes, the council approves; the public reports errors."""

from flask import Blueprint

bp = Blueprint("listing_editing", __name__)
