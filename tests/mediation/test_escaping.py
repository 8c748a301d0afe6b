"""What a family types (access needs, a language) is shown as text, never as HTML."""

from datetime import timedelta

from portal.mediation.deadlines import today_in_england


def test_typed_answers_are_escaped_on_check_and_request_pages(client, sign_in, people):
    sign_in(people.family)
    client.submit("/mediation/request/decision", {"decision": "plan_contents"})
    d = today_in_england() - timedelta(days=3)
    client.submit("/mediation/request/letter-date", {"letter_date": [str(d.day), str(d.month), str(d.year)]})
    client.submit("/mediation/request/about", {"areas": ["education"]})
    client.submit("/mediation/request/access-needs", {"access_needs": "<b>x</b>"})
    client.submit(
        "/mediation/request/interpreter", {"interpreter": "yes", "language": "<script>alert(1)</script>"}
    )
    page = client.submit("/mediation/request/mediation-or-certificate", {"wants": "mediation"})
    assert "<script>alert" not in page.html and "<b>x</b>" not in page.html
    token = page.soup.select_one("input[name=token]")["value"]
    page = client.submit("/mediation/request/check", {"token": token})
    rid = page.links()["See your request"]
    page = client.get(rid)
    assert "<script>alert" not in page.html and "&lt;script&gt;" in page.html
