"""What a file is, decided by its content, never its name; and a safe name to show for it.

An allow-list: a file is accepted only when its first bytes (and, for Word, its zip directory) match one of
the types below AND its name ends in that type's extension. Everything else is refused with a message a
person can act on: HTML, SVG, programs and scripts never match any type, so they are always refused.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from flask_babel import lazy_gettext as _l

HEAD_SIZE = 64 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_NAME_LENGTH = 200


class UploadRefused(ValueError):
    """A file we will not keep, with a translated message for the person who chose it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.lazy_message = message

    @property
    def message(self) -> str:
        return str(self.lazy_message)


@dataclass(frozen=True)
class FileType:
    kind: str
    mime: str
    extensions: tuple[str, ...]
    label: object  # a lazy translated string


TYPES = {
    t.kind: t
    for t in (
        FileType("pdf", "application/pdf", (".pdf",), _l("PDF")),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            _l("Word document (.docx)"),
        ),
        FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"), _l("JPG photo")),
        FileType("png", "image/png", (".png",), _l("PNG picture")),
        FileType("mp3", "audio/mpeg", (".mp3",), _l("MP3 sound")),
        FileType("m4a", "audio/mp4", (".m4a",), _l("M4A sound")),
        FileType("wav", "audio/wav", (".wav",), _l("WAV sound")),
        FileType("ogg", "audio/ogg", (".ogg", ".oga", ".opus"), _l("OGG sound")),
        FileType("mp4", "video/mp4", (".mp4", ".m4v"), _l("MP4 video")),
        FileType("mov", "video/quicktime", (".mov",), _l("MOV video")),
        FileType("webm", "video/webm", (".webm",), _l("WebM video or sound")),
        FileType("mkv", "video/x-matroska", (".mkv", ".mka"), _l("MKV video")),
    )
}
DOCUMENT_KINDS = ("pdf", "docx", "jpeg", "png")
VIEW_KINDS = ("jpeg", "png", "mp3", "m4a", "wav", "ogg", "mp4", "mov", "webm", "mkv")

# ISO base media (MP4 family) brands, from the `ftyp` box.
M4A_BRANDS = {b"M4A ", b"M4B "}
QUICKTIME_BRANDS = {b"qt  "}
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
    b"M4V ", b"M4VH", b"M4VP", b"MSNV", b"mmp4", b"3gp4", b"3gp5", b"3gp6", b"3g2a",
}  # fmt: skip
# Word documents that carry programs: macros, ActiveX controls, or files with a program's extension.
RISKY_ENTRY = re.compile(
    r"(vbaproject\.bin|vbadata\.xml|activex|\.(exe|dll|com|bat|cmd|js|jse|vbs|vbe|wsf|wsh|ps1|scr|msi|jar|hta"
    r"|lnk|sh|pif|cpl|docm|dotm|xlsm|pptm)$)",
    re.IGNORECASE,
)
PATH_LIKE = re.compile(r"[/\\]|^[A-Za-z]:|^\.\.?$")

# MP3 (MPEG audio layer III) frame headers.
MP3_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2
    0: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2.5
}
MP3_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


# Names.


def safe_name(name: str | None) -> str:
    """A name that is safe to store and show: no folders, no control characters, at most 200 characters.

    Raises UploadRefused for a name that carries a folder path (a browser never sends one)."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise UploadRefused(_l("Select a file"))
    if PATH_LIKE.search(name) or any(part == ".." for part in re.split(r"[/\\]", name)):
        raise UploadRefused(
            _l("The name of the selected file must not include a folder. Rename the file and try again")
        )
    cleaned = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*')
    cleaned = cleaned.strip().lstrip(".").strip() or "file"
    if len(cleaned) > MAX_NAME_LENGTH:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and len(extension) <= 10:
            cleaned = stem[: MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            cleaned = cleaned[:MAX_NAME_LENGTH]
    return cleaned


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


# Content.


def _mp3_frame_length(header: bytes) -> int:
    """The length of the MPEG layer III frame starting here, or 0 if this is not a frame header."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version = (header[1] >> 3) & 3
    layer = (header[1] >> 1) & 3
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    bitrate = MP3_BITRATES[version][bitrate_index] * 1000
    sample_rate = MP3_SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    return (144 if version == 3 else 72) * bitrate // sample_rate + padding


def _is_mp3(head: bytes) -> bool:
    if head.startswith(b"ID3") and len(head) >= 10 and head[3] in (2, 3, 4) and head[5] & 0x0F == 0:
        return all(b < 0x80 for b in head[6:10])
    # No tag: two frame headers in a row, the second exactly where the first frame says it ends.
    length = _mp3_frame_length(head[:4])
    return bool(length) and len(head) >= length + 4 and _mp3_frame_length(head[length : length + 4]) > 0


