"""Reading EHC plans: /plans/."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")

from portal.plans import access, models  # noqa: E402,F401  (models registered with the metadata)
