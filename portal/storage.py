"""Encrypted file storage: every upload (plan documents, views) is kept here, encrypted at rest.

Each file gets its own random AES-256 data key. The data key is wrapped (RFC 3394 AES key wrap) by the
master key PORTAL_STORAGE_KEY and kept in the `stored_files` row; the object itself holds only ciphertext
under a random name. The plaintext is encrypted in 64 KiB chunks, each sealed with AES-256-GCM: the nonce
is a per-file random prefix plus the chunk number, and the associated data carries the object's name, the
chunk number and a final-chunk flag, so a chunk that is changed, moved, dropped or cut off is detected.
SHA-256 of the plaintext is recorded and checked again at the end of every read.

The row and the object live or die together: an object written during a transaction that does not commit
is deleted when the transaction ends, and a deleted row's object goes only after the commit. See
docs/storage.md for keys, rotation and the S3 backend.
"""

import base64
import binascii
import hashlib
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from flask import Response, current_app
from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import filetypes
from portal.extensions import db
from portal.filetypes import UploadRefused
from portal.timeutil import utcnow

__all__ = [
    "CHUNK_SIZE",
    "StorageConfigError",
    "StorageError",
    "StoredFile",
    "StoredFileCorrupt",
    "UploadRefused",
    "backend",
    "delete",
    "open_plaintext",
    "rotate_keys",
    "send",
    "store",
    "upload_limit",
]

log = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
MAGIC = b"PSF1"
PREFIX_SIZE = 8
HEADER_SIZE = len(MAGIC) + PREFIX_SIZE
MAX_CHUNKS = 2**32
# Room for the other fields of an upload form (title, description, CSRF token) on top of the file.
FORM_OVERHEAD = 1024 * 1024
KEY_NAME = re.compile(r"^[0-9a-f]{32}$")


class StorageError(RuntimeError):
    """Storage failed; never shown to a person as it is (the pages say something friendly)."""


class StorageConfigError(StorageError):
    """A storage setting is missing or wrong; the message says which and how to fix it."""


class StoredFileCorrupt(StorageError):
    """A stored file cannot be read back as it was written: changed, cut short, missing or wrong key."""


class StoredFile(db.Model):
    """One encrypted object. The original name is data for display only; it never names the object."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(32), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary(40))
    # Which master key wrapped the data key (a fingerprint, never the key), so rotation can resume.
    key_id: Mapped[str] = mapped_column(String(16), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    original_name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def extension(self) -> str:
        return filetypes.TYPES[self.kind].extensions[0]


# Keys.


def decode_key(value: str, setting: str = "PORTAL_STORAGE_KEY") -> bytes:
    """A master key from its base64 text; exactly 32 bytes."""
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise StorageConfigError(
            f"{setting} must be 32 random bytes, base64-encoded (44 characters). Make one with: "
            "python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())'"
        )
    return key


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"portal-storage-key-id:" + key).hexdigest()[:16]


def _current_key() -> bytes:
    value = current_app.config.get("PORTAL_STORAGE_KEY")
    if not value:
        raise StorageConfigError(
            "PORTAL_STORAGE_KEY is not set: uploads cannot be stored or read. Set it to 32 random bytes, "
            "base64-encoded (see docs/storage.md)."
        )
    return decode_key(value)


def _known_keys() -> dict[str, bytes]:
    keys = {}
    old = current_app.config.get("PORTAL_STORAGE_OLD_KEY")
    if old:
        old_key = decode_key(old, "PORTAL_STORAGE_OLD_KEY")
        keys[key_id(old_key)] = old_key
    current = _current_key()
    keys[key_id(current)] = current
    return keys


def _unwrap(stored: StoredFile) -> bytes:
    master = _known_keys().get(stored.key_id)
    if master is None:
        raise StoredFileCorrupt(
            f"stored file {stored.id}: its key was wrapped by a master key not configured"
        )
    try:
        return aes_key_unwrap(master, stored.wrapped_key)
    except InvalidUnwrap as error:
        raise StoredFileCorrupt(f"stored file {stored.id}: its key does not unwrap") from error


# Backends.


class Backend(Protocol):
    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        """Write the whole object, or nothing (no partial object is ever visible under `name`)."""

    def get(self, name: str) -> Iterator[bytes]:
        """The object's bytes in pieces; StoredFileCorrupt if it is missing."""

    def delete(self, name: str) -> None:
        """Remove the object; no error if it is already gone."""

    def exists(self, name: str) -> bool: ...

    def names(self) -> Iterator[tuple[str, datetime]]:
        """Every stored object's name and when it was last written (UTC)."""


