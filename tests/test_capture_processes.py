"""Capturing across processes: every source once, progress for each, politeness kept."""

from __future__ import annotations

import dataclasses

from httpfixtures import http_server, make_config, settings, source  # noqa: F401 - fixtures
from simarchive.archive import store
from simarchive.archive.verify import verify_archive
from simarchive.capture.processes import capture_in_processes, shards


def test_sources_are_dealt_across_processes_only_where_no_delay_applies(tmp_path):
    sources = [source(f"a{i}", f"https://a.example/{i}") for i in range(4)] + [source("b0", "https://b.example/0")]
    polite = make_config(tmp_path, delay=1)
    assert [[s.id for s in shard] for shard in shards(sources, 2, polite)] == [["a0", "a1", "a2", "a3"], ["b0"]]
    eager = make_config(tmp_path, delay=0)
    assert [[s.id for s in shard] for shard in shards(sources, 2, eager)] == [["a0", "a2", "b0"], ["a1", "a3"]]


def test_two_processes_capture_every_source_once(http_server, settings):  # noqa: F811
    paths = ["/article", "/cp1252", "/gzip", "/doc.pdf", "/scripts", "/redirect/1"]
    sources = [source(f"s{i}", http_server.url(p)) for i, p in enumerate(paths)]
    done = []
    report = capture_in_processes(sources, settings.archive, settings, processes=2, allow_private=True,
                                  on_done=lambda outcome: done.append(outcome.source_id))
    assert [o.source_id for o in report.outcomes] == [s.id for s in sources]
    assert report.ok, [o.reason for o in report.outcomes]
    assert sorted(done) == sorted(s.id for s in sources)
    assert all(len(store.list_captures(settings.archive, s.id)) == 1 for s in sources)
    assert verify_archive(settings.archive).ok


def test_one_process_is_the_threaded_capture(http_server, settings):  # noqa: F811
    config = dataclasses.replace(settings)
    report = capture_in_processes([source("one", http_server.url("/article"))], config.archive, config,
                                  processes=4, allow_private=True)
    assert [(o.source_id, o.state) for o in report.outcomes] == [("one", "captured")]
