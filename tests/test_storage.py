"""Encrypted storage: round trips on the local folder and S3 (moto), encryption at rest, tamper detection,
keys and rotation, and failure injection at every step (no row and no object left behind)."""

import base64
import io
import os
import secrets
import tracemalloc
from datetime import timedelta

import boto3
import pytest
from moto import mock_aws
from sqlalchemy import event, func, select

from portal import storage
from portal.accounts.models import User
from portal.extensions import db
from portal.filetypes import DOCUMENT_KINDS, UploadRefused
from portal.storage import StoredFile, StoredFileCorrupt
from tests.test_filetypes import pdf, png

MARKER = "PLAINTEXT-MARKER-7f3a"
BUCKET = "portal-test-uploads"


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(params=["local", "s3"])
def backend_kind(request):
    return request.param


@pytest.fixture
def app_config(app_config, tmp_path, backend_kind):
    config = {
        **app_config,
        "PORTAL_STORAGE_KEY": new_key(),
        "PORTAL_STORAGE_PATH": str(tmp_path / "uploads"),
        "PORTAL_STORAGE_BACKEND": backend_kind,
    }
    if backend_kind == "s3":
        config |= {"PORTAL_S3_BUCKET": BUCKET, "PORTAL_S3_REGION": "eu-west-2", "PORTAL_S3_PREFIX": "up/"}
    return config


@pytest.fixture
def aws(backend_kind, monkeypatch):
    if backend_kind != "s3":
        yield None
        return
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-2")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        yield client


@pytest.fixture
def ctx(app, aws):
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def user_id(make_user):
    return make_user("uploader@example.org").id


def raw_objects() -> dict[str, bytes]:
    """Every stored object's bytes, by name, read straight from the backend (no decryption)."""
    chosen = storage.backend()
    return {name: b"".join(chosen.get(name)) for name, _written in chosen.names()}


def put_raw(name: str, data: bytes) -> None:
    storage.backend().put(name, [data])


def keep(data: bytes, name="report.pdf", user=None, max_bytes=20 * 1024 * 1024) -> StoredFile:
    return storage.store(
        io.BytesIO(data), original_name=name, kinds=DOCUMENT_KINDS, max_bytes=max_bytes, user=user
    )


def rows() -> int:
    return db.session.scalar(select(func.count(StoredFile.id)))


def leftovers(tmp_path) -> list[str]:
    """Temporary files left in the local folder (none may survive a failure)."""
    root = tmp_path / "uploads"
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Round trips.


@pytest.mark.parametrize(
    "size",
    [0, 1, storage.CHUNK_SIZE - 40, storage.CHUNK_SIZE * 3 - 40, storage.CHUNK_SIZE * 5 + 7],
)
def test_round_trip(ctx, user_id, size):
    data = pdf(MARKER, padding=size)
    stored = keep(data, "Report ðŵ.pdf", user=user_id)
    db.session.commit()
    again = db.session.get(StoredFile, stored.id)
    assert storage.read_all(again) == data
    assert again.size == len(data)
    assert again.kind == "pdf" and again.content_type == "application/pdf"
    assert again.original_name == "Report ðŵ.pdf"
    assert again.created_by == user_id
    assert len(again.storage_key) == 32 and "Report" not in again.storage_key
    assert list(raw_objects()) == [again.storage_key]


def test_a_large_file_goes_up_in_parts(ctx, backend_kind):
    data = pdf(MARKER, padding=6 * 1024 * 1024)  # more than one 5 MiB multipart part on S3
    stored = keep(data)
    db.session.commit()
    assert storage.read_all(stored) == data


def test_chunks_come_back_one_at_a_time(ctx):
    data = pdf(MARKER, padding=storage.CHUNK_SIZE * 4)
    stored = keep(data)
    db.session.commit()
    chunks = list(storage.open_plaintext(stored))
    assert len(chunks) == 5
    assert all(len(chunk) <= storage.CHUNK_SIZE for chunk in chunks)