def _ftyp_kinds(head: bytes) -> tuple[str, ...]:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return ()
    box_size = int.from_bytes(head[:4], "big")
    if not 16 <= box_size <= 4096 or (box_size - 16) % 4:
        return ()
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, min(box_size, len(head)), 4)]
    major = brands[0]
    if major in M4A_BRANDS:
        return ("m4a", "mp4")
    if major in QUICKTIME_BRANDS:
        return ("mov",)
    if major in MP4_BRANDS or any(brand in MP4_BRANDS for brand in brands[1:]):
        return ("mp4", "m4a")
    return ()


def _ebml_kinds(head: bytes) -> tuple[str, ...]:
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return ()
    at = head.find(b"\x42\x82", 4, 128)
    if at < 0 or len(head) < at + 3 or not head[at + 2] & 0x80:
        return ()
    size = head[at + 2] & 0x7F
    doc_type = head[at + 3 : at + 3 + size]
    return {b"webm": ("webm",), b"matroska": ("mkv",)}.get(doc_type, ())


def sniff(head: bytes) -> tuple[str, ...]:
    """The kinds these first bytes could be (most often one, empty when none). Word needs `is_docx` too."""
    if head.startswith(b"%PDF-") and head[5:6].isdigit():
        return ("pdf",)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return ("png",)
    if head.startswith(b"\xff\xd8\xff") and len(head) > 3 and head[3] >= 0xC0 and head[3] != 0xFF:
        return ("jpeg",)
    if head.startswith(b"PK\x03\x04"):
        return ("docx",)
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return ("wav",)
    if head.startswith(b"OggS\x00"):
        return ("ogg",)
    if _is_mp3(head):
        return ("mp3",)
    return _ftyp_kinds(head) or _ebml_kinds(head)


def is_docx(source: IO[bytes]) -> bool:
    """A zip holding a Word document's parts and nothing that runs. Raises UploadRefused for macros."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                return False
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return False
            for name in names:
                if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name):
                    return False
                if RISKY_ENTRY.search(name):
                    raise UploadRefused(_risky_word())
            with archive.open("[Content_Types].xml") as types:
                declared = types.read(1024 * 1024)
            if b"macroEnabled" in declared or b"vbaProject" in declared:
                raise UploadRefused(_risky_word())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, NotImplementedError):
        return False
    finally:
        source.seek(0)
    return True


def _risky_word():
    return _l(
        "The selected Word document contains macros or other programs. Save it as a Word document (.docx) "
        "without macros and try again"
    )


def _type_list(kinds) -> str:
    labels = [str(TYPES[kind].label) for kind in kinds]
    if len(labels) == 1:
        return labels[0]
    return str(_l("%(first)s or %(last)s", first=", ".join(labels[:-1]), last=labels[-1]))


def wrong_type(kinds) -> UploadRefused:
    return UploadRefused(_l("The selected file must be a %(types)s", types=_type_list(kinds)))


def too_big(max_bytes: int) -> UploadRefused:
    return UploadRefused(
        _l("The selected file must be smaller than %(size)sMB", size=max_bytes // (1024 * 1024))
    )


def identify(source: IO[bytes], name: str, kinds) -> FileType:
    """The file's type, checked against what is allowed and against its name; raises UploadRefused.

    `source` must be able to seek (it is left at its start)."""
    kinds = tuple(kinds)
    source.seek(0)
    head = source.read(HEAD_SIZE)
    source.seek(0)
    if not head:
        raise UploadRefused(_l("The selected file is empty"))
    candidates = [kind for kind in sniff(head) if kind in kinds]
    if candidates == ["docx"] and not is_docx(source):
        candidates = []
    if not candidates:
        raise wrong_type(kinds)
    extension = extension_of(name)
    for kind in candidates:
        if extension in TYPES[kind].extensions:
            return TYPES[kind]
    actual = TYPES[candidates[0]]
    raise UploadRefused(
        _l(
            "The selected file is a %(actual)s but its name does not end in %(extension)s. "
            "Check you chose the right file",
            actual=actual.label,
            extension=actual.extensions[0],
        )
    )


def content_disposition_name(name: str, kind: str) -> str:
    """An ASCII-safe download name that always ends in the stored type's extension."""
    stem = name[: -len(extension_of(name))] if extension_of(name) else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "", ascii_stem).strip(" .") or "document"
    return ascii_stem[:100] + TYPES[kind].extensions[0]
