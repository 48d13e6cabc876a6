"""Bounded searches: wildcards, prefixes and fuzzy terms expand to at most so many words, and every
search runs under a time limit; each refusal is one sentence (the queries of issue #18)."""

from __future__ import annotations

import pytest
import requests
from bs4 import BeautifulSoup
from searchsite import SYLLABLES, VOCABULARY, make_large_search_site
from simarchive.config import Config, load_config
from simarchive.errors import ConfigError, QueryError
from simarchive.search.api import SearchRequest
from simarchive.search.query import MAX_EXPANSIONS
from simarchive.search.searcher import Searcher, index_site
from support import serving

EXPANDS = (f"The query expands to more than {MAX_EXPANSIONS:,} words (its wildcards and fuzzy terms); use "
           "fewer of them, or longer beginnings, for example mentor* rather than me*.")
TWO_LETTERS = sorted({s[:2] for s in SYLLABLES} | {"re"})[:25]
PAIRS = " ".join(["(ka* OR lo*)"] * 38)  # 493 characters, under the 500 of SIMARCHIVE_MAX_QUERY
DISTINCT_PAIRS = " ".join(f"({a}* OR {b}*)" for a, b in zip(TWO_LETTERS[::2], TWO_LETTERS[1::2], strict=False))
FUZZY = " ".join(f"{word}~2" for word in VOCABULARY[::350][:40])
FEW_FUZZY = " ".join(f"{word}~2" for word in VOCABULARY[::350][:10])  # under the cap
MANY_WORDS = " OR ".join(VOCABULARY[::120][:40])  # found in more than half the documents


def took_too_long(seconds: float) -> str:
    return (f"The search took longer than {seconds:g} s, the limit; narrow it with more words, a phrase "
            "or a filter (kind:, year:, publisher:).")


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    site = make_large_search_site(tmp_path_factory.mktemp("large"))
    config = load_config(site.settings)
    index_site(config)
    return site, config


def searcher(config, seconds: float) -> Searcher:
    return Searcher(config.index, config.archive, config.max_query, seconds)


@pytest.mark.parametrize("q", [PAIRS, DISTINCT_PAIRS, " ".join(f"{p}*" for p in TWO_LETTERS), FUZZY,
                               "ka* mi*", "ka* OR mi*", "(ka* OR mi~2) ne*"],
                         ids=["38 (x* OR y*)", "distinct pairs", "25 two-letter prefixes", "40 word~2", "two",
                              "two OR", "mixed"])
def test_a_query_that_expands_to_too_many_words_is_refused(large, q):
    assert len(q) <= 500
    with pytest.raises(QueryError) as caught:
        searcher(large[1], 60).search(SearchRequest(q))
    assert str(caught.value) == EXPANDS


def test_a_prefix_within_the_cap_is_searched(large):
    results = searcher(large[1], 60).search(SearchRequest("kalo*"))  # 24 words: kalo, kaloka, ...
    assert results.total > 0
    assert all("<mark>kalo" in h.passages[0].html for h in results.hits if h.id.startswith("source:synthetic"))


def test_fuzzy_terms_are_stopped_by_the_time_limit_while_they_expand(large):
    _site, config = large
    with pytest.raises(QueryError) as caught:
        searcher(config, 0.001).search(SearchRequest(FEW_FUZZY))
    assert str(caught.value) == took_too_long(0.001)
    assert searcher(config, 60).search(SearchRequest(FEW_FUZZY)).total > 0  # the limit alone refused it


def test_collecting_many_matches_is_stopped_by_the_time_limit(large):
    # Nothing to expand: here the limit stops Whoosh's collector, between two documents.
    with pytest.raises(QueryError) as caught:
        searcher(large[1], 0.001).search(SearchRequest(MANY_WORDS))
    assert str(caught.value) == took_too_long(0.001)
    assert searcher(large[1], 60).search(SearchRequest(MANY_WORDS)).total > 150


def test_the_limit_is_a_setting_the_server_applies(large):
    site, _config = large
    assert Config.search_seconds == 1.5
    original = site.settings.read_text()
    site.output.mkdir(exist_ok=True)  # no site built: only search is asked for
    site.settings.write_text(original + "SIMARCHIVE_SEARCH_SECONDS = 0.01\n")
    try:
        with serving(site.settings) as base:
            answer = requests.get(base + "/api/search", params={"q": FEW_FUZZY}, timeout=30)
            assert (answer.status_code, answer.json()) == (400, {"error": took_too_long(0.01), "query": FEW_FUZZY})
            page = requests.get(base + "/search", params={"q": FEW_FUZZY}, timeout=30)
            assert page.status_code == 400
            assert BeautifulSoup(page.text, "lxml").select_one(".error").get_text() == took_too_long(0.01)
    finally:
        site.settings.write_text(original)


@pytest.mark.parametrize("value", ["fast", 0, -1, True])
def test_a_bad_time_limit_setting_names_the_key(tmp_path, value):
    with pytest.raises(ConfigError) as caught:
        Config.from_settings({"SIMARCHIVE_SEARCH_SECONDS": value}, tmp_path)
    assert str(caught.value) == f"SIMARCHIVE_SEARCH_SECONDS must be a number of at least 0.01, not {value!r}"
