"""Every .po is complete: no untranslated or fuzzy entries, placeholders kept, marked machine-made."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["ur", "pl", "pa", "ro"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(code):
    with open(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=code)


def template_ids():
    with open(ROOT / "translations" / "messages.pot", "rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalog_is_complete(code):
    messages = [m for m in catalog(code) if m.id]
    assert messages
    for message in messages:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{code}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{code}: fuzzy {message.id!r}"
        source = message.id if isinstance(message.id, str) else message.id[0]
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(source)) or (
                isinstance(message.id, tuple)
            ), f"{code}: placeholders differ in {message.id!r}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalog_matches_the_template(code):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(code) if m.id}
    assert ids == template_ids(), "run `make translations` and translate the new strings"


@pytest.mark.parametrize("code", LANGUAGES)
def test_header_says_machine_made(code):
    text = (ROOT / "translations" / code / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "machine" in text.split("msgid", 1)[0].lower() or "Machine translation" in text


def test_every_marked_string_is_in_the_template():
    """The .pot is up to date with the code (so nothing shows in English by accident)."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "check.pot"
        subprocess.run(
            [Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg", "-k", "_l",
             "-o", str(out), "--no-location", "."],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        with open(out, "rb") as handle:
            current = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert current == template_ids(), "run `make translations`"
