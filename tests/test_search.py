"""Search on a real Whoosh index of a small site with captured text: what matches and how."""

from __future__ import annotations

import pytest
from searchsite import make_search_site
from simarchive.config import load_config
from simarchive.search.api import SearchRequest
from simarchive.search.documents import event_text
from simarchive.search.searcher import Searcher, index_site


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    site = make_search_site(tmp_path_factory.mktemp("search"))
    config = load_config(site.settings)
    index_site(config)
    return Searcher(config.index, config.archive, config.max_query)


def ids(searcher, q, **kw):
    return [h.id for h in searcher.search(SearchRequest(q, per_page=50, **kw)).hits]


def test_phrase_matches_only_the_words_together(searcher):
    # agency-page has "health" and "mental" apart; island-news has "Mental health" together,
    # and the 2012 event "mental-health" (the hyphen splits it into the same two words).
    assert "source:agency-page" in ids(searcher, "mental health")
    assert set(ids(searcher, '"mental health"')) == {"source:island-news", "event:2012-pilot"}


def test_stemming_finds_contract_for_contracts(searcher):
    assert ids(searcher, "contract") == ["source:island-news"]


def test_fuzzy_finds_a_misspelt_surname(searcher):
    assert ids(searcher, "jenings") == []
    assert "source:island-news" in ids(searcher, "jenings~")
    hit = next(h for h in searcher.search(SearchRequest("jenings~")).hits if h.id == "source:island-news")
    assert "<mark>Jennings</mark>" in hit.passages[0].html


def test_did_you_mean_suggests_a_known_name(searcher):
    results = searcher.search(SearchRequest("constabulry"))
    assert results.total == 0
    assert results.suggestion == "constabulary"


@pytest.mark.parametrize(("q", "expected"), [
    ("publisher:alpha report", {f"source:report-{n:02d}" for n in range(1, 25, 2)}),
    ("kind:campaign", {"source:hostile-page"}),
    ("kind:event pilot", {"event:2012-pilot"}),
    ("year:2023", {"event:2023-letter", "source:letter"}),
    ("year:2012..2013", {"event:2012-pilot", "source:island-news"}),
    ("date:2012-11", {"source:island-news"}),
    ("date:..2012-10", {"event:2012-pilot"}),
    ("source:agency-page", {"source:agency-page", "event:2016-fellowship", "event:2018-spread"}),
    ("event:2012-pilot", {"event:2012-pilot", "source:island-news"}),
    ("title:fellowship", {"event:2016-fellowship"}),
    ("actor:constabulary", {"event:2012-pilot"}),
    ("mentor* OR zeppelin", set()),
    ("repor*", {f"source:report-{n:02d}" for n in range(1, 25)}),
    ("(police OR fellowship) NOT nurses", {"event:2016-fellowship", "source:agency-page"}),
])
def test_field_filters_wildcards_and_operators(searcher, q, expected):
    assert set(ids(searcher, q)) == expected


def test_older_captures_are_searchable_with_a_switch(searcher):
    assert ids(searcher, "zeppelin") == []
    assert ids(searcher, "zeppelin", all_captures=True) == ["capture:island-news/20240101T000000Z"]


def test_facets_count_every_match_and_narrow(searcher):
    results = searcher.search(SearchRequest("programme"))
    facets = results.facets
    assert results.total == 27  # 24 reports, agency-page, letter, and one event say "programme"
    assert dict(facets["type"]) == {"source": 26, "event": 1}
    assert dict(facets["year"]) == {"2014": 6, "2015": 6, "2016": 7, "2017": 6, "2023": 1}
    assert dict(facets["source_kind"]) == {"report": 24, "promotional": 1, "official": 1}
    assert dict(facets["publisher"])["Alpha Press"] == 12
    narrowed = searcher.search(SearchRequest("programme", filters=(("publisher", "Alpha Press"),)))
    assert narrowed.total == 12
    by_year = searcher.search(SearchRequest("programme", filters=(("year", "2015"),)))
    assert by_year.total == dict(facets["year"])["2015"]


@pytest.mark.parametrize("sort", ["relevance", "date", "newest"])
def test_pagination_is_stable_and_complete(searcher, sort):
    pages = [searcher.search(SearchRequest("report", page=n, sort=sort)) for n in (1, 2, 3)]
    again = [searcher.search(SearchRequest("report", page=n, sort=sort)) for n in (1, 2, 3)]
    seen = [h.id for p in pages for h in p.hits]
    assert [h.id for p in again for h in p.hits] == seen
    assert len(seen) == len(set(seen)) == pages[0].total == 24
    assert pages[0].pages == 3


def test_sort_by_date(searcher):
    days = [h.date for h in searcher.search(SearchRequest("kind:event", sort="date")).hits]
    assert days == ["2012", "2016 or 2017", "by April 2018", "June 2021", "10 March 2023"]
    newest = [h.date for h in searcher.search(SearchRequest("kind:event", sort="newest")).hits]
    assert newest == days[::-1]


def test_hit_fields_and_passage_link(searcher):
    hit = searcher.search(SearchRequest('"Paul Jennings"')).hits[0]
    assert (hit.kind, hit.publisher, hit.date, hit.captured, hit.source_kind) == (
        "source", "Island Test News", "2 November 2012", "1 Jan 2025", "news")
    assert hit.passages[0].link == (
        "/sources/island-news/captures/20250101T000000Z/"
        "#:~:text=was%20led%20by%20Paul%20Jennings%2C%20who%20signed")


