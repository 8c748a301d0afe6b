"""A corpus of known cross-site scripting shapes through the one markdown renderer and a published page."""

import itertools
from datetime import date

from bs4 import BeautifulSoup

from portal.guides import content
from portal.markdown import render

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
