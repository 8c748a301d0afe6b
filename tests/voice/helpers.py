"""Small steps the views tests share: start a set, answer, send, and read the database."""

from sqlalchemy import select

from portal.extensions import db
from portal.voice.models import ViewSet

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def start(client, plan_id, kind="young_person") -> str:
    """Start (or carry on with) a set; returns the set's path, /my-views/<id>."""
    token = client.get(f"/my-views/plans/{plan_id}").csrf_token()
    response = client.raw.post(f"/my-views/plans/{plan_id}/start", data={"csrf_token": token, "kind": kind})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].rsplit("/questions/", 1)[0]


def answer(client, set_path, key, data, **kwargs):
    return client.raw.post(
        f"{set_path}/questions/{key}",
        data={"csrf_token": client.get(f"{set_path}/questions/{key}").csrf_token(), **data},
        **kwargs,
    )


def send(client, set_path):
    token = client.get(set_path).csrf_token()
    response = client.raw.post(f"{set_path}/send", data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    return response


def set_id(set_path: str) -> int:
    return int(set_path.rstrip("/").rsplit("/", 1)[1])


def only_set(app) -> ViewSet:
    with app.app_context():
        view_set = db.session.scalars(select(ViewSet)).one()
        db.session.expunge_all()
        return view_set