def test_hostile_text_is_escaped(searcher):
    hit = searcher.search(SearchRequest("onerror")).hits[0]
    html = " ".join(p.html for p in hit.passages)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&quot;&gt;&lt;img src=x <mark>onerror</mark>=alert(1)&gt;" in html
    title = searcher.search(SearchRequest("hostile title")).hits[0].title_html
    assert title == "<mark>Hostile</mark> &lt;b onmouseover=alert(1)&gt;<mark>title</mark>&lt;/b&gt;"



def test_a_word_with_no_match_for_its_wildcard_finds_nothing(searcher):
    assert ids(searcher, "jennings zzqx*") == []
    assert ids(searcher, "jennings OR zzqx*") == ["source:island-news"]


def test_did_you_mean_offers_a_record_word_that_sounds_the_same_never_a_stop_word(searcher):
    # "White" is four edits from "Wight" and two from "with" (in an event's text): a stop word
    # is never offered, and of the words near it, the one that finds the most with "Isle" wins.
    results = searcher.search(SearchRequest("Isle of White"))
    assert results.suggestion == "Isle of Wight"
    assert results.total == 0
    assert searcher.search(SearchRequest(results.suggestion)).total == 2


def test_event_text_has_no_space_where_a_reference_was():
    text = event_text("A summary.", 'Mental Health [@a]. The letter *said* so [@b, "so it was"], twice.')
    assert text == "A summary. Mental Health. The letter said so, twice. “so it was”"


def test_event_passages_have_no_space_where_a_reference_was(searcher):
    hit = searcher.search(SearchRequest("fellowship dated")).hits[0]
    assert hit.id == "event:2016-fellowship"
    assert "different sources." in hit.passages[0].html


@pytest.fixture(scope="module")
def uncaptured(tmp_path_factory):
    """The search site with a source known only by its registry entry, whose title has a word of
    an event's text."""
    site = make_search_site(tmp_path_factory.mktemp("uncaptured"))
    registry = site.content / "sources.toml"
    registry.write_text(registry.read_text() + (
        '\n[closure-notice]\nurl = "https://example.org/closure"\ntitle = "The company notice"\n'
        'publisher = "Test Agency"\nkind = "news"\nnote = "A notice of the closure; no copy held yet."\n'))
    config = load_config(site.settings)
    index_site(config)
    return Searcher(config.index, config.archive, config.max_query)


def test_the_record_ranks_above_a_source_known_only_by_its_registry_entry(uncaptured):
    # "company" is in the source's title (weighted three times) and in the event's text: by
    # score alone the source would come first.
    assert ids(uncaptured, "company") == ["event:2021-closure", "source:closure-notice"]


def test_a_source_without_a_capture_shows_its_registry_note_as_its_passage(uncaptured):
    hit = next(h for h in uncaptured.search(SearchRequest("company")).hits if h.id == "source:closure-notice")
    assert [p.html for p in hit.passages] == ["A notice of the closure; no copy held yet."]
    assert hit.passages[0].link == "/sources/closure-notice/"
    note = uncaptured.search(SearchRequest("notice copy")).hits
    assert [h.id for h in note] == ["source:closure-notice"]
    assert "<mark>notice</mark>" in note[0].passages[0].html


def test_while_typing_the_last_word_is_also_the_beginning_of_a_word(searcher):
    assert ids(searcher, "jennings contr") == []
    partial = searcher.search(SearchRequest("jennings contr", partial=True))
    assert ([h.id for h in partial.hits], partial.completed) == (["source:island-news"], "contr")
    assert "<mark>contracts</mark>" in partial.hits[0].passages[0].html
    # A whole word still counts as typed: "police" is indexed as its stem, which "police*" misses.
    assert set(ids(searcher, "nurses police", partial=True)) == set(ids(searcher, "nurses police"))
    done = searcher.search(SearchRequest("jennings contr ", partial=True))  # a space: the word is whole
    assert (done.total, done.completed) == (0, None)
    assert searcher.search(SearchRequest('"paul jennings"', partial=True)).completed is None


def test_a_word_only_in_a_pages_full_text_is_found_below_its_main_text(tmp_path):
    """fulltext.txt (the page's whole visible text) is searched too, weighted below the main
    text, and a word found only there gets its passage from there."""
    site = make_search_site(tmp_path)
    agency = next((site.archive / "agency-page").iterdir())
    (agency / "fulltext.txt").write_text("Menu: zeppelin timetables.\n\n" + (agency / "text.txt").read_text())
    island = sorted((site.archive / "island-news").iterdir())[-1]
    (island / "text.txt").write_text((island / "text.txt").read_text() + "A zeppelin was seen.\n")
    config = load_config(site.settings)
    index_site(config)
    searcher = Searcher(config.index, config.archive, config.max_query)
    hits = searcher.search(SearchRequest("zeppelin")).hits
    assert [h.id for h in hits] == ["source:island-news", "source:agency-page"]
    assert "<mark>zeppelin</mark> timetables" in hits[1].passages[0].html
