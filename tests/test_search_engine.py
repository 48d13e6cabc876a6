"""The array engine gives Whoosh's own answers: the same documents and the same BM25F scores,
on an index with two segments and deleted documents; positions decode as Whoosh would."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from searchsite import add_capture, make_search_site
from simarchive.config import load_config
from simarchive.search.engine import IndexArrays
from simarchive.search.positions import ArrayPositions, positions_array
from simarchive.search.query import make_parser, parse, prepare
from simarchive.search.searcher import NUMERIC, Searcher, SearchRequest, index_site
from whoosh import index
from whoosh.query.positional import Phrase

QUERIES = [
    "police", "nurses police", "police OR fellowship", "(police OR fellowship) NOT nurses",
    "health NOT police", "jenings~", "constabulry~2", "publisher:alpha report",
    "kind:news", "year:2012..2016", "date:..2012-10", "title:fellowship", "actor:constabulary",
    "police ANDMAYBE nurses", "source:agency-page", "event:2012-pilot", "zeppelin", "report NOT number",
]
# Whoosh scores a word expanded to several (repor*: report, reports...) differently by index size
# and context (a preloaded union below 5,000 documents); ours is always the sum of the words'
# scores, as for an OR of them. The documents are the same.
EXPANDING = ["repor*", "pro*", "numb* OR fellow*", "progamme~"]
PHRASES = ['"mental health"', '"isle of wight"', '"health nurses joined officers"', '"police police"',
           '"report number"', '"mental health" nurses', '"health mental"', '"number 7"', 'publisher:"alpha press"']


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """An index in two segments, with deletions: built, then a source's text replaced."""
    site = make_search_site(tmp_path_factory.mktemp("engine"))
    config = load_config(site.settings)
    index_site(config)
    add_capture(site, "agency-page", "20250601T000000Z", "The programme page, rewritten: police and nurses.\n")
    report = index_site(config)
    assert report.updated >= 1
    searcher = index.open_dir(str(config.index / "current")).searcher()
    assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
    return searcher, IndexArrays(searcher, NUMERIC)


def whoosh_answers(searcher, q) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None, optimize=False)}


def ours(arrays, q) -> dict[int, float]:
    found = arrays.evaluate(q)
    return {int(d): float(found.score[d]) for d in np.flatnonzero(found.mask)}


@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_and_scores_as_whoosh(engine, text):
    searcher, arrays = engine
    q = parse(make_parser(), prepare(text, 500))
    expected, got = whoosh_answers(searcher, q), ours(arrays, q)
    assert got.keys() == expected.keys()
    for doc, score in expected.items():
        assert got[doc] == pytest.approx(score, rel=1e-5), (text, doc)


@pytest.mark.parametrize("text", EXPANDING)
def test_expanding_words_match_the_documents_whoosh_matches(engine, text):
    searcher, arrays = engine
    q = parse(make_parser(), prepare(text, 500))
    assert ours(arrays, q).keys() == whoosh_answers(searcher, q).keys() != set()


@pytest.mark.parametrize("text", PHRASES)
def test_phrases_match_the_documents_whoosh_matches(engine, text):
    # Whoosh's own Phrase (span search), not ours: the same documents; the scores are ours.
    searcher, arrays = engine
    q = parse(make_parser(), prepare(text, 500))
    theirs = q.accept(lambda sub: Phrase(sub.fieldname, sub.words, boost=sub.boost) if isinstance(sub, Phrase) else sub)
    assert ours(arrays, q).keys() == whoosh_answers(searcher, theirs).keys()


def test_the_slow_path_agrees_with_the_fast_one(engine):
    searcher, arrays = engine
    q = parse(make_parser(), prepare("police OR nurses", 500))
    slow = arrays._whoosh(q)
    slow.mask &= arrays.live
    assert ours(arrays, q) == pytest.approx({int(d): float(slow.score[d]) for d in np.flatnonzero(slow.mask)})


def test_a_title_match_ranks_above_a_body_match(tmp_path):
    site = make_search_site(tmp_path)
    config = load_config(site.settings)
    index_site(config)
    hits = Searcher(config.index, config.archive).search(SearchRequest("fellowship")).hits
    assert hits[0].id == "event:2016-fellowship"  # in its title; the others have it in their text


def _positions(highest: int):
    return st.lists(st.integers(0, highest), min_size=1, max_size=40, unique=True).map(sorted)


# Narrow (uint16, one buffer for all) and wide (a document longer than 65,534 words).
@given(st.lists(st.one_of(_positions(5_000), _positions(65_534), _positions(2**31)), min_size=1, max_size=20))
def test_positions_decode_one_by_one_and_all_at_once(documents):
    fmt = ArrayPositions()
    values = [fmt.encode(positions) for positions in documents]
    assert [fmt.decode_positions(v) for v in values] == documents
    assert [fmt.decode_frequency(v) for v in values] == [len(p) for p in documents]
    assert all(len(v) == 2 * len(p) for v, p in zip(values, documents, strict=True) if p[-1] < 0xFFFF)
    positions = positions_array(np.array([len(p) for p in documents]), values)
    assert positions.tolist() == [x for p in documents for x in p]
