"""Mediation for mediators: /mediator/."""

from flask import Blueprint

bp = Blueprint("mediator", __name__, url_prefix="/mediator")
