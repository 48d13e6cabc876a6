"""Bad queries get one helpful sentence (a QueryError), never a crash; fuzzed with hypothesis."""

from __future__ import annotations

import tempfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from searchsite import make_search_site
from simarchive.config import load_config
from simarchive.errors import QueryError
from simarchive.search.searcher import Searcher, SearchRequest, index_site

# Hypothesis keeps its example database and Unicode tables in .hypothesis/ under the current
# folder by default; no test may write under the repository.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="hypothesis-"))

FIELDS = "title:, publisher:, kind:, year:, date:, source:, event:, actor:, phase:"

BAD = [
    ('"police and nurses', 'The query has an opening " without a closing one: close the phrase '
                           'with another " or remove it.'),
    ("(police OR nurses", "The query opens a parenthesis without closing it: add the missing ) "
                          "or remove the extra (."),
    ("police) nurses", "The query closes a parenthesis that was never opened: remove the extra ) "
                       "or add a ( before it."),
    ("OR", "OR needs words to work on, for example: police OR nurses, police NOT nurses."),
    ("NOT", "NOT needs words to work on, for example: police OR nurses, police NOT nurses."),
    ("police AND", "AND needs a word on each side, for example: police AND nurses."),
    ("OR nurses", "OR needs a word on each side, for example: police OR nurses."),
    ("police NOT", "NOT needs a word after it, for example: police NOT nurses."),
    ("colour:red", f'"colour:" is not a field you can search. Use one of {FIELDS} or put the words '
                   "in quotes to search for them as text."),
    ("police\x00nurses", "The query contains a control character (U+0000); remove it and try again."),
    ("police\x1b[31m", "The query contains a control character (U+001B); remove it and try again."),
    ("x" * 10_000, "The query is 10000 characters long; the limit is 500."),
    ("   ", "Type one or more words to search for."),
    ("the of", 'Nothing to search for: the query has only very common words (such as "the" or '
               '"of") or operators. Add a more specific word.'),
    ("year:abc", '"year:abc" is not a year or a range; write it as year:2016 or year:2012..2016.'),
    ("date:2016-13x", '"date:2016-13x" is not a date or a range; write it as date:2012-11 or '
                      "date:2012..2016-06."),
    ("year:2016..2012", '"year:2016..2012" ends before it starts; put the earlier date first.'),
    ("a*", "Put at least two letters before * or ? (a wildcard at the start of a word would match "
           "too many words), for example: mentor*."),
    ("*ing", "Put at least two letters before * or ? (a wildcard at the start of a word would match "
             "too many words), for example: mentor*."),
    ("jennings~5", "~5 allows too many differences; use ~ (one) or ~2 (two)."),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    site = make_search_site(tmp_path_factory.mktemp("queries"))
    config = load_config(site.settings)
    index_site(config)
    return Searcher(config.index, config.archive, config.max_query)


@pytest.mark.parametrize(("q", "message"), BAD, ids=[repr(q[:20]) for q, _m in BAD])
def test_bad_query_gets_its_message(searcher, q, message):
    with pytest.raises(QueryError) as caught:
        searcher.search(SearchRequest(q))
    assert str(caught.value) == message


def test_a_colon_inside_quotes_or_a_url_is_text(searcher):
    assert searcher.search(SearchRequest('"colour:red"')).total == 0
    assert searcher.search(SearchRequest("pilot 10:30")).total >= 0


def test_bad_facet_values(searcher):
    with pytest.raises(QueryError, match=r"^year='abc' is not a year; use four digits, e.g. year=2016.$"):
        searcher.search(SearchRequest("pilot", filters=(("year", "abc"),)))


TOKENS = ["police", "nurses", '"', "(", ")", "AND", "OR", "NOT", "kind:", "year:", "date:", "*",
          "~", "~2", ":", "-", "2012", "..", "^", "[", "]", "{", "}", "'", "TO", "title:", "é", "\\",
          "<", "+", "/", "jenn*", "2016-06"]


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), max_size=12), st.sampled_from(["", " "]))
@example(["police", "~", "/", "2012"], "")  # a fuzzy prefix longer than its word (IndexError in Whoosh)
@example(["[", "year:", "2012"], "")  # read as a range over the title, which has no single text
def test_any_query_made_of_syntax_gets_results_or_a_message(searcher, tokens, sep):
    try:
        searcher.search(SearchRequest(sep.join(tokens)))
    except QueryError as e:
        assert str(e).endswith(".") and "Traceback" not in str(e)


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=600))
def test_any_text_gets_results_or_a_message(searcher, text):
    try:
        results = searcher.search(SearchRequest(text))
    except QueryError as e:
        assert str(e).endswith(".")
    else:
        assert results.total >= 0
