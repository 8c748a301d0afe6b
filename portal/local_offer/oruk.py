"""Open Referral UK 3.0: the read-only API at /api/oruk/, and mapping between ORUK JSON and our records."""

from flask import Blueprint

bp = Blueprint("oruk", __name__, url_prefix="/api/oruk")


def from_oruk(data: dict) -> dict:
    """ORUK JSON (one service, a page of services, or a list) as records in our file format."""
    raise NotImplementedError
