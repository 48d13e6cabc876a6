"""The styles: the five cases of tests/data/cite rendered by citeproc-py, corrected, equal citeproc-js's
rendering with the same official styles; each correction (cite/corrections.py) is named by a case."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from cite_cases import item
from simarchive.cite.corrections import curly_apostrophes, one_final_mark, punctuation_in_quote
from simarchive.cite.styles import STYLES, Renderings, render
from test_cite_tools import LOCALES, RENDER_JS, citeproc_js  # noqa: F401 - a fixture

CASES = ["gazette-pilot", "health-letter", "agency-page", "triage-survey", "network-review"]


@pytest.mark.parametrize("captured", [True, False])
def test_every_style_equals_citeproc_js_for_the_five_cases(citeproc_js, captured):  # noqa: F811
    items = [item(sid, captured=captured) for sid in CASES]
    env = {**os.environ, "NODE_PATH": str(citeproc_js / "node_modules")}
    for style in STYLES:
        done = subprocess.run(["node", str(RENDER_JS), style.path, style.locale, str(LOCALES)], env=env,
                              input=json.dumps(items), capture_output=True, text=True, timeout=120, check=True)
        expected = json.loads(done.stdout)
        for cited in items:
            assert render(cited, style.key).text() == expected[cited["id"]][style.form], (style.key, cited["id"])


def test_case_1_a_work_without_an_author_is_not_titled_twice():
    apa = render(item("health-letter"), "apa").text()
    assert apa.count("Position on the programme") == 1


def test_case_2_punctuation_goes_inside_the_quotation_marks():
    assert punctuation_in_quote("“Island”. Next") == "“Island.” Next"
    assert punctuation_in_quote("“Why?”. Next") == "“Why?” Next"
    assert "Island.”" in render(item("gazette-pilot"), "mla").text()


def test_case_3_prepositions_stay_lowercase_in_title_case():
    cited = {**item("gazette-pilot"), "title": "Concerns about the scheme under review"}
    assert "Concerns about the Scheme under Review" in render(cited, "mla").text()


def test_case_4_apostrophes_are_typographic_outside_urls():
    assert curly_apostrophes("SIM's <a href=\"https://x.example/it's\">x</a>") == (
        "SIM’s <a href=\"https://x.example/it's\">x</a>")


def test_case_5_chicago_keeps_given_names_whole():
    assert render(item("gazette-pilot"), "chicago-bib").text().startswith("Example, Jane.")


def test_case_6_no_stray_edition_in_chicago_newspaper_articles():
    assert "Edition" not in render(item("gazette-pilot"), "chicago-bib").text()


def test_case_3_a_style_that_writes_titles_as_given_is_left_alone():
    # Cite Them Right keeps a website's name as the registry writes it; "(south" is not raised.
    cited = {**item("agency-page"), "container-title": "Health Innovation Network (south London AHSN)"}
    assert "(south London AHSN)" in render(cited, "harvard").text()
    assert "17th June" in render({**cited, "title": "Update – 17th June 2021"}, "chicago-bib").text()


def test_case_7_a_quotation_in_a_title_takes_the_marks_of_its_depth():
    cited = {**item("gazette-pilot"), "title": "Police scheme 'unsafe', say nurses"}
    assert "scheme “unsafe”, say nurses" in render(cited, "apa").text()  # no quotes around an APA title
    assert "‘Police scheme “unsafe”, say nurses’" in render(cited, "harvard").text()  # inside ‘…’
    assert "“Police Scheme ‘Unsafe’, Say Nurses,”" in render(cited, "chicago-note").text()  # inside “…”
    # the style's own closing mark takes the comma inside, past the title's closing mark too
    assert punctuation_in_quote("“Revive 'Care'”, Next") == "“Revive 'Care,'” Next"


def test_case_8_a_title_s_own_mark_ends_it():
    assert one_final_mark("teams?. Prof") == "teams? Prof"
    assert one_final_mark("immediately.. (2023") == "immediately. (2023"
    cited = {**item("gazette-pilot"), "title": "Should the police be in crisis teams?"}
    assert "teams?." not in render(cited, "apa").text()


def test_italics_survive_into_html_and_not_into_the_plain_text():
    rich = render(item("health-letter"), "apa")
    assert "<i>Position on the programme</i>" in rich.html()
    assert "<i>" not in rich.text()
    hostile = render({**item("health-letter"), "title": "Risks & <script>alert(1)</script>"}, "apa").html()
    assert "Risks &amp; " in hostile and "<script" not in hostile


def test_an_organisation_is_never_split():
    from simarchive.cite.record import parse_names

    assert parse_names("StopSIM Coalition", {"StopSIM Coalition"}) == [{"literal": "StopSIM Coalition"}]
    assert parse_names("Jane Example; WrenAves") == [{"family": "Example", "given": "Jane"}, {"literal": "WrenAves"}]


def test_a_build_reuses_the_renderings_of_the_last_one_only_while_nothing_they_depend_on_changed():
    cited = item("gazette-pilot")
    first = Renderings()
    assert first.render(cited, "apa").markup == render(cited, "apa").markup
    kept = json.loads(first.to_json())
    # A kept rendering marked, to see whether the next build takes it or renders again.
    kept["renderings"] = dict.fromkeys(kept["renderings"], "<i>kept</i>")
    later = Renderings(json.dumps(kept))
    assert later.render(cited, "apa").markup == "<i>kept</i>"
    assert later.render({**cited, "title": "Another title"}, "apa").markup != "<i>kept</i>"
    assert later.render(cited, "mla").markup == render(cited, "mla").markup
    assert set(json.loads(later.to_json())["renderings"]) >= set(kept["renderings"])

    other_engine = {**kept, "engine": "citeproc-py 0.0; an older correction"}
    for saved in (json.dumps(other_engine), "{not json", "[]", ""):
        assert Renderings(saved).render(cited, "apa").markup == render(cited, "apa").markup, saved


def test_what_is_kept_is_only_what_the_last_build_used():
    cited = item("gazette-pilot")
    first = Renderings()
    first.render(cited, "apa")
    first.render({**cited, "title": "Since corrected"}, "apa")
    later = Renderings(first.to_json())
    later.render(cited, "apa")
    assert len(json.loads(later.to_json())["renderings"]) == 1
