"""capture.py end to end: a real local server, real WARCs read back, kills at any instant."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from httpfixtures import (  # noqa: F401
    ARTICLE,
    ARTICLE_TEXT,
    assert_warc_ok,
    every_warc_replays,
    http_server,
    make_config,
    no_proxies,
    settings,
    source,
)
from simarchive.archive import store
from simarchive.archive.verify import verify_archive
from simarchive.capture.pipeline import capture_sources, select_sources
from simarchive.capture.politeness import HostGate
from simarchive.errors import SelectionError
from warcio.archiveiterator import ArchiveIterator

TESTS = Path(__file__).parent


def run(server, config, paths, **kwargs):  # noqa: ANN001, ANN201
    sources = [
        source(p.strip("/").replace("/", "-").replace(".", "-"), server.url(p)) for p in paths
    ]
    kwargs.setdefault("allow_private", True)
    return capture_sources(sources, config.archive, config, **kwargs)


def test_captures_are_complete_and_replay_with_warcio(http_server, settings):
    report = run(
        http_server, settings, ["/article", "/redirect/1", "/gzip", "/doc.pdf", "/data.bin"]
    )
    assert [o.state for o in report.outcomes] == ["captured"] * 5 and report.ok
    for outcome in report.outcomes:
        assert outcome.path.parent == settings.archive / outcome.source_id
        records = assert_warc_ok(outcome.path / store.WARC)
        assert records[0][0] == "warcinfo"
        capture = store.load_capture(outcome.path)
        assert capture.sha256 == outcome.sha256 and capture.via == "live"
    assert os.listdir(settings.archive / "article") == [report.outcomes[0].path.name]
    assert sorted(os.listdir(report.outcomes[0].path)) == [
        "capture.json",
        "capture.warc.gz",
        "fulltext.txt",
        "manifest-sha256.txt",
        "text.txt",
    ]
    assert sorted(os.listdir(report.outcomes[3].path)) == ["capture.json", "capture.warc.gz", "manifest-sha256.txt",
                                                          "text.txt"]  # a PDF


def test_capture_json_records_what_happened(http_server, settings):
    outcome = run(http_server, settings, ["/redirect/1"]).outcomes[0]
    data = json.loads((outcome.path / store.CAPTURE_JSON).read_text())
    assert data["original_url"] == data["fetched_url"] == http_server.url("/redirect/1")
    assert data["final_url"] == http_server.url("/article")
    assert [hop["status"] for hop in data["redirects"]] == [301, 302]
    assert (data["status"], data["content_type"], data["length"]) == (
        200,
        "text/html; charset=utf-8",
        len(ARTICLE),
    )
    assert data["sha256"] == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert (data["via"], data["wayback_timestamp"], data["charset"]) == ("live", None, "utf-8")
    assert data["extraction"] == {"method": "html", "main": "fallback-fulltext", "characters": len(ARTICLE_TEXT),
                                  "fulltext_characters": len(ARTICLE_TEXT)}
    assert data["files"] == {"warc": "capture.warc.gz", "text": "text.txt", "fulltext": "fulltext.txt"}
    assert data["route"] == {"path": "live", "why": "the live page answered HTTP 200"}
    assert data["metadata"]["author"] == ["Jane Analyst"]
    assert data["captured_at"].endswith("Z") and data["tool_version"].startswith("sim-archive ")
    assert (outcome.path / store.TEXT).read_text() == ARTICLE_TEXT
    assert outcome.path.name == data["captured_at"].replace("-", "").replace(":", "")[:15] + "Z"


def test_warc_has_request_and_response_for_every_hop(http_server, settings):
    outcome = run(http_server, settings, ["/redirect/1"]).outcomes[0]
    records = assert_warc_ok(outcome.path / store.WARC)
    hops = [(kind, uri.removeprefix(http_server.base)) for kind, uri, _ in records[1:]]
    assert hops == [
        ("request", "/redirect/1"),
        ("response", "/redirect/1"),
        ("request", "/redirect/2"),
        ("response", "/redirect/2"),
        ("request", "/article"),
        ("response", "/article"),
    ]
    assert records[-1][2] == ARTICLE.encode()


def test_gzip_capture_stores_the_wire_bytes_and_replays_decoded(http_server, settings):
    outcome = run(http_server, settings, ["/gzip"]).outcomes[0]
    records = assert_warc_ok(outcome.path / store.WARC)
    assert records[-1][2] == ARTICLE.encode()  # warcio undoes the Content-Encoding on replay
    capture = store.load_capture(outcome.path)
    assert capture.text_path.read_text() == ARTICLE_TEXT
    assert (
        capture.length < len(ARTICLE)
        and capture.sha256 != hashlib.sha256(ARTICLE.encode()).hexdigest()
    )


def test_failures_say_why_and_leave_nothing(http_server, settings):
    report = run(http_server, settings, ["/short", "/loop/a", "/broken"], via="live")
    assert [o.state for o in report.outcomes] == ["failed"] * 3 and not report.ok
    assert report.outcomes[0].reason == (
        f"{http_server.url('/short')}: the body was cut short: 400 of the 1000 bytes announced by "
        "Content-Length arrived"
    )
    assert (
        report.outcomes[2].reason
        == f"{http_server.url('/broken')}: HTTP 500 Internal Server Error (after 2 retries)"
    )
    for outcome in report.outcomes:
        assert os.listdir(settings.archive / outcome.source_id) == []


def test_extraction_warnings_are_kept(http_server, settings):
    outcome = run(http_server, settings, ["/data.bin"]).outcomes[0]
    assert outcome.warnings == [
        "no text could be extracted: content type 'application/octet-stream' is not HTML, PDF or text"
    ]
    assert store.load_capture(outcome.path).text_path.read_text() == ""


def test_missing_skips_sources_already_captured(http_server, settings):
    run(http_server, settings, ["/article"])
    report = run(http_server, settings, ["/article", "/scripts"], missing=True)
    assert [(o.source_id, o.state, o.reason) for o in report.outcomes] == [
        ("article", "skipped", "already captured"),
        ("scripts", "captured", None),
    ]
    assert http_server.hits["/article"] == 1


def test_a_second_capture_never_overwrites_the_first(http_server, settings):
    first = run(http_server, settings, ["/article"]).outcomes[0].path
    second = run(http_server, settings, ["/article"]).outcomes[0].path
    assert first != second and first.exists() and second.exists()
    assert [c.path for c in store.list_captures(settings.archive, "article")] == [first, second]


def test_select_sources():
    registry = {"a": source("a", "http://a/"), "b": source("b", "http://b/")}
    assert [s.id for s in select_sources(registry, ["b", "a", "b"])] == ["b", "a"]
    assert len(select_sources(registry, everything=True)) == 2
    with pytest.raises(SelectionError) as info:
        select_sources(registry, ["c", "a", "d"])
    assert str(info.value) == "unknown source id 'c', 'd' (not in the registry)"
    with pytest.raises(SelectionError) as info:
        select_sources(registry, [])
    assert str(info.value) == "name the sources to capture by id, or pass --all or --missing"


def test_host_gate_limits_concurrency_and_spaces_starts():
    gate = HostGate(per_host=2, delay=0.1)
    active, peak, starts, lock = [0], [0], [], threading.Lock()

    def work() -> None:
        with gate("h"):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
                starts.append(time.monotonic())
            time.sleep(0.15)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    assert peak[0] == 2
    assert all(b - a >= 0.09 for a, b in zip(starts, starts[1:], strict=False))


def test_parallel_capture_respects_per_host(http_server, tmp_path):
    config = make_config(tmp_path, http_server, per_host=1, delay=0.05)
    started = time.monotonic()
    report = run(http_server, config, ["/article", "/scripts", "/doc.pdf", "/gzip"], jobs=4)
    assert report.ok and time.monotonic() - started >= 0.15


def _capture_in_subprocess(tmp_path: Path, url: str, repeat: int) -> subprocess.Popen:
    code = (
        "import sys; from pathlib import Path\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "from httpfixtures import make_config, source\n"
        "from simarchive.capture.pipeline import capture_sources\n"
        f"config = make_config(Path({str(tmp_path)!r}), max_bytes=1_000_000)\n"
        f"for _ in range({repeat}):\n"
        f"    capture_sources([source('s', {url!r})], config.archive, config, allow_private=True)\n"
    )
    return subprocess.Popen([sys.executable, "-c", code])


def test_sigkill_mid_download_leaves_no_visible_capture(http_server, tmp_path):
    archive = tmp_path / "archive"
    process = _capture_in_subprocess(tmp_path, http_server.url("/drip"), 1)
    deadline = time.monotonic() + 20
    while not (http_server.hits["/drip"] and list(archive.glob("s/.tmp-*"))):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.02)
    time.sleep(0.3)  # the body is dripping in: 100 bytes every 50 ms, for 50 s
    assert process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert store.capture_dirs(archive, "s") == [] and store.list_captures(archive, "s") == []
    result = verify_archive(archive)
    assert result.ok and result.checked == 0 and len(result.leftovers) == 1


def _wait_for(condition, process: subprocess.Popen) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.01)


def test_sigkill_at_random_instants_leaves_whole_captures_or_none(http_server, tmp_path):
    archive = tmp_path / "archive"
    rng = random.Random(3)
    for round_ in range(1, 5):
        process = _capture_in_subprocess(tmp_path, http_server.url("/gzip"), 1000)
        hits = http_server.hits["/gzip"]
        if round_ == 1:  # let whole captures appear, then kill at any point of a later one
            _wait_for(lambda: len(store.capture_dirs(archive, "s")) >= 2, process)
        else:
            _wait_for(lambda hits=hits: http_server.hits["/gzip"] > hits, process)
        time.sleep(rng.uniform(0, 0.2))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        result = verify_archive(archive)  # every visible capture: WARC, digests, SHA-256, json
        assert result.ok, result.problems
        assert len(result.leftovers) <= round_
    assert len(store.list_captures(archive, "s")) == result.checked >= 2


def test_a_source_that_cannot_be_stored_fails_alone(http_server, settings):
    settings.archive.mkdir()
    (settings.archive / "blocked").write_text("not a folder")
    sources = [
        source("blocked", http_server.url("/article")),
        source("ok", http_server.url("/article")),
    ]
    report = capture_sources(sources, settings.archive, settings, allow_private=True)
    assert [o.state for o in report.outcomes] == ["failed", "captured"]
    assert report.outcomes[0].reason == (
        f"{settings.archive / 'blocked'}: cannot create a capture folder (File exists)"
    )


def test_a_chunked_body_is_stored_whole_and_replays(http_server, settings):
    outcome = run(http_server, settings, ["/chunked"]).outcomes[0]
    records = assert_warc_ok(outcome.path / store.WARC)
    assert records[-1][2] == b"first piece, second piece\n"
    capture = store.load_capture(outcome.path)
    assert capture.text_path.read_text() == "first piece, second piece\n"
    with (outcome.path / store.WARC).open("rb") as stream:
        response = [r for r in ArchiveIterator(stream) if r.rec_type == "response"][0]
        headers = response.http_headers
        assert headers.get_header("Transfer-Encoding") is None
        assert headers.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