def test_a_stream_that_cannot_seek_is_accepted(ctx):
    data = pdf(MARKER, padding=300_000)

    class OneWay(io.RawIOBase):
        def __init__(self):
            self.source = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def read(self, size=-1):
            return self.source.read(size)

    stored = storage.store(OneWay(), original_name="r.pdf", kinds=DOCUMENT_KINDS, max_bytes=10**7)
    db.session.commit()
    assert storage.read_all(stored) == data


# Encryption at rest.


def test_stored_bytes_never_contain_the_plaintext(ctx):
    data = pdf(MARKER * 2000, padding=200_000)
    stored = keep(data, name=f"{MARKER}.pdf")
    db.session.commit()
    raw = raw_objects()[stored.storage_key]
    assert MARKER.encode() not in raw
    assert b"%PDF" not in raw
    assert MARKER not in stored.storage_key
    assert len(raw) == storage.HEADER_SIZE + len(data) + storage.TAG_SIZE * 4  # four sealed chunks
    assert MARKER.encode() not in stored.wrapped_key


def test_two_uploads_of_the_same_file_look_unrelated(ctx):
    first, second = keep(pdf(MARKER)), keep(pdf(MARKER))
    db.session.commit()
    objects = raw_objects()
    assert objects[first.storage_key] != objects[second.storage_key]
    assert first.wrapped_key != second.wrapped_key
    assert first.sha256 == second.sha256


# Tampering is detected.


@pytest.fixture
def stored_three_chunks(ctx):
    stored = keep(pdf(MARKER, padding=storage.CHUNK_SIZE * 2 + 100))
    db.session.commit()
    return stored


def tamper(stored, change):
    raw = bytearray(raw_objects()[stored.storage_key])
    put_raw(stored.storage_key, bytes(change(raw)))


def flip(position):
    def change(raw):
        raw[position] ^= 0x01
        return raw

    return change


@pytest.mark.parametrize(
    "change",
    [
        flip(storage.HEADER_SIZE + 10),  # a byte of the first chunk
        flip(-1),  # the last chunk's tag
        flip(5),  # the nonce prefix
        lambda raw: raw[: storage.HEADER_SIZE + storage.CHUNK_SIZE + storage.TAG_SIZE],  # cut at a chunk edge
        lambda raw: raw[:-1],  # cut mid-chunk
        lambda raw: raw[:8],  # cut inside the header
        lambda raw: b"XXXX" + raw[4:],  # not our format
        lambda raw: raw + b"\x00" * 40,  # extra bytes appended
    ],
    ids=["byte", "tag", "prefix", "cut-at-edge", "cut", "header", "magic", "appended"],
)
def test_changed_bytes_are_detected(stored_three_chunks, change):
    tamper(stored_three_chunks, change)
    with pytest.raises(StoredFileCorrupt):
        storage.read_all(stored_three_chunks)


def test_reordered_chunks_are_detected(stored_three_chunks):
    size = storage.CHUNK_SIZE + storage.TAG_SIZE
    start = storage.HEADER_SIZE

    def swap(raw):
        first, second = raw[start : start + size], raw[start + size : start + 2 * size]
        return raw[:start] + second + first + raw[start + 2 * size :]

    tamper(stored_three_chunks, swap)
    with pytest.raises(StoredFileCorrupt):
        storage.read_all(stored_three_chunks)


def test_an_object_moved_under_another_name_is_detected(ctx):
    first, second = keep(pdf("one")), keep(pdf("two"))
    db.session.commit()
    put_raw(second.storage_key, raw_objects()[first.storage_key])
    second.wrapped_key = first.wrapped_key  # even with the first file's key
    db.session.commit()
    with pytest.raises(StoredFileCorrupt):
        storage.read_all(second)


def test_a_changed_sha256_is_detected_at_the_end(stored_three_chunks):
    stored_three_chunks.sha256 = "0" * 64
    db.session.commit()
    chunks = storage.open_plaintext(stored_three_chunks)
    next(chunks)  # the chunks themselves are genuine
    with pytest.raises(StoredFileCorrupt, match="SHA-256"):
        list(chunks)


