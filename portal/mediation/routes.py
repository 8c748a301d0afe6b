"""Mediation for families: /mediation/."""

from flask import Blueprint

bp = Blueprint("mediation", __name__, url_prefix="/mediation")
