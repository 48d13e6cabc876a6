"""The four styles against hand-checked expectations, for the five cases of tests/data/cite.

Each expectation was written from the style guide's own template, not from our output:
APA 7 (Publication Manual 9.12 no author, 9.16 retrieval dates, 10.2 newspaper articles,
10.16 web pages), MLA 9 (the core elements; the archive as second container; abbreviated
months), Chicago 17 (14.191 newspapers, 14.206 web pages, 14.233 and the CMOS Q&A on archived
copies, notes and bibliography) and Cite Them Right 12th ed. (Harvard: newspapers online, web
pages, reports; no author; "Available at:" and "(Accessed: ...)").
"""

from __future__ import annotations

import datetime as dt

import pytest
from cite_cases import SITENAME, SITEURL, item, url
from simarchive.cite.record import event_item
from simarchive.cite.styles import render
from simarchive.content.dates import parse_when
from simarchive.content.events import Event

GAZETTE, LETTER, AGENCY = url("gazette-pilot"), url("health-letter"), url("agency-page")
SURVEY, REVIEW = url("triage-survey"), url("network-review")
ARCHIVE = "SIM Timeline and Evidence Archive"

EXPECTED = {
    # A news article with an author and a day.
    ("gazette-pilot", "apa"): (
        "Example, J. (2021, June 15). Pilot pairs police and nurses on the island. The Example Gazette. "
        f"Retrieved January 2, 2024, from {GAZETTE}"
    ),
    ("gazette-pilot", "mla"): (
        "Example, Jane. “Pilot Pairs Police and Nurses on the Island.” The Example Gazette, 15 June 2021. "
        f"{ARCHIVE}, 2 Jan. 2024, {GAZETTE[8:]}."
    ),
    ("gazette-pilot", "chicago"): (
        "Example, Jane. “Pilot Pairs Police and Nurses on the Island.” The Example Gazette, June 15, 2021. "
        f"Archived January 2, 2024, at {ARCHIVE}. {GAZETTE}."
    ),
    ("gazette-pilot", "chicago-note"): (
        "Jane Example, “Pilot Pairs Police and Nurses on the Island,” The Example Gazette, June 15, 2021, "
        f"archived January 2, 2024, at {ARCHIVE}, {GAZETTE}."
    ),
    ("gazette-pilot", "harvard"): (
        "Example, J. (2021) ‘Pilot pairs police and nurses on the island’, The Example Gazette, 15 June. "
        f"Available at: {GAZETTE} (Accessed: 2 January 2024)."
    ),
    # An official letter with no author: the title takes the author's place.
    ("health-letter", "apa"): (
        f"Position on the programme. (2023, March 10). Test Health Body. Retrieved January 2, 2024, from {LETTER}"
    ),
    ("health-letter", "mla"): (
        f"Position on the Programme. Test Health Body, 10 Mar. 2023. {ARCHIVE}, 2 Jan. 2024, {LETTER[8:]}."
    ),
    ("health-letter", "chicago"): (
        "Position on the Programme. Test Health Body, March 10, 2023. "
        f"Archived January 2, 2024, at {ARCHIVE}. {LETTER}."
    ),
    ("health-letter", "chicago-note"): (
        "Position on the Programme (Test Health Body, March 10, 2023), "
        f"archived January 2, 2024, at {ARCHIVE}, {LETTER}."
    ),
    ("health-letter", "harvard"): (
        f"Position on the programme (2023) Test Health Body. Available at: {LETTER} (Accessed: 2 January 2024)."
    ),
    # A web page known only to the month: no day appears anywhere.
    ("agency-page", "apa"): (
        f"National programme page. (2021, June). Test Agency. Retrieved January 2, 2024, from {AGENCY}"
    ),
    ("agency-page", "mla"): f"“National Programme Page.” Test Agency, June 2021. {ARCHIVE}, 2 Jan. 2024, {AGENCY[8:]}.",
    ("agency-page", "chicago"): (
        f"“National Programme Page.” Test Agency. June 2021. Archived January 2, 2024, at {ARCHIVE}. {AGENCY}."
    ),
    ("agency-page", "chicago-note"): (
        f"“National Programme Page,” Test Agency, June 2021, archived January 2, 2024, at {ARCHIVE}, {AGENCY}."
    ),
    ("agency-page", "harvard"): f"National programme page (2021) Available at: {AGENCY} (Accessed: 2 January 2024).",
    # A report known only to the year.
    ("triage-survey", "apa"): (
        "Writer, S. Q. (2019). Survey of street triage in England. Test Institute. "
        f"Retrieved January 2, 2024, from {SURVEY}"
    ),
    ("triage-survey", "mla"): (
        "Writer, Sam Q. Survey of Street Triage in England. Test Institute, 2019. "
        f"{ARCHIVE}, 2 Jan. 2024, {SURVEY[8:]}."
    ),
    ("triage-survey", "chicago"): (
        "Writer, Sam Q. Survey of Street Triage in England. Test Institute, 2019. "
        f"Archived January 2, 2024, at {ARCHIVE}. {SURVEY}."
    ),
    ("triage-survey", "chicago-note"): (
        "Sam Q. Writer, Survey of Street Triage in England (Test Institute, 2019), archived January 2, 2024, "
        f"at {ARCHIVE}, {SURVEY}."
    ),
    ("triage-survey", "harvard"): (
        "Writer, S.Q. (2019) Survey of street triage in England. Test Institute. "
        f"Available at: {SURVEY} (Accessed: 2 January 2024)."
    ),
    # An archived PDF by an organisation that is also its publisher (named once).
    ("network-review", "apa"): (
        f"Test Network. (2020, February 3). Annual review of the model. Retrieved January 2, 2024, from {REVIEW}"
    ),
    ("network-review", "mla"): (
        f"Annual Review of the Model. Test Network, 3 Feb. 2020. {ARCHIVE}, 2 Jan. 2024, {REVIEW[8:]}."
    ),
    ("network-review", "chicago"): (
        f"Test Network. Annual Review of the Model. February 3, 2020. Archived January 2, 2024, at {ARCHIVE}. {REVIEW}."
    ),
    ("network-review", "chicago-note"): (
        "Test Network, Annual Review of the Model (February 3, 2020), "
        f"archived January 2, 2024, at {ARCHIVE}, {REVIEW}."
    ),
    ("network-review", "harvard"): (
        f"Test Network (2020) Annual review of the model. Available at: {REVIEW} (Accessed: 2 January 2024)."
    ),
}


