"""Extraction under limits (bounded.py): a hostile PDF cannot hold a capture for hours or take the
machine's memory; the capture keeps its WARC, the text read by then, and a warning."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from httpfixtures import (  # noqa: F401
    ROUTES,
    assert_warc_ok,
    http_server,
    make_config,
    make_hostile_pdf,
    no_proxies,
    source,
)
from httppages import make_hostile_pdf as hostile_pdf
from simarchive.archive import store
from simarchive.archive.verify import verify_archive
from simarchive.capture.pipeline import capture_sources

TESTS = Path(__file__).parent
HOSTILE = hostile_pdf()


def serve_hostile(monkeypatch, body: bytes = HOSTILE) -> None:  # noqa: ANN001
    monkeypatch.setitem(ROUTES, "/hostile.pdf", lambda h, p: h.send(200, body, "application/pdf"))


def test_a_pdf_of_99225_costly_pages_is_cut_at_the_time_limit(http_server, tmp_path, monkeypatch):
    serve_hostile(monkeypatch)
    config = make_config(tmp_path, http_server, extract_seconds=2)
    sources = [source("hostile", http_server.url("/hostile.pdf")), source("next", http_server.url("/doc.pdf"))]
    started = time.monotonic()
    report = capture_sources(sources, config.archive, config, jobs=1, allow_private=True)
    assert time.monotonic() - started < 20  # pypdf alone would take hours
    hostile, after = report.outcomes
    assert (hostile.state, after.state) == ("captured", "captured")  # a fresh worker for the next one
    assert assert_warc_ok(hostile.path / store.WARC)[-1][2] == HOSTILE  # the whole payload is kept
    data = json.loads((hostile.path / store.CAPTURE_JSON).read_text())
    assert data["extraction"]["cut"] == "it took longer than 2 s (SIMARCHIVE_EXTRACT_SECONDS)"
    text = (hostile.path / store.TEXT).read_text()
    # How many pages pypdf reads in 2 s depends on the machine (on a busy one, none).
    kept = f"text.txt holds the {text.count(chr(12)) + 1} page(s) read by then" if text else "no text was kept"
    assert hostile.warnings[0] == (
        f"extraction stopped: it took longer than 2 s (SIMARCHIVE_EXTRACT_SECONDS); {kept}; "
        "the WARC holds the whole payload")
    assert (after.path / store.TEXT).read_text() == "First page of the review\n\f\nSecond page ends here\n"
    assert verify_archive(config.archive).ok


def test_a_pdf_is_read_up_to_the_page_limit(http_server, tmp_path, monkeypatch):
    serve_hostile(monkeypatch, hostile_pdf(operators=10))
    config = make_config(tmp_path, http_server, extract_pages=3)
    outcome = capture_sources([source("hostile", http_server.url("/hostile.pdf"))], config.archive, config,
                              allow_private=True).outcomes[0]
    assert (outcome.path / store.TEXT).read_text().count("\f") == 2
    assert outcome.warnings == ["extraction cut short: only the first 3 of its 99225 pages were read "
                                "(SIMARCHIVE_EXTRACT_PAGES)"]
    assert json.loads((outcome.path / store.CAPTURE_JSON).read_text())["metadata"]["pages"] == 99225


def test_a_pdf_that_needs_too_much_memory_is_cut_at_the_memory_limit(http_server, tmp_path, monkeypatch):
    serve_hostile(monkeypatch, hostile_pdf(fanout=1, operators=4_000_000))  # 165 kB, ~1 GB to read
    config = make_config(tmp_path, http_server, extract_memory=256)
    outcome = capture_sources([source("bomb", http_server.url("/hostile.pdf"))], config.archive, config,
                              allow_private=True).outcomes[0]
    assert outcome.state == "captured"
    assert outcome.warnings == ["extraction stopped: it needed more than 256 MB (SIMARCHIVE_EXTRACT_MEMORY); "
                                "no text was kept; the WARC holds the whole payload"]
    assert (outcome.path / store.TEXT).read_text() == ""


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def test_the_extraction_process_ends_with_the_capture_process(http_server, tmp_path, monkeypatch):
    serve_hostile(monkeypatch)
    code = (
        "import sys; from pathlib import Path\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "from httpfixtures import make_config, source\n"
        "from simarchive.capture.pipeline import capture_sources\n"
        f"config = make_config(Path({str(tmp_path)!r}))\n"
        f"capture_sources([source('s', {http_server.url('/hostile.pdf')!r})], config.archive, config,"
        " allow_private=True)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while not (workers := _children(parent.pid)) or not http_server.hits["/hostile.pdf"]:
        assert time.monotonic() < deadline and parent.poll() is None
        time.sleep(0.05)
    time.sleep(1)  # the worker is reading pages now
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() and "zombie" not in Path(f"/proc/{w}/status").read_text()
              for w in workers):
        assert time.monotonic() < deadline, "the extraction process outlived the capture process"
        time.sleep(0.05)
