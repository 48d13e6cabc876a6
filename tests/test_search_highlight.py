"""Marking the query's words in archived text: whole words only, any case, any script."""

from __future__ import annotations

import pytest
from simarchive.search.highlight import matches, passages


@pytest.mark.parametrize("text", [
    "Apolice: Police policing, POLICE.\nspolice police",  # ASCII: lower-cased, scanned per prefix
    "Apolice: Police policing, POLICE.\nspolice police — café",  # not ASCII: scanned as it is
])
def test_only_whole_words_match_in_any_case(text):
    found = matches(text, frozenset({"polic"}))
    assert [text[s:e] for s, e, _t in found] == ["Police", "policing", "POLICE", "police"]
    assert all(text[s - 1] in " \n" for s, _e, _t in found)


def test_many_terms_share_one_regex_and_keep_text_order():
    words = [f"word{n}x" for n in range(12)]  # more than one regex per prefix would be worth
    text = " ".join(reversed(words))
    found = matches(text, frozenset(words))
    assert [text[s:e] for s, e, _t in found] == list(reversed(words))


def test_passages_mark_and_escape():
    [passage] = passages('Say <b>"police"</b> twice: police.', frozenset({"polic"}), "/s/")
    assert passage.html == 'Say &lt;b&gt;&quot;<mark>police</mark>&quot;&lt;/b&gt; twice: <mark>police</mark>.'
    assert passage.link.startswith("/s/#:~:text=")