def test_a_missing_object_is_reported(stored_three_chunks):
    storage.backend().delete(stored_three_chunks.storage_key)
    with pytest.raises(StoredFileCorrupt):
        storage.read_all(stored_three_chunks)


def test_verify_lists_the_files_that_fail(ctx, runner):
    good, bad = keep(pdf("good")), keep(pdf("bad"))
    db.session.commit()
    tamper(bad, flip(-3))
    assert storage.verify_all() == [bad.id]
    result = runner.invoke(args=["storage", "verify"])
    assert result.exit_code == 1 and f"ids [{bad.id}]" in result.output
    assert storage.read_all(good) == pdf("good")


# Keys.


def test_the_wrong_key_cannot_read(ctx):
    stored = keep(pdf(MARKER))
    db.session.commit()
    ctx.config["PORTAL_STORAGE_KEY"] = new_key()
    with pytest.raises(StoredFileCorrupt, match="not configured"):
        storage.open_plaintext(stored)
    stored.key_id = storage.key_id(storage.decode_key(ctx.config["PORTAL_STORAGE_KEY"]))
    with pytest.raises(StoredFileCorrupt, match="does not unwrap"):
        storage.open_plaintext(stored)


@pytest.mark.parametrize("value", ["k", base64.b64encode(b"short").decode(), "not base64 at all!!"])
def test_a_bad_key_is_a_clear_error(ctx, value):
    ctx.config["PORTAL_STORAGE_KEY"] = value
    with pytest.raises(storage.StorageConfigError, match="32 random bytes"):
        keep(pdf())


def test_no_key_is_a_clear_error_and_stores_nothing(ctx):
    ctx.config["PORTAL_STORAGE_KEY"] = None
    with pytest.raises(storage.StorageConfigError, match="PORTAL_STORAGE_KEY is not set"):
        keep(pdf())
    assert raw_objects() == {}


def test_development_generates_and_keeps_a_storage_key(tmp_path):
    from portal import config

    first = config.load(str(tmp_path), {"PORTAL_ENV": "development"})
    second = config.load(str(tmp_path), {"PORTAL_ENV": "development"})
    assert first["PORTAL_STORAGE_KEY"] == second["PORTAL_STORAGE_KEY"]
    assert len(storage.decode_key(first["PORTAL_STORAGE_KEY"])) == 32
    assert (tmp_path / "storage_key").stat().st_mode & 0o777 == 0o600
    production = config.load(str(tmp_path), {"PORTAL_ENV": "production", "SECRET_KEY": "s"})
    assert production["PORTAL_STORAGE_KEY"] is None  # never the development key
    assert production["PORTAL_STORAGE_PATH"] == str(tmp_path / "uploads")