def _checked(name: str) -> str:
    if not KEY_NAME.match(name):
        raise StorageError("not a storage key")
    return name


class LocalBackend:
    """A folder on this machine. Objects are written to a temporary file, synced, then renamed into place."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        return self.root / _checked(name)[:2] / name

    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> Iterator[bytes]:
        try:
            source = self._path(name).open("rb")
        except FileNotFoundError as error:
            raise StoredFileCorrupt(f"object {name} is missing") from error
        with source:
            while piece := source.read(CHUNK_SIZE + TAG_SIZE):
                yield piece

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def names(self) -> Iterator[tuple[str, datetime]]:
        if not self.root.exists():
            return
        for path in self.root.glob("??/*"):
            if KEY_NAME.match(path.name):
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


class S3Backend:
    """S3-compatible object storage through boto3. Large objects go up in 5 MiB multipart parts, so memory
    stays bounded; an upload that fails part-way is aborted, leaving no object."""

    PART_SIZE = 5 * 1024 * 1024  # the smallest part S3 accepts (except the last)

    def __init__(self, bucket: str, prefix: str = "", endpoint_url=None, region=None, client=None):
        import boto3

        self.bucket = bucket
        self.prefix = prefix
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def _key(self, name: str) -> str:
        return self.prefix + _checked(name)

    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        buffer = bytearray()
        upload_id = None
        parts = []
        try:
            for chunk in chunks:
                buffer += chunk
                if len(buffer) >= self.PART_SIZE:
                    if upload_id is None:
                        upload_id = self.client.create_multipart_upload(
                            Bucket=self.bucket, Key=self._key(name)
                        )["UploadId"]
                    parts.append(self._part(name, upload_id, len(parts) + 1, bytes(buffer)))
                    buffer.clear()
            if upload_id is None:
                self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=bytes(buffer))
                return
            if buffer:
                parts.append(self._part(name, upload_id, len(parts) + 1, bytes(buffer)))
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=self._key(name), UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            if upload_id is not None:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self._key(name), UploadId=upload_id
                )
            raise

    def _part(self, name: str, upload_id: str, number: int, body: bytes) -> dict:
        response = self.client.upload_part(
            Bucket=self.bucket, Key=self._key(name), UploadId=upload_id, PartNumber=number, Body=body
        )
        return {"PartNumber": number, "ETag": response["ETag"]}

    def get(self, name: str) -> Iterator[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]
        except self.client.exceptions.NoSuchKey as error:
            raise StoredFileCorrupt(f"object {name} is missing") from error
        try:
            yield from body.iter_chunks(CHUNK_SIZE + TAG_SIZE)
        finally:
            body.close()

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def exists(self, name: str) -> bool:
        listing = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self._key(name))
        return any(item["Key"] == self._key(name) for item in listing.get("Contents", []))

    def names(self) -> Iterator[tuple[str, datetime]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"].removeprefix(self.prefix)
                if KEY_NAME.match(name):
                    yield name, item["LastModified"].replace(tzinfo=None)


def backend() -> Backend:
    """The configured backend for this app (made once per app)."""
    cached = current_app.extensions.get("portal_storage")
    if cached is not None:
        return cached
    config = current_app.config
    kind = config.get("PORTAL_STORAGE_BACKEND", "local")
    if kind == "local":
        chosen = LocalBackend(config["PORTAL_STORAGE_PATH"])
    elif kind == "s3":
        if not config.get("PORTAL_S3_BUCKET"):
            raise StorageConfigError(
                "PORTAL_STORAGE_BACKEND=s3 needs PORTAL_S3_BUCKET (see docs/storage.md)."
            )
        chosen = S3Backend(
            config["PORTAL_S3_BUCKET"],
            config.get("PORTAL_S3_PREFIX") or "",
            endpoint_url=config.get("PORTAL_S3_ENDPOINT_URL"),
            region=config.get("PORTAL_S3_REGION"),
        )
    else:
        raise StorageConfigError(f"PORTAL_STORAGE_BACKEND must be local or s3, not {kind!r}.")
    current_app.extensions["portal_storage"] = chosen
    return chosen


# The row and the object live or die together.

NEW_OBJECTS = "portal_storage_new"
DOOMED_OBJECTS = "portal_storage_doomed"


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(NEW_OBJECTS, None)  # committed with their rows: keep them
    for store_backend, name in session.info.pop(DOOMED_OBJECTS, []):
        try:
            store_backend.delete(name)
        except Exception:  # the row is gone; `flask storage sweep` removes the object later
            log.exception("could not delete stored object after commit")


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    # Still here after the outermost transaction ended: it did not commit, so the rows do not exist.
    for store_backend, name in session.info.pop(NEW_OBJECTS, []):
        try:
            store_backend.delete(name)
        except Exception:
            log.exception("could not delete stored object after rollback")
    session.info.pop(DOOMED_OBJECTS, None)


# Storing and reading.


def upload_limit(max_bytes: int) -> int:
    """The request size to allow for a form that carries one file of at most `max_bytes`."""
    return max_bytes + FORM_OVERHEAD


def _seekable(stream: IO[bytes], max_bytes: int) -> IO[bytes]:
    """The stream itself if it can seek; otherwise a copy spooled to disk, chunk by chunk."""
    try:
        if stream.seekable():
            stream.seek(0)
            return stream
    except (AttributeError, OSError):
        pass
    copy = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - returned to the caller
    total = 0
    while piece := stream.read(CHUNK_SIZE):
        total += len(piece)
        if total > max_bytes:
            copy.close()
            raise filetypes.too_big(max_bytes)
        copy.write(piece)
    copy.seek(0)
    return copy


def _aad(name: str, number: int, final: bool) -> bytes:
    return MAGIC + name.encode() + number.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _encrypt(source: IO[bytes], name: str, data_key: bytes, digest, counter: list[int], max_bytes: int):
    """Yield the object: header, then each sealed chunk. The last chunk is found by reading one ahead."""
    aead = AESGCM(data_key)
    prefix = secrets.token_bytes(PREFIX_SIZE)
    yield MAGIC + prefix
    current = source.read(CHUNK_SIZE)
    number = 0
    while True:
        following = source.read(CHUNK_SIZE)
        counter[0] += len(current)
        if counter[0] > max_bytes:
            raise filetypes.too_big(max_bytes)
        digest.update(current)
        final = not following
        nonce = prefix + number.to_bytes(4, "big")
        yield aead.encrypt(nonce, current, _aad(name, number, final))
        if final:
            return
        number += 1
        if number >= MAX_CHUNKS:
            raise StorageError("file too large for one object")
        current = following


def store(
    stream: IO[bytes],
    *,
    original_name: str,
    kinds: Iterable[str],
    max_bytes: int,
    user=None,
) -> StoredFile:
    """Check, encrypt and keep a file; returns its row, added to the current transaction (the caller commits).

    Raises UploadRefused, with a translated message for the person, when the file is not accepted.
    """
    display_name = filetypes.safe_name(original_name)
    source = _seekable(stream, max_bytes)
    try:
        filetype, name, data_key, digest, size = _check_and_write(source, display_name, kinds, max_bytes)
    finally:
        if source is not stream:
            source.close()
    master = _current_key()
    chosen = backend()
    session = db.session()
    session.info.setdefault(NEW_OBJECTS, []).append((chosen, name))
    stored = StoredFile(
        storage_key=name,
        size=size,
        sha256=digest,
        wrapped_key=aes_key_wrap(master, data_key),
        key_id=key_id(master),
        content_type=filetype.mime,
        kind=filetype.kind,
        original_name=display_name,
        created_by=getattr(user, "id", user),
    )
    try:
        session.add(stored)
        session.flush()
    except BaseException:
        chosen.delete(name)
        raise
    return stored


def _check_and_write(source: IO[bytes], display_name: str, kinds, max_bytes: int):
    source.seek(0, os.SEEK_END)
    if source.tell() > max_bytes:
        raise filetypes.too_big(max_bytes)
    source.seek(0)
    filetype = filetypes.identify(source, display_name, kinds)
    source.seek(0)
    _current_key()  # no key, no upload: fail before writing anything
    data_key = AESGCM.generate_key(bit_length=256)
    name = secrets.token_hex(16)
    digest = hashlib.sha256()
    counter = [0]
    backend().put(name, _encrypt(source, name, data_key, digest, counter, max_bytes))
    return filetype, name, data_key, digest.hexdigest(), counter[0]


def _sealed_chunks(pieces: Iterator[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Cut the object's bytes into sealed chunks, each with whether it is the last."""
    size = CHUNK_SIZE + TAG_SIZE
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        while len(buffer) > size:  # more follows this chunk, so it is not the last
            yield bytes(buffer[:size]), False
            del buffer[:size]
    yield bytes(buffer), True


