"""Property-based: whatever bytes, name and title arrive through the upload page, a file is kept only when
its content really is an allowed type matching its name, and a refusal always explains itself."""

import io
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal import filetypes, storage
from portal.extensions import db
from portal.plans.documents import PlanDocument
from portal.storage import StoredFile
from tests.pages import Page
from tests.plans.test_documents import app_config, family, post_form  # noqa: F401 - fixtures
from tests.test_filetypes import SAMPLES

NAMES = st.one_of(
    st.sampled_from([name for _data, name in SAMPLES.values()]),
    st.builds(
        lambda stem, extension: stem + extension,
        st.text(string.ascii_letters + " ._-/\\:", min_size=0, max_size=20),
        st.sampled_from([".pdf", ".docx", ".jpg", ".png", ".exe", ".html", ".svg", ""]),
    ),
)
REAL = st.sampled_from([data for data, _name in SAMPLES.values()])
SIGNATURES = {"pdf": b"%PDF-", "docx": b"PK", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG"}
CONTENT = st.one_of(
    st.binary(max_size=600),
    REAL,
    st.builds(
        lambda data, junk: data + junk, st.sampled_from([d for d, _n in SAMPLES.values()]), st.binary()
    ),
)


@pytest.fixture
def signed_in(client, sign_in, family):  # noqa: F811 - the fixture imported above
    sign_in(family.parent)
    return client, family.plan_id


def kept() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(PlanDocument.id))),
        db.session.scalar(select(func.count(StoredFile.id))),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=CONTENT, name=NAMES, title=st.text(max_size=140))
def test_uploads_are_kept_only_when_the_content_is_what_the_name_says(app, signed_in, data, name, title):
    client, plan_id = signed_in
    path = f"/plans/{plan_id}/documents/"
    with app.app_context():
        before = kept()
    response = post_form(client, path, {"file": (io.BytesIO(data), name), "title": title}, follow=False)
    with app.app_context():
        after = kept()
        newest = db.session.scalars(select(StoredFile).order_by(StoredFile.id.desc())).first()
        plaintext = storage.read_all(newest) if newest and after != before else None
    if response.status_code == 303:
        assert after == (before[0] + 1, before[1] + 1)
        assert plaintext == data
        found = filetypes.TYPES[newest.kind]
        assert newest.kind in filetypes.DOCUMENT_KINDS
        assert filetypes.extension_of(newest.original_name) in found.extensions
        assert data.startswith(
            {"pdf": b"%PDF-", "docx": b"PK", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG"}[newest.kind]
        )
        assert title.strip()
    else:
        assert response.status_code == 200
        assert after == before
        page = Page(response).check()
        assert page.error_summary(), "a refusal always says why"