def test_rotation_rewraps_every_key(ctx, runner):
    old_key = ctx.config["PORTAL_STORAGE_KEY"]
    files = {keep(pdf(f"file {n}")).id: pdf(f"file {n}") for n in range(5)}
    db.session.commit()
    before = raw_objects()
    ctx.config["PORTAL_STORAGE_KEY"] = new_key()
    ctx.config["PORTAL_STORAGE_OLD_KEY"] = old_key
    result = runner.invoke(args=["storage", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "Rewrapped 5 file keys; 0 were already under the current key." in result.output
    db.session.expire_all()
    new_id = storage.key_id(storage.decode_key(ctx.config["PORTAL_STORAGE_KEY"]))
    assert set(db.session.scalars(select(StoredFile.key_id))) == {new_id}
    assert raw_objects() == before  # only the wrapped keys change; the objects stay as they are
    ctx.config["PORTAL_STORAGE_OLD_KEY"] = None  # the old key can now be thrown away
    for file_id, data in files.items():
        assert storage.read_all(db.session.get(StoredFile, file_id)) == data
    again = runner.invoke(args=["storage", "rotate-key"])
    assert "Rewrapped 0 file keys; 5 were already under the current key." in again.output


def test_rotation_without_the_old_key_changes_nothing(ctx, runner):
    stored = keep(pdf())
    db.session.commit()
    wrapped = stored.wrapped_key
    ctx.config["PORTAL_STORAGE_KEY"] = new_key()
    result = runner.invoke(args=["storage", "rotate-key"])
    assert result.exit_code == 1
    assert "neither PORTAL_STORAGE_KEY nor PORTAL_STORAGE_OLD_KEY" in result.output
    db.session.expire_all()
    assert db.session.get(StoredFile, stored.id).wrapped_key == wrapped


def test_rotation_can_resume_in_batches(ctx):
    old_key = ctx.config["PORTAL_STORAGE_KEY"]
    for n in range(7):
        keep(pdf(str(n)))
    db.session.commit()
    ctx.config["PORTAL_STORAGE_KEY"], ctx.config["PORTAL_STORAGE_OLD_KEY"] = new_key(), old_key
    assert storage.rotate_keys(batch_size=3) == (7, 0)
    assert storage.verify_all() == []


# Refusals keep nothing.


def test_a_refused_file_leaves_nothing(ctx, tmp_path):
    for data, name in [(b"MZ" + b"\x00" * 500, "report.pdf"), (png(), "report.pdf"), (b"", "report.pdf")]:
        with pytest.raises(UploadRefused):
            keep(data, name)
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


def test_too_big_is_refused_before_anything_is_written(ctx, tmp_path):
    with pytest.raises(UploadRefused, match="smaller than 1MB"):
        keep(pdf(padding=1024 * 1024), max_bytes=1024 * 1024)
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


def test_a_stream_that_grows_past_the_limit_while_read_is_stopped(ctx, tmp_path, monkeypatch):
    """A size that passes the first check (say the file grows) is still enforced chunk by chunk."""
    source = io.BytesIO(pdf(padding=3 * storage.CHUNK_SIZE))
    calls = {"n": 0}
    real_seek = source.seek

    def seek(offset, whence=0):
        position = real_seek(offset, whence)
        calls["n"] += 1
        return 10 if whence == os.SEEK_END else position

    monkeypatch.setattr(source, "seek", seek)
    with pytest.raises(UploadRefused, match="smaller than"):
        storage.store(source, original_name="a.pdf", kinds=DOCUMENT_KINDS, max_bytes=storage.CHUNK_SIZE)
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


# Failure injection: a failure at any step leaves neither a row nor an object.


class Boom(RuntimeError):
    pass


def test_failure_while_writing(ctx, tmp_path, monkeypatch):
    real_encrypt = storage._encrypt

    def failing(*args):
        for number, piece in enumerate(real_encrypt(*args)):
            if number == 2:
                raise Boom("disk full")
            yield piece

    monkeypatch.setattr(storage, "_encrypt", failing)
    with pytest.raises(Boom):
        keep(pdf(padding=storage.CHUNK_SIZE * 8))
    db.session.rollback()
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


def test_failure_writing_the_row(ctx, tmp_path):
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        keep(pdf(MARKER), user=987654)  # no such user: the insert fails after the object is written
    db.session.rollback()
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


def test_failure_after_writing_before_commit(ctx, tmp_path):
    keep(pdf(MARKER))
    assert len(raw_objects()) == 1  # written, waiting for the commit
    db.session.rollback()  # something later in the request failed
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


def test_a_request_that_ends_without_committing(ctx, tmp_path):
    keep(pdf(MARKER))
    db.session.remove()  # what Flask-SQLAlchemy does at the end of every request
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


def test_failure_at_commit(ctx, tmp_path):
    session = db.session()

    def fail(_session):
        raise Boom("database went away")

    event.listen(session, "before_commit", fail)
    try:
        keep(pdf(MARKER))
        with pytest.raises(Boom):
            db.session.commit()
    finally:
        event.remove(session, "before_commit", fail)
    db.session.rollback()
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


def test_failure_in_the_database_commit_itself(ctx, tmp_path, user_id):
    keep(pdf(MARKER))
    db.session.add(User(id=user_id, email="clash@example.org", password_hash="x"))  # a clash at flush
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        db.session.commit()
    db.session.rollback()
    assert rows() == 0 and raw_objects() == {} and leftovers(tmp_path) == []


def test_a_commit_keeps_the_object(ctx):
    name = keep(pdf(MARKER)).storage_key
    db.session.commit()
    db.session.rollback()
    db.session.remove()
    assert list(raw_objects()) == [name]


# Deleting.


def test_delete_removes_the_object_only_after_the_commit(ctx):
    stored = keep(pdf(MARKER))
    db.session.commit()
    name = stored.storage_key
    storage.delete(stored)
    db.session.flush()
    assert name in raw_objects()
    db.session.rollback()  # changed our mind: the row and the object stay
    assert name in raw_objects() and rows() == 1
    storage.delete(db.session.get(StoredFile, stored.id))
    db.session.commit()
    assert raw_objects() == {} and rows() == 0


def test_sweep_removes_objects_no_row_names(ctx, runner):
    kept = keep(pdf("kept"))
    db.session.commit()
    orphan = secrets.token_hex(16)
    put_raw(orphan, b"left by a crash")
    assert storage.sweep(older_than=timedelta(hours=1)) == []  # too new: it may be mid-upload
    assert storage.sweep(older_than=timedelta(seconds=-60)) == [orphan]
    assert list(raw_objects()) == [kept.storage_key]
    assert "Deleted 0 objects" in runner.invoke(args=["storage", "sweep"]).output


def test_object_names_are_checked(ctx):
    with pytest.raises(storage.StorageError):
        storage.backend().get("../../etc/passwd").__next__()


# Memory: streaming keeps memory flat whatever the size.


@pytest.mark.parametrize("backend_kind", ["local"])  # S3: see the part-size test below
def test_storing_and_reading_20_mb_uses_little_memory(ctx, tmp_path, backend_kind):
    path = tmp_path / "big.pdf"
    with path.open("wb") as out:
        out.write(pdf(MARKER))
        for _ in range(20 * 16 - 1):
            out.write(os.urandom(64 * 1024))
    tracemalloc.start()
    try:
        with path.open("rb") as source:
            stored = storage.store(
                source, original_name="big.pdf", kinds=DOCUMENT_KINDS, max_bytes=21 * 1024 * 1024
            )
        db.session.commit()
        _now, peak_store = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        total = sum(len(chunk) for chunk in storage.open_plaintext(stored))
        _now, peak_read = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == path.stat().st_size > 20 * 1000 * 1000
    assert peak_store < 3 * 1024 * 1024, peak_store
    assert peak_read < 3 * 1024 * 1024, peak_read


@pytest.mark.parametrize("backend_kind", ["s3"])
def test_s3_uploads_a_big_file_in_parts_of_bounded_size(ctx, backend_kind, monkeypatch):
    """moto keeps objects in memory, so memory is not measured on S3: the parts sent are."""
    client = storage.backend().client
    sizes = []
    real_upload_part = client.upload_part

    def counting_upload_part(**kwargs):
        sizes.append(len(kwargs["Body"]))
        return real_upload_part(**kwargs)

    monkeypatch.setattr(client, "upload_part", counting_upload_part)
    body = pdf(MARKER) + os.urandom(12 * 1024 * 1024)
    stored = storage.store(
        io.BytesIO(body), original_name="big.pdf", kinds=DOCUMENT_KINDS, max_bytes=21 * 1024 * 1024
    )
    db.session.commit()
    assert len(sizes) >= 3
    assert max(sizes) < storage.S3Backend.PART_SIZE + 128 * 1024
    assert b"".join(storage.open_plaintext(stored)) == body


# Serving.


def test_send_streams_a_checked_file_with_safe_headers(ctx):
    stored = keep(png(), name="Drawing ðŵ.png")
    db.session.commit()
    with ctx.test_request_context():
        response = storage.send(stored, as_attachment=False)
        assert b"".join(response.response) == png()
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        "inline; filename=\"Drawing w.png\"; filename*=UTF-8''Drawing%20%C3%B0%C5%B5.png"
    )
    stored.sha256 = "0" * 64
    with pytest.raises(StoredFileCorrupt), ctx.test_request_context():
        storage.send(stored)
