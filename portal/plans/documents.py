"""Plan documents: upload and download under /plans/<id>/documents/."""

from flask import Blueprint

bp = Blueprint("plan_documents", __name__, url_prefix="/plans")
