"""File types are decided by content: each accepted type, every kind of refusal, and random bytes."""

import io
import struct
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portal import filetypes
from portal.filetypes import DOCUMENT_KINDS, TYPES, VIEW_KINDS, UploadRefused, identify, safe_name, sniff

ALL_KINDS = tuple(TYPES)


# Small, real examples of every type we accept.


def png(width=1, height=1) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    header = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return header + b"\x00" * 64 + b"\xff\xd9"


def pdf(text: str = "Hello", padding: int = 0) -> bytes:
    body = f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n".encode()
    return body + b"%" + b"x" * padding + b"\n%%EOF\n"


def docx(extra: dict[str, bytes] | None = None, content_types: bytes | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            content_types
            or b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", b"<Relationships/>")
        archive.writestr("word/document.xml", b"<w:document><w:body>Report</w:body></w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def mp3() -> bytes:
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 413


def mp3_without_tag() -> bytes:
    frame = b"\xff\xfb\x90\x00" + b"\x00" * (417 - 4)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417 bytes
    return frame * 3


def ftyp(brand: bytes, compatible=(b"isom",)) -> bytes:
    box = b"ftyp" + brand + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", len(box) + 4) + box + b"\x00\x00\x00\x08free" + b"\x00" * 32


def wav() -> bytes:
    return b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x10\x00\x00\x00\x01\x00\x01\x00" + b"\x00" * 24


def ogg() -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 40


def ebml(doc_type: bytes) -> bytes:
    body = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doc_type)]) + doc_type
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67" + b"\x00" * 32


SAMPLES = {
    "pdf": (pdf(), "report.pdf"),
    "docx": (docx(), "advice.docx"),
    "jpeg": (jpeg(), "photo.jpg"),
    "png": (png(), "scan.png"),
    "mp3": (mp3(), "song.mp3"),
    "m4a": (ftyp(b"M4A ", (b"M4A ", b"mp42")), "voice.m4a"),
    "wav": (wav(), "voice.wav"),
    "ogg": (ogg(), "voice.ogg"),
    "mp4": (ftyp(b"mp42"), "clip.mp4"),
    "mov": (ftyp(b"qt  ", (b"qt  ",)), "clip.mov"),
    "webm": (ebml(b"webm"), "clip.webm"),
    "mkv": (ebml(b"matroska"), "clip.mkv"),
}


def check(data: bytes, name: str, kinds=ALL_KINDS):
    return identify(io.BytesIO(data), name, kinds)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_type_is_recognised_by_content(kind):
    data, name = SAMPLES[kind]
    found = check(data, name)
    assert found.kind == kind
    assert found.mime == TYPES[kind].mime


def test_jpeg_takes_either_extension_and_any_case():
    assert check(jpeg(), "PHOTO.JPEG").kind == "jpeg"
    assert check(jpeg(), "photo.Jpg").kind == "jpeg"


def test_an_mp3_without_a_tag_needs_two_frames_in_a_row():
    assert check(mp3_without_tag(), "a.mp3").kind == "mp3"
    assert sniff(b"\xff\xfb\x90\x00" + b"\x00" * 500) == ()  # one frame header alone is not enough


def test_m4a_from_a_generic_mp4_brand_is_accepted_by_its_name():
    assert check(ftyp(b"isom"), "voice.m4a").kind == "m4a"
    assert check(ftyp(b"isom"), "video.mp4").kind == "mp4"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_only_the_allowed_kinds(kind):
    data, name = SAMPLES[kind]
    if kind in DOCUMENT_KINDS:
        assert check(data, name, DOCUMENT_KINDS).kind == kind
    else:
        with pytest.raises(UploadRefused, match="must be a PDF, Word document"):
            check(data, name, DOCUMENT_KINDS)


def test_views_take_pictures_sound_and_video_but_not_documents():
    assert "pdf" not in VIEW_KINDS and "docx" not in VIEW_KINDS
    with pytest.raises(UploadRefused):
        check(pdf(), "a.pdf", VIEW_KINDS)


# Refusals.


def test_content_that_does_not_match_the_name_is_refused():
    with pytest.raises(UploadRefused) as refused:
        check(png(), "report.pdf", DOCUMENT_KINDS)
    assert refused.value.message == (
        "The selected file is a PNG picture but its name does not end in .png. Check you chose the right file"
    )
    with pytest.raises(UploadRefused):
        check(pdf(), "report.docx", DOCUMENT_KINDS)
    with pytest.raises(UploadRefused):
        check(pdf(), "report", DOCUMENT_KINDS)  # no extension at all


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100,  # Windows program
        b"\x7fELF\x02\x01\x01" + b"\x00" * 100,  # Linux program
        b"#!/bin/sh\nrm -rf ~\n",  # script
        b"\xca\xfe\xba\xbe" + b"\x00" * 60,  # Mach-O / Java class
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"<html><body onload=alert(1)>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"%!PS-Adobe-3.0\n",  # PostScript is not PDF
        b"{\\rtf1\\ansi report}",  # RTF renamed as Word
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # old binary Word (.doc) with macros possible
    ],
)
@pytest.mark.parametrize(
    "name", ["report.pdf", "advice.docx", "photo.jpg", "scan.png", "file.exe", "page.html"]
)
def test_programs_html_and_svg_are_refused_whatever_their_name(data, name):
    with pytest.raises(UploadRefused, match="The selected file must be a PDF, Word document"):
        check(data, name, DOCUMENT_KINDS)


