"""The fast index-time analysis gives exactly Whoosh's terms, positions and weights."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from simarchive.search.analysis import ANALYZER, index_positions
from simarchive.search.positions import ArrayPositions
from whoosh.formats import Positions

WORDS = ["The", "police", "Policing", "a", "I", "of", "Café", "CAFÉ", "naïve", "e.g.", "U.K.", "x*y", "3.14",
         "don't", "İstanbul", "straße", "ǅemal", "co-operate", "__init__", "ﬁnance", "…", "12", "mentors"]


def whoosh(text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for token in ANALYZER(text, positions=True, mode="index"):
        found.setdefault(token.text, []).append(token.pos)
    return found


@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=60).map(" ".join))
@example("the the police the")  # stop words first: the first kept word keeps its own position
@example("")
@settings(max_examples=300)
def test_same_terms_and_positions_as_the_analyzer(text):
    assert index_positions(text) == whoosh(text)


@given(st.text(max_size=200))
def test_same_postings_as_whoosh_positions(text):
    ours, theirs = ArrayPositions(field_boost=3.0), Positions(field_boost=3.0)
    got = [(w, n, weight, ours.decode_positions(v)) for w, n, weight, v in ours.word_values(text, ANALYZER)]
    expected = [(w, n, weight, theirs.decode_positions(v)) for w, n, weight, v in theirs.word_values(text, ANALYZER)]
    assert got == expected