def open_plaintext(stored: StoredFile) -> Iterator[bytes]:
    """The file's plaintext in chunks. Raises StoredFileCorrupt (at the first chunk, or at the end for the
    SHA-256 check) if anything does not match what was written. The key is checked before this returns."""
    data_key = _unwrap(stored)
    pieces = backend().get(stored.storage_key)
    return _decrypt(pieces, stored.storage_key, data_key, stored.size, stored.sha256)


def _decrypt(pieces: Iterator[bytes], name: str, data_key: bytes, size: int, sha256: str) -> Iterator[bytes]:
    aead = AESGCM(data_key)
    header = bytearray()
    pieces = iter(pieces)
    for piece in pieces:
        header += piece
        if len(header) >= HEADER_SIZE:
            break
    if len(header) < HEADER_SIZE or header[: len(MAGIC)] != MAGIC:
        raise StoredFileCorrupt(f"object {name}: no header")
    prefix = bytes(header[len(MAGIC) : HEADER_SIZE])
    rest = bytes(header[HEADER_SIZE:])
    digest = hashlib.sha256()
    total = 0

    def all_pieces():
        if rest:
            yield rest
        yield from pieces

    for number, (sealed, final) in enumerate(_sealed_chunks(all_pieces())):
        try:
            plain = aead.decrypt(prefix + number.to_bytes(4, "big"), sealed, _aad(name, number, final))
        except (InvalidTag, ValueError) as error:
            raise StoredFileCorrupt(f"object {name}: chunk {number} fails its check") from error
        digest.update(plain)
        total += len(plain)
        if plain:
            yield plain
    if total != size or not secrets.compare_digest(digest.hexdigest(), sha256):
        raise StoredFileCorrupt(f"object {name}: SHA-256 or size does not match the record")