def test_a_renamed_executable_is_refused():
    with pytest.raises(UploadRefused):
        check(b"MZ" + b"\x00" * 1000, "report.pdf", DOCUMENT_KINDS)


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRefused, match="The selected file is empty"):
        check(b"", "report.pdf", DOCUMENT_KINDS)


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("report.exe", b"MZ")
    with pytest.raises(UploadRefused):
        check(out.getvalue(), "advice.docx", DOCUMENT_KINDS)
    with pytest.raises(UploadRefused):
        check(b"PK\x03\x04" + b"\x00" * 200, "advice.docx", DOCUMENT_KINDS)  # not really a zip


@pytest.mark.parametrize(
    "extra",
    [
        {"word/vbaProject.bin": b"macro"},
        {"word/activeX/activeX1.bin": b"control"},
        {"word/embeddings/setup.exe": b"MZ"},
        {"word/embeddings/run.js": b"alert(1)"},
    ],
)
def test_word_documents_with_programs_in_them_are_refused(extra):
    with pytest.raises(UploadRefused, match="contains macros or other programs"):
        check(docx(extra), "advice.docx", DOCUMENT_KINDS)


def test_a_macro_enabled_word_document_is_refused():
    types = b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    with pytest.raises(UploadRefused, match="macros"):
        check(docx(content_types=types), "advice.docx", DOCUMENT_KINDS)


def test_a_word_document_with_a_path_escaping_entry_is_refused():
    with pytest.raises(UploadRefused):
        check(docx({"../../evil.xml": b"x"}), "advice.docx", DOCUMENT_KINDS)


def test_too_big_message():
    assert filetypes.too_big(20 * 1024 * 1024).message == "The selected file must be smaller than 20MB"


# Names.


@pytest.mark.parametrize(
    "name", ["../x.pdf", "..\\x.pdf", "C:\\x.pdf", "c:x.pdf", "/etc/passwd", "reports/x.pdf", "..", "."]
)
def test_names_with_folders_are_refused(name):
    with pytest.raises(UploadRefused, match="must not include a folder"):
        safe_name(name)


def test_safe_names_lose_control_characters_and_hidden_dots():
    assert safe_name("  report\u202e\x00fdp.pdf ") == "reportfdp.pdf"  # no right-to-left override trick
    assert safe_name(".hidden.pdf") == "hidden.pdf"
    assert safe_name('a<b>:c"d|e?f*.pdf') == "abcdef.pdf"
    assert safe_name("Adroddiad ðŵ.pdf") == "Adroddiad ðŵ.pdf"
    long = safe_name("a" * 500 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")
    with pytest.raises(UploadRefused, match="Select a file"):
        safe_name("")


def test_download_names_are_ascii_and_end_in_the_real_type():
    assert filetypes.content_disposition_name("Adroddiad ðŵ.pdf", "pdf") == "Adroddiad w.pdf"
    assert filetypes.content_disposition_name('x";\r\nSet-Cookie: a=b.png', "png").endswith(".png")
    assert "\n" not in filetypes.content_disposition_name("x\r\ny.pdf", "pdf")
    assert filetypes.content_disposition_name("ðŵ", "docx") == "w.docx"
    assert filetypes.content_disposition_name("ð", "docx") == "document.docx"


# Properties.

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "wav": (b"RIFF",),
    "ogg": (b"OggS",),
    "mp3": (b"ID3", b"\xff"),
    "m4a": (b"",),  # ftyp at byte 4
    "mp4": (b"",),
    "mov": (b"",),
    "webm": (b"\x1a\x45\xdf\xa3",),
    "mkv": (b"\x1a\x45\xdf\xa3",),
}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048), st.sampled_from([name for _data, name in SAMPLES.values()]))
@example(b"", "report.pdf")
def test_random_bytes_are_never_accepted_as_a_type_they_are_not(data, name):
    """Whatever the bytes and the name, a file is accepted only with its type's signature at the start."""
    try:
        found = check(data, name)
    except UploadRefused:
        return
    assert data.startswith(SIGNATURES[found.kind])
    if found.kind in {"m4a", "mp4", "mov"}:
        assert data[4:8] == b"ftyp"
    assert filetypes.extension_of(name) in found.extensions


@settings(max_examples=200)
@given(st.sampled_from(sorted(SAMPLES)), st.sampled_from(sorted(SAMPLES)))
def test_a_real_file_with_another_types_name_is_refused(kind, other):
    data, _name = SAMPLES[kind]
    _other_data, other_name = SAMPLES[other]
    compatible = set(TYPES[kind].extensions)
    if kind in {"m4a", "mp4"}:  # the same container: either name is right
        compatible |= {".m4a", ".mp4", ".m4v"}
    if filetypes.extension_of(other_name) in compatible:
        return
    with pytest.raises(UploadRefused):
        check(data, other_name)


@settings(max_examples=200)
@given(st.sampled_from(sorted(SAMPLES)), st.binary(min_size=1, max_size=8))
def test_a_damaged_signature_is_refused(kind, junk):
    data, name = SAMPLES[kind]
    damaged = junk + data
    try:
        found = check(damaged, name)
    except UploadRefused:
        return
    assert damaged.startswith(SIGNATURES[found.kind])  # only if the junk happened to be a real signature


@given(st.text(max_size=300))
def test_safe_name_never_keeps_a_path_or_control_character(name):
    try:
        cleaned = safe_name(name)
    except UploadRefused:
        return
    assert "/" not in cleaned and "\\" not in cleaned
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in cleaned)
    assert not cleaned.startswith(".")
    assert 0 < len(cleaned) <= 200
