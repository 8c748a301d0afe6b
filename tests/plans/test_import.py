"""The JSON plan format: the schema, the `flask plans import` command and the caseworker's import page."""

import copy
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.plans import importer
from portal.plans.models import Plan, PlanVersion
from tests.pages import Client
from tests.plans.conftest import EXAMPLE, example_data


def broken(change) -> dict:
    data = copy.deepcopy(example_data())
    change(data)
    return data


INVALID = {
    "no format": lambda d: d.pop("format"),
    "wrong format": lambda d: d.update(format="something-else/1"),
    "no versions": lambda d: d.update(versions=[]),
    "unknown field": lambda d: d["versions"][0].update(colour="blue"),
    "bad section": lambda d: d["versions"][0]["needs"][0].update(section="F"),
    "bad area": lambda d: d["versions"][0]["needs"][0].update(area="behaviour"),
    "bad date": lambda d: d["versions"][0].update(issued_on="2025-02-30"),
    "blank need": lambda d: d["versions"][0]["needs"][0].update(text="   "),
    "unknown need ref": lambda d: d["versions"][0]["outcomes"][0].update(needs=["B99"]),
    "unknown outcome ref": lambda d: d["versions"][0]["provision"][0].update(outcomes=["E99"]),
    "duplicate ref": lambda d: d["versions"][0]["needs"][1].update(ref="B1"),
    "unpublished before published": lambda d: d["versions"][0].update(published=False),
    "negative budget": lambda d: d["versions"][1]["personal_budget"].update(amount_pence=-1),
}


@pytest.mark.parametrize("name", INVALID)
def test_invalid_documents_are_refused_with_a_reason(name):
    problems = importer.problems(broken(INVALID[name]))
    assert problems, name
    assert all(isinstance(p, str) and ":" in p for p in problems)


def test_not_json_is_refused():
    with pytest.raises(importer.PlanFormatError) as error:
        importer.load("{not json")
    assert error.value.problems[0].startswith("not valid JSON")


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_json_either_loads_or_says_why(value):
    try:
        data = importer.load(json.dumps(value))
    except importer.PlanFormatError as error:
        assert error.problems
    else:
        assert data["format"] == importer.FORMAT


def test_export_then_import_is_the_same(app, make_plan):
    plan_id = make_plan()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        from portal.plans import service

        version = service.load_version(plan, 2)
        data = importer.version_data(version)
        again = importer.fill_version(PlanVersion(plan_id=plan.id, number=9), data)
        assert importer.version_data(again) == {**data, "published": False}
        assert data == example_data()["versions"][1]


def test_the_cli_imports_a_valid_file(app, runner):
    result = runner.invoke(args=["plans", "import", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "imported 2 version(s), 2 published" in result.output
    with app.app_context():
        plan = db.session.scalar(select(Plan))
        assert plan.child.full_name == "Samuel Taylor"
        assert [v.number for v in plan.versions] == [1, 2]
        assert [n.ref for n in plan.versions[1].outcomes[2].needs] == ["C1", "D1"]
        assert [o.ref for o in plan.versions[1].provision[4].outcomes] == ["E3"]


def test_the_cli_refuses_an_invalid_file_and_saves_nothing(app, runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(broken(INVALID["unknown need ref"])))
    result = runner.invoke(args=["plans", "import", str(path)])
    assert result.exit_code != 0
    assert "no need with ref 'B99'" in result.output
    assert "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0


def test_the_cli_adds_versions_to_an_existing_plan(app, runner, make_plan, tmp_path):
    plan_id = make_plan()
    data = example_data()
    data.pop("child")
    data["versions"] = [dict(data["versions"][1], published=False)]
    path = tmp_path / "next.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(args=["plans", "import", str(path), "--plan", str(plan_id)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        version = db.session.scalar(select(PlanVersion).where(PlanVersion.number == 3))
        assert not version.is_published


def test_a_caseworker_imports_through_the_page(app, sign_in, people, make_plan):
    plan_id = make_plan()
    client = Client(app.test_client())
    sign_in(people.caseworker, client=client)
    token = client.get(f"/plans/{plan_id}/versions/import").csrf_token()
    bad = json.dumps(broken(INVALID["bad area"])).encode()
    response = client.raw.post(
        f"/plans/{plan_id}/versions/import",
        data={"csrf_token": token, "file": (io.BytesIO(bad), "plan.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "The file does not follow the plan format" in text and "behaviour" in text
    data = example_data()
    data["versions"] = [dict(data["versions"][1], published=False, reason=None)]
    response = client.raw.post(
        f"/plans/{plan_id}/versions/import",
        data={"csrf_token": token, "file": (io.BytesIO(json.dumps(data).encode()), "plan.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(PlanVersion.id)).where(PlanVersion.plan_id == plan_id)) == 3
        )


def test_the_example_in_the_documentation_is_valid():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    assert importer.problems(json.loads(example)) == []


def test_nul_characters_are_refused():
    data = broken(lambda d: d["versions"][0]["section_a"][0].update(text="a\x00b"))
    assert importer.problems(data) == ["versions/0/section_a/0/text: contains a NUL character"]
