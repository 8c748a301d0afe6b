"""Forum editors write, review and publish guides and provision pages: /edit/guides/, /edit/provision/."""

from flask import Blueprint

bp = Blueprint("guide_editing", __name__)
