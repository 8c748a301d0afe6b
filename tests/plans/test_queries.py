"""The plan pages run the same small number of queries whatever the size of the plan."""

import pytest

from tests.pages import Client
from tests.plans.conftest import example_data


def big_plan() -> dict:
    data = example_data()
    version = data["versions"][1]
    version["section_a"] = [{"text": f"View {i}", "source": f"Source {i}"} for i in range(40)]
    version["needs"] = [
        {"ref": f"N{i}", "section": "BCD"[i % 3], "area": "cognition_learning", "text": f"Need {i}"}
        for i in range(60)
    ]
    version["outcomes"] = [
        {
            "ref": f"E{i}",
            "text": f"Outcome {i}",
            "by_when": "Soon",
            "steps": "Steps",
            "needs": [f"N{i}", f"N{i + 1}"],
        }
        for i in range(50)
    ]
    version["provision"] = [
        {
            "section": ["F", "G", "H1", "H2"][i % 4],
            "what": f"Provision {i}",
            "who": "Someone",
            "how_often": "Daily",
            "how_long": "A year",
            "funded_by": "Council",
            "outcomes": [f"E{i % 50}", f"E{(i + 7) % 50}"],
        }
        for i in range(100)
    ]
    version["advice"] = [
        {"title": f"Report {i}", "author": "Author", "date": "2026-01-01"} for i in range(30)
    ]
    return data


PAGES = ["", "/sections/a", "/sections/b", "/sections/e", "/sections/f", "/sections/k", "/history", "/access"]


@pytest.mark.parametrize("path", PAGES)
def test_query_counts_do_not_grow_with_the_plan(app, sign_in, people, make_plan, grant, count_queries, path):
    counts = []
    for data in (example_data(), big_plan()):
        plan_id = make_plan(data)
        grant(plan_id, people.parent, "parent")
        client = Client(app.test_client())
        sign_in(people.parent, client=client)
        client.get(f"/plans/{plan_id}{path}")  # warm up
        with count_queries() as counter:
            page = client.get(f"/plans/{plan_id}{path}")
        assert page.status == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts


def test_my_plans_is_one_query_for_any_number_of_plans(app, sign_in, people, make_plan, grant, count_queries):
    counts = []
    for _round in range(2):
        for _ in range(3):
            grant(make_plan(), people.parent, "parent")
        client = Client(app.test_client())
        sign_in(people.parent, client=client)
        with count_queries() as counter:
            page = client.get("/plans/")
        counts.append(counter.count)
    assert len(page.soup.select("main ul a[href^='/plans/']")) == 6
    assert counts[0] == counts[1] <= 6, counts
