"""The incremental, generation-switched index build: exactly the changed documents are redone."""

from __future__ import annotations

import os

import pytest
from searchsite import add_capture, make_search_site
from simarchive.cli import main
from simarchive.config import load_config
from simarchive.content.site import load_site
from simarchive.search import documents as search_docs
from simarchive.search.documents import site_documents
from simarchive.search.index import current_generation, update_index
from simarchive.search.searcher import Searcher, SearchRequest, index_site

# 5 events, 28 sources (3 + hostile-page + 24 reports), 1 older capture of island-news.
TOTAL = 34


@pytest.fixture
def indexed(tmp_path):
    site = make_search_site(tmp_path)
    config = load_config(site.settings)
    report = index_site(config)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (TOTAL, 0, 0, 0)
    return site, config


def snapshot(folder):
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_nothing_changed_means_nothing_reindexed_and_no_new_generation(indexed):
    _site, config = indexed
    live = current_generation(config.index)
    report = index_site(config)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 0, 0, TOTAL)
    assert report.bytes_read == 0
    assert current_generation(config.index) == live


def test_an_unchanged_event_is_not_converted_again_and_a_changed_one_is(indexed, monkeypatch):
    site, config = indexed
    converted = []
    real = search_docs.event_text
    monkeypatch.setattr(search_docs, "event_text", lambda summary, body: converted.append(body) or real(summary, body))
    report = index_site(config)
    assert (report.unchanged, converted) == (TOTAL, [])
    event = site.content / "events" / "2021-closure.md"
    event.write_text(event.read_text().replace("The company closed", "The company shut"))
    report = index_site(config)
    assert (report.updated, report.unchanged) == (1, TOTAL - 1)
    assert converted == ["The company shut in June 2021 [@island-news]."]


def test_another_markdown_version_reindexes_every_event(indexed, monkeypatch):
    _site, config = indexed
    monkeypatch.setattr(search_docs.markdown, "__version__", "0.0.0-test")
    report = index_site(config)
    assert (report.updated, report.unchanged) == (5, TOTAL - 5)  # the 5 events, converted anew


def test_incremental_build_redoes_exactly_the_changed_documents(indexed):
    site, config = indexed
    live = current_generation(config.index)
    before = snapshot(live)
    add_capture(site, "letter", "20260101T000000Z", "The letter now says withdrawn.\n")  # 1 updated, 1 added
    event = site.content / "events" / "2021-closure.md"
    event.write_text(event.read_text().replace("The company behind", "The firm behind"))  # 1 updated
    registry = site.content / "sources.toml"
    text = registry.read_text()
    start = text.index("[report-24]")
    registry.write_text(text[:start])  # report-24 is gone: 1 deleted
    report = index_site(config)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (1, 2, 1, TOTAL - 3)
    assert snapshot(live) == before, "the live generation must not be touched by a build"
    searcher = Searcher(config.index, config.archive)
    assert [h.id for h in searcher.search(SearchRequest("withdrawn")).hits] == ["source:letter"]
    assert [h.id for h in searcher.search(SearchRequest("firm")).hits] == ["event:2021-closure"]
    assert searcher.search(SearchRequest("report", per_page=50)).total == 23
    assert searcher.search(SearchRequest("programme position", all_captures=True)).hits[0].id == (
        "capture:letter/20250103T000000Z")


def test_rebuild_reindexes_everything_into_a_new_generation(indexed, capsys):
    site, config = indexed
    live = current_generation(config.index)
    assert main(["--settings", str(site.settings), "index", "--rebuild"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Indexed into {config.index}: {TOTAL} added, 0 updated, 0 deleted, 0 unchanged (")
    assert current_generation(config.index) != live
    assert live.is_dir(), "the previous generation is kept for readers still holding it"
    assert main(["--settings", str(site.settings), "index", "--rebuild"]) == 0
    assert not live.exists(), "the generation before the previous one is removed"


def test_server_searcher_follows_the_switch(indexed):
    site, config = indexed
    searcher = Searcher(config.index, config.archive)
    assert searcher.search(SearchRequest("withdrawn")).total == 0
    add_capture(site, "letter", "20260101T000000Z", "The letter now says withdrawn.\n")
    index_site(config)
    assert searcher.search(SearchRequest("withdrawn")).total == 1


def test_a_failing_build_leaves_the_live_index_as_it_was(indexed):
    _site, config = indexed
    live = current_generation(config.index)

    def broken():
        yield from list(site_documents(load_site(config), config))[:3]
        raise OSError("disk went away")

    with pytest.raises(OSError):
        update_index(config.index, broken(), config.archive, rebuild=True)
    assert current_generation(config.index) == live
    assert sorted(p.name for p in config.index.glob("gen-*")) == [live.name]
    assert Searcher(config.index, config.archive).search(SearchRequest("jennings")).total == 1


def test_index_folder_is_outside_output_and_links_atomically(indexed):
    _site, config = indexed
    link = config.index / "current"
    assert link.is_symlink() and not os.path.isabs(os.readlink(link))
