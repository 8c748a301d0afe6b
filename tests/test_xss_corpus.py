"""A corpus of known cross-site scripting shapes through the one markdown renderer, a published page, and
the forum editors' preview, review, changes and publishing pages."""

import itertools
from datetime import date

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.guides import content
from portal.markdown import render
from tests.pages import Client, Page

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href=JaVaScRiPt:alert(1)>x</a>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<a href=data:text/html,<script>alert(1)</script>>x</a>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>*{background:red}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<base href=//evil.example/>",
    "<p onclick=alert(1)>x</p>",
    "<strong onmouseover=alert(1)>x</strong>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](x.png)',
    '[x](https://example.org "title" onclick=alert(1))',
    '<https://example.org/"onmouseover="alert(1)>',
    "[x]: javascript:alert(1)\n\n[x]",
    "<javascript:alert(1)>",
]
WRAPPERS = [
    "{}",
    "## {}",
    "- {}",
    "> {}",
    "Text before {} and after.",
    "| a | b |\n|---|---|\n| {} | c |",
    "**{}**",
]
CORPUS = [wrapper.format(payload) for payload, wrapper in itertools.product(PAYLOADS, WRAPPERS)]
DANGEROUS_TAGS = set(
    [
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "img",
        "form",
        "input",
        "link",
        "meta",
        "base",
        "video",
        "source",
        "body",
    ]
)


def assert_inert(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name not in DANGEROUS_TAGS, f"{where}: <{tag.name}>"
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), f"{where}: {name}"
            assert name.lower() != "style", where
            if name in ("href", "src", "action"):
                assert (
                    str(value).strip().lower().startswith(("http:", "https:", "mailto:", "tel:", "/", "#"))
                ), f"{where}: {name}={value!r}"


def test_the_corpus_is_big():
    assert len(CORPUS) >= 100


def test_every_vector_is_inert_when_rendered():
    for vector in CORPUS:
        assert_inert(render(vector), repr(vector))


def test_every_vector_is_inert_on_a_published_guide(app, client, tmp_path):
    body = "\n\n".join(f"## Case {n}\n\n{vector}" for n, vector in enumerate(CORPUS))
    front = {"title": "Corpus", "summary": "Test", "audience": ["parents"], "topics": ["views"],
             "reviewed": date(2026, 1, 1), "co_produced_with": "Tests"}  # fmt: skip
    (tmp_path / "guides" / "corpus").mkdir(parents=True)
    (tmp_path / "guides" / "corpus" / "en.md").write_text(content.dump(front, body), encoding="utf-8")
    with app.app_context():
        content.import_content(tmp_path)
    page = client.get("/guides/corpus")
    body = page.soup.select_one("main .portal-content")
    assert body is not None and body.find("h2")
    assert_inert(str(body), "published guide")
    assert "alert(1)" in body.get_text()  # shown as text, not run


# What forum editors write: the same corpus through the editor's preview, the reviewer's pages and the page
# the workflow publishes.


def _editors(make_user):
    return (
        make_user("editor@example.org", roles=("forum_editor",)),
        make_user("editor2@example.org", roles=("forum_editor",)),
    )


def _draft(client, body: str, action: str) -> Page:
    values = {"title": "Corpus <script>alert(1)</script>", "summary": "<img src=x onerror=alert(1)>",
              "audience": ["parents"], "topics": ["views"], "body": body, "action": action}  # fmt: skip
    return client.submit("/edit/guides/new", values)


def _inert_parts(page: Page, where: str) -> None:
    parts = page.soup.select("main .portal-content, main .govuk-summary-card, main ins, main del, main dl")
    assert parts, where
    for part in parts:
        assert_inert(str(part), where)


def test_every_vector_is_inert_in_the_editor_preview(app, client, make_user, sign_in):
    sign_in(_editors(make_user)[0])
    body = "\n\n".join(f"## Case {n}\n\n{vector}" for n, vector in enumerate(CORPUS))
    page = _draft(client, body, "preview")
    preview = page.soup.select_one("main .portal-content")
    assert preview is not None and preview.find("h2")
    assert "alert(1)" in preview.get_text()
    _inert_parts(page, "editor preview")


def test_every_vector_is_inert_for_the_reviewer_and_once_published(app, client, make_user, sign_in):
    editor, reviewer = _editors(make_user)
    sign_in(editor)
    body = "\n\n".join(f"## Case {n}\n\n{vector}" for n, vector in enumerate(CORPUS))
    first = _draft(client, "A first draft, so the corpus shows as a change.", "save").response.request.path
    page_path = first.split("/revisions/")[0]
    values = {"title": "Corpus <script>alert(1)</script>", "summary": "<img src=x onerror=alert(1)>",
              "audience": ["parents"], "topics": ["views"], "body": body, "action": "submit",
              "base_id": first.rsplit("/", 1)[1]}  # fmt: skip
    revision_path = client.submit(f"{page_path}/en", values).response.request.path
    assert "/revisions/" in revision_path and revision_path != first
    second = Client(app.test_client())
    sign_in(reviewer, client=second)
    _inert_parts(second.get(revision_path), "reviewer's revision page")
    _inert_parts(second.get(revision_path + "/changes"), "changes page")
    second.submit(revision_path, {"decision": "approve"})
    published = second.get("/guides/corpus-script-alert-1-script")
    content_part = published.soup.select_one("main .portal-content")
    assert content_part is not None and content_part.find("h2")
    assert_inert(str(content_part), "page published by the workflow")
    assert published.h1 == "Corpus <script>alert(1)</script>"  # the title is text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(st.sampled_from(PAYLOADS + WRAPPERS), st.text(max_size=40)),
        min_size=1,
        max_size=8,
    ).map("".join)
)
def test_any_text_is_inert_in_the_editor_preview(editor_client, text):
    page = _draft(editor_client, text or "x", "preview")
    for part in page.soup.select("main .portal-content, main .govuk-summary-card"):
        assert_inert(str(part), repr(text))


@pytest.fixture
def editor_client(app, client, make_user, sign_in):
    sign_in(_editors(make_user)[0])
    return client