@pytest.mark.parametrize(("source_id", "style"), list(EXPECTED))
def test_style_matches_the_hand_checked_citation(source_id, style):
    assert render(item(source_id), style).text() == EXPECTED[source_id, style]


@pytest.mark.parametrize(("source_id", "style", "italic"), [
    ("gazette-pilot", "apa", "The Example Gazette"),
    ("health-letter", "apa", "Position on the programme"),
    ("health-letter", "mla", "Position on the Programme"),
    ("agency-page", "mla", "Test Agency"),
    ("gazette-pilot", "harvard", "The Example Gazette"),
    ("network-review", "chicago", "Annual Review of the Model"),
])
def test_italics_fall_where_the_style_puts_them(source_id, style, italic):
    html = render(item(source_id), style).html()
    assert f"<i>{italic}</i>" in html
    assert html.count("<i>") == 1 + (style == "mla")  # MLA also italicises the archive


def test_a_source_not_yet_captured_cites_the_original_without_an_archive_date():
    cited = item("agency-page", captured=False)
    assert render(cited, "apa").text() == "National programme page. (2021, June). Test Agency. https://example.org/agency/programme"
    assert render(cited, "mla").text() == (
        "“National Programme Page.” Test Agency, June 2021, example.org/agency/programme."
    )
    assert render(cited, "harvard").text() == "National programme page (2021) Available at: https://example.org/agency/programme."


def test_titles_are_escaped_in_html():
    cited = {**item("health-letter"), "title": "Risks & <b>benefits</b>"}
    assert "Risks &amp; &lt;b&gt;benefits&lt;/b&gt;" in render(cited, "apa").html()


def _event(when: str) -> Event:
    from pathlib import Path

    return Event(path=Path("e.md"), title="Network closes", slug="2021-closure", when=parse_when(when),
                 summary="It closed.", phase="Concerns", sources=["x"])


def test_an_event_is_cited_as_our_page_with_its_revision_date():
    cited = event_item(_event("2021-06"), dt.date(2024, 5, 1), sitename=SITENAME, siteurl=SITEURL)
    link = f"{SITEURL}/events/2021-closure/"
    assert render(cited, "apa").text() == f"Network closes. (2024, May 1). {SITENAME}. {link}"
    assert render(cited, "mla").text() == f"“Network Closes.” {SITENAME}, 1 May 2024, {link[8:]}."
    assert render(cited, "chicago").text() == f"“Network Closes.” {SITENAME}. May 1, 2024. {link}."
    assert render(cited, "harvard").text() == f"Network closes (2024) Available at: {link}."


def test_an_event_without_a_revision_date_says_no_date():
    cited = event_item(_event("2021-06"), None, sitename=SITENAME, siteurl=SITEURL)
    assert render(cited, "apa").text().startswith("Network closes. (n.d.).")
    assert "(no date)" in render(cited, "harvard").text()


def test_headline_case_raises_words_after_an_opening_quotation_mark():
    from simarchive.cite.text import title_case

    assert title_case("Police revive scheme that 'denies care to patients'") == (
        "Police Revive Scheme That 'Denies Care to Patients'"
    )
    assert title_case("the (unpublished) report") == "The (Unpublished) Report"