def send(stored: StoredFile, *, as_attachment: bool = True) -> Response:
    """A streamed response for the file, checked in full first (a damaged file raises StoredFileCorrupt
    before any byte is sent). Attachment by default; the content type is the one decided from the content."""
    for _chunk in open_plaintext(stored):
        pass
    response = Response(open_plaintext(stored), mimetype=stored.content_type, direct_passthrough=True)
    ascii_name = filetypes.content_disposition_name(stored.original_name, stored.kind)
    disposition = f'{"attachment" if as_attachment else "inline"}; filename="{ascii_name}"'
    if stored.original_name != ascii_name and stored.original_name.lower().endswith(stored.extension):
        disposition += f"; filename*=UTF-8''{quote(stored.original_name, safe='')}"
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Length"] = str(stored.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def read_all(stored: StoredFile) -> bytes:
    """The whole plaintext (for tests and small files only; downloads stream)."""
    return b"".join(open_plaintext(stored))


def delete(stored: StoredFile) -> None:
    """Delete the row now and the object once the transaction commits."""
    session = db.session()
    session.info.setdefault(DOOMED_OBJECTS, []).append((backend(), stored.storage_key))
    session.delete(stored)


# Looking after the store.


def rotate_keys(batch_size: int = 200) -> tuple[int, int]:
    """Rewrap every data key under the current master key; returns (rewrapped, already current).

    Resumable: rows already under the current key are skipped; each batch commits on its own.
    """
    master = _current_key()
    current_id = key_id(master)
    keys = _known_keys()
    already = db.session.scalar(select(db.func.count(StoredFile.id)).where(StoredFile.key_id == current_id))
    rewrapped = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(StoredFile)
            .where(StoredFile.key_id != current_id, StoredFile.id > last_id)
            .order_by(StoredFile.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            old = keys.get(row.key_id)
            if old is None:
                raise StorageConfigError(
                    f"stored file {row.id} is wrapped by a key that is neither PORTAL_STORAGE_KEY nor "
                    "PORTAL_STORAGE_OLD_KEY; nothing more was changed."
                )
            try:
                data_key = aes_key_unwrap(old, row.wrapped_key)
            except InvalidUnwrap as error:
                raise StoredFileCorrupt(f"stored file {row.id}: its key does not unwrap") from error
            row.wrapped_key = aes_key_wrap(master, data_key)
            row.key_id = current_id
            rewrapped += 1
            last_id = row.id
        db.session.commit()
    return rewrapped, already or 0


def verify_all() -> list[int]:
    """Read every stored file through; returns the ids that fail (missing, changed, or wrong key)."""
    failed = []
    for stored in db.session.scalars(select(StoredFile).order_by(StoredFile.id)):
        try:
            for _chunk in open_plaintext(stored):
                pass
        except StoredFileCorrupt:
            failed.append(stored.id)
    return failed


def sweep(older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete objects that no row names (left by a crash between writing and committing)."""
    cutoff = utcnow() - older_than
    chosen = backend()
    candidates = [name for name, written in chosen.names() if written < cutoff]
    known = set()
    for start in range(0, len(candidates), 500):
        part = candidates[start : start + 500]
        known |= set(
            db.session.scalars(select(StoredFile.storage_key).where(StoredFile.storage_key.in_(part)))
        )
    orphans = [name for name in candidates if name not in known]
    for name in orphans:
        chosen.delete(name)
    return orphans


def register_commands(group) -> None:
    """`flask storage rotate-key | verify | sweep` (attached to a blueprint's CLI group)."""
    import click

    @group.command("rotate-key")
    def rotate_key_command() -> None:
        """Rewrap every file key under PORTAL_STORAGE_KEY (the old key in PORTAL_STORAGE_OLD_KEY)."""
        try:
            rewrapped, already = rotate_keys()
        except StorageError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Rewrapped {rewrapped} file keys; {already} were already under the current key.")

    @group.command("verify")
    def verify_command() -> None:
        """Decrypt every stored file and check its SHA-256."""
        failed = verify_all()
        if failed:
            raise click.ClickException(f"{len(failed)} stored files fail their check: ids {failed}")
        click.echo("Every stored file decrypts and matches its SHA-256.")

    @group.command("sweep")
    @click.option("--hours", default=1, show_default=True, help="Only objects older than this.")
    def sweep_command(hours: int) -> None:
        """Delete stored objects that no database row names."""
        orphans = sweep(timedelta(hours=hours))
        click.echo(f"Deleted {len(orphans)} objects that no row names.")
