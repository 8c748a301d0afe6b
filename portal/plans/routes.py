"""Reading EHC plans: /plans/."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")
