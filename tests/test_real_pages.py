"""Real pages (the shared corpus), captured by the capture core from a loopback server, as a curator's
capture would be: a sentence of each article is in text.txt and a line of its navigation is not."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from corpus import RealPage, corpus_dir, real_pages
from httpfixtures import ROUTES, make_config, no_proxies, source  # noqa: F401
from httpfixtures import TestServer as LoopbackServer
from simarchive.archive import store
from simarchive.capture.pipeline import capture_sources

# News, in five languages and three scripts; blogs; Wikipedia; right to left; broken markup.
PAGES = ["nytimes-1", "guardian-1", "bbc-1", "cnn", "lemonde-1", "heise", "qq", "wordpress", "dropbox-blog",
         "wikipedia", "rtl-1", "invalid-attributes", "bug-1255978"]
#: Pages with no navigation to leave out: made for one parser feature, or saved without it (qq).
NO_NAVIGATION = {"rtl-1", "invalid-attributes", "qq"}
NAVIGATION = "nav, header, footer, [role=navigation], [class*=menu], [id*=menu], [class*=nav], [id*=nav]"


def _corpus() -> Path:
    found = corpus_dir()
    if found is None:
        reason = "the corpus of real pages is not there (set SIM_CORPUS, or put it at ../shared/corpus)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        print(f"skipped: {reason}")
        pytest.skip(reason)
    return found


def _words(text: str) -> str:
    return " ".join(text.split())


def article_sentence(page: RealPage) -> str:
    """The first long paragraph of the reference article (else its longest line)."""
    soup = BeautifulSoup(page.expected, "lxml")
    for paragraph in soup.find_all("p"):
        if len(text := _words(paragraph.get_text())) >= 80:
            return text
    return max((_words(line) for line in soup.get_text("\n").splitlines()), key=len)


def navigation_line(page: RealPage) -> str | None:
    """A link of the page's navigation, header or footer that the reference article does not hold:
    two words or more, or four characters of a script written without spaces."""
    article = _words(BeautifulSoup(page.expected, "lxml").get_text(" "))
    for block in BeautifulSoup(page.source, "lxml").select(NAVIGATION):
        for link in block.find_all("a"):
            text = _words(link.get_text(" "))
            long_enough = len(text.split()) >= 2 and len(text) >= 8
            unspaced = not text.isascii() and " " not in text and len(text) >= 4
            if (long_enough or unspaced) and text not in article:
                return text
    return None


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[RealPage, Path]]:
    pages = {p.name: p for p in real_pages(_corpus()) if p.name in PAGES}
    assert sorted(pages) == sorted(PAGES), "pages missing from the corpus"
    server = LoopbackServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    saved = dict(ROUTES)
    for name, page in pages.items():
        # The corpus keeps every page in UTF-8, whatever its <meta charset> says (qq's says gb2312),
        # so the header says UTF-8, as a server sending these bytes would have to.
        ROUTES[f"/real/{name}"] = lambda h, p, body=page.source: h.send(200, body, "text/html; charset=utf-8")
    try:
        tmp = tmp_path_factory.mktemp("real")
        config = make_config(tmp, server, max_bytes=5_000_000)
        sources = [source(name, server.url(f"/real/{name}")) for name in PAGES]
        report = capture_sources(sources, config.archive, config, via="live", allow_private=True)
    finally:
        ROUTES.clear()
        ROUTES.update(saved)
        server.shutdown()
        server.server_close()
    assert [(o.source_id, o.state, o.reason) for o in report.outcomes] == [(n, "captured", None) for n in PAGES]
    return {o.source_id: (pages[o.source_id], o.path) for o in report.outcomes}


@pytest.mark.parametrize("name", PAGES)
def test_the_article_is_in_the_text_and_the_navigation_is_not(captured, name):
    page, folder = captured[name]
    text = _words((folder / store.TEXT).read_text(encoding="utf-8"))
    sentence = article_sentence(page)
    assert sentence in text, f"{name}: {sentence!r} is not in {folder / store.TEXT}"
    navigation = navigation_line(page)
    if name in NO_NAVIGATION:
        assert navigation is None, f"{name} has a navigation after all: {navigation!r}"
    else:
        assert navigation, f"{name}: no navigation line found in the page"
        assert navigation not in text, f"{name}: the navigation line {navigation!r} is in text.txt"
    full = _words((folder / store.FULLTEXT).read_text(encoding="utf-8"))
    assert sentence in full
