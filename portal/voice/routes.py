"""Giving views, one question per page: /my-views/."""

from flask import Blueprint

bp = Blueprint("voice", __name__, url_prefix="/my-views")
