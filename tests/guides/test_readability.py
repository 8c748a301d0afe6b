"""The readability panel's scores and warnings."""

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.guides import readability
from portal.guides.readability import check, glossary, unexplained_jargon


def terms(report) -> list[str]:
    return [t.term for t in report.jargon]


def test_plain_text_scores_well_and_warns_of_nothing():
    report = check("## Your child's views\n\nTell us what your child likes. We will listen.\n\n- Toys\n- Fun")
    assert report.reading_ease > 60
    assert 5 <= report.reading_age <= 11
    assert report.warnings == 0


def test_reading_age_is_the_grade_plus_five():
    text = (
        "The local authority must consider the representations made and determine whether a statutory "
        "assessment is necessary, having regard to the evidence available from educational professionals."
    )
    import textstat

    readability._textstat()  # counts syllables without the network
    report = check(text)
    assert report.reading_age == max(5, round(textstat.flesch_kincaid_grade(text) + 5))
    assert report.reading_age > 16 and report.reading_ease < 30


def test_long_sentences_are_quoted_by_their_first_words():
    long = " ".join(["word"] * 30) + "."
    report = check(f"A short one.\n\nThe start of a long sentence {long} Then a short one.")
    assert report.long_sentences == [(36, "The start of a long sentence word word…")]


def test_list_items_and_headings_are_separate_sentences():
    items = "\n".join(f"- item number {n} in a list" for n in range(10))
    assert check(f"## A heading without a full stop\n\n{items}").long_sentences == []


def test_jargon_must_be_explained_where_it_is_first_used():
    assert terms(check("Ask for an EHCP. The EHCP (education, health and care plan) is long.")) == ["EHCP"]
    assert terms(check("Ask for an EHCP (education, health and care plan).")) == []
    assert terms(check("An education, health and care plan (EHCP) is a legal document.")) == []
    assert terms(check("Ask the [SENCO](/guides/glossary#senco) at school.")) == []
    assert terms(check("Ask the [SENCO](https://example.org/senco) at school.")) == ["SENCO"]
    assert terms(check("An **EHC plan** is a legal document. The SENCO means the teacher who leads.")) == []
    assert terms(check("Your **EHCP** (education, health and care plan) matters.")) == []


def test_jargon_is_found_in_order_and_abbreviations_are_exact():
    report = check("The LA makes a statutory decision. Voilà: la plume. Provision (help) is given.")
    assert terms(report) == ["LA", "statutory"]


def test_a_longer_term_is_checked_as_one():
    # "EHC plan" is explained; it does not count as an unexplained use of anything shorter.
    assert terms(check("Your EHC plan (education, health and care plan) says what help you get.")) == []


def test_images_need_alt_text():
    report = check("![](chart.png)\n\n![  ](photo.jpg)\n\n![A bar chart of waiting times](ok.png)")
    assert report.images_without_alt == ["chart.png", "photo.jpg"]


def test_scores_and_jargon_are_for_english_only():
    report = check("Przegląd EHCP. " + " ".join(["słowo"] * 30) + ".", "pl")
    assert report.reading_ease is None and report.reading_age is None
    assert report.jargon == [] and len(report.long_sentences) == 1


def test_the_glossary_has_the_common_terms_with_meanings():
    found = {t.term: t.meaning for t in glossary()}
    for term in ("EHCP", "SENCO", "SEND", "provision", "statutory", "LA", "EP"):
        assert found[term], term


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_any_text_gets_a_report(text):
    report = check(text)
    assert report.warnings >= 0
    unexplained_jargon(text)
