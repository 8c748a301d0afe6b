"""Demo data: a revision of a guide written by editor@example.org, waiting for editor2@example.org to review.

Idempotent: called by `flask demo` after content/ is imported; once editor@ has a revision of the guide
(whatever became of it) nothing more is added.
"""

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.guides import workflow
from portal.guides.models import ContentPage, ContentRevision

SLUG = "annual-reviews"
AUTHOR = "editor@example.org"
ADDED = """
## If you cannot go to the meeting

Tell the school as soon as you can. You can ask for a different date or time, or join by phone or video
call. You can also send your views in writing before the meeting, and ask for them to be read out.
"""


def seed() -> None:
    """Add the demo revision waiting for review, if it is not there yet."""
    author = db.session.scalar(select(User).where(User.email == AUTHOR))
    page = db.session.scalar(select(ContentPage).where(ContentPage.kind == "guide", ContentPage.slug == SLUG))
    if author is None or page is None:
        return
    already = db.session.scalar(
        select(ContentRevision.id).where(
            ContentRevision.page_id == page.id, ContentRevision.author_id == author.id
        )
    )
    english = workflow.english_source(page)
    if already is not None or english is None:
        return
    values = {name: getattr(english, name) for name in workflow.TEXT_FIELDS}
    marker = "## After the meeting"
    body = english.body
    values["body"] = (
        body.replace(marker, ADDED.strip() + "\n\n" + marker, 1)
        if marker in body
        else body.rstrip() + "\n" + ADDED
    )
    values["meta"] = workflow.meta_of(english, page)
    workflow.save(page, "en", values, author.id, submit=True)
    db.session.commit()
