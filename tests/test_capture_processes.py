"""Capturing with several extraction processes: every source once, progress for each, pages read
at once, and no extraction process outliving the capture."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from httpfixtures import ROUTES, http_server, make_config, settings, source  # noqa: F401 - fixtures
from httppages import make_hostile_pdf
from simarchive.archive import store
from simarchive.archive.verify import verify_archive
from simarchive.capture.pipeline import capture_sources


def test_two_extraction_processes_capture_every_source_once(http_server, settings):  # noqa: F811
    paths = ["/article", "/cp1252", "/gzip", "/doc.pdf", "/scripts", "/redirect/1"]
    sources = [source(f"s{i}", http_server.url(p)) for i, p in enumerate(paths)]
    done = []
    report = capture_sources(sources, settings.archive, settings, processes=2, allow_private=True,
                             on_done=lambda outcome: done.append(outcome.source_id))
    assert [o.source_id for o in report.outcomes] == [s.id for s in sources]
    assert report.ok, [o.reason for o in report.outcomes]
    assert sorted(done) == sorted(s.id for s in sources)
    assert all(len(store.list_captures(settings.archive, s.id)) == 1 for s in sources)
    assert verify_archive(settings.archive).ok


def test_two_extraction_processes_read_two_pages_at_once(http_server, tmp_path, monkeypatch):  # noqa: F811
    """Two PDFs that each take far longer than the limit: one at a time, the run would last at
    least twice the limit; side by side, once."""
    body = make_hostile_pdf()
    monkeypatch.setitem(ROUTES, "/hostile.pdf", lambda h, p: h.send(200, body, "application/pdf"))
    config = make_config(tmp_path, http_server, extract_seconds=4)
    sources = [source(f"h{n}", http_server.url(f"/hostile.pdf?{n}")) for n in (1, 2)]
    started = time.monotonic()
    report = capture_sources(sources, config.archive, config, jobs=2, processes=2, allow_private=True)
    elapsed = time.monotonic() - started
    cuts = [json.loads((o.path / store.CAPTURE_JSON).read_text())["extraction"]["cut"] for o in report.outcomes]
    assert cuts == ["it took longer than 4 s (SIMARCHIVE_EXTRACT_SECONDS)"] * 2
    assert elapsed < 8, f"the two pages were read one after the other ({elapsed:.1f} s)"


def test_no_source_to_capture_starts_no_process(http_server, settings):  # noqa: F811
    captured = capture_sources([source("one", http_server.url("/article"))], settings.archive, settings,
                               processes=2, allow_private=True)
    assert captured.ok
    before = _children(os.getpid())
    again = capture_sources([source("one", http_server.url("/article"))], settings.archive, settings,
                            missing=True, processes=2, allow_private=True)
    assert [o.state for o in again.outcomes] == ["skipped"]
    assert _children(os.getpid()) == before


def _children(pid: int) -> list[int]:
    """The processes whose parent is pid, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    """Whether pid is a live process (a zombie, ended but not yet reaped, is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)")
def test_workers_end_when_the_capture_process_is_killed(http_server, tmp_path):  # noqa: F811
    """SIGKILL of `sim-archive capture --processes 2` mid-download: its extraction processes end
    soon after (test_bounded_extraction kills one in the middle of a page)."""
    (tmp_path / "sources.toml").write_text("".join(
        f'[drip-{n}]\nurl = "{http_server.url("/drip")}?{n}"\ntitle = "Drip {n}"\n'
        f'publisher = "Example Trust"\nkind = "report"\n' for n in (1, 2)))
    (tmp_path / "conf.py").write_text('SIMARCHIVE_SOURCES = "sources.toml"\nSIMARCHIVE_ARCHIVE = "archive"\n'
                                      "SIMARCHIVE_DELAY = 0\nSIMARCHIVE_RETRIES = 0\n")
    command = [str(Path(sys.executable).parent / "sim-archive"), "--settings", str(tmp_path / "conf.py"),
               "capture", "--all", "--processes", "2", "--allow-private"]
    parent = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while http_server.hits["/drip"] < 2 or len(_children(parent.pid)) < 2:  # a drip lasts 50 s
            assert time.monotonic() < deadline and parent.poll() is None, "the workers never started"
            time.sleep(0.1)
        workers = _children(parent.pid)
        assert len(workers) >= 2
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in workers if _running(pid)] == []
    finally:
        for pid in [parent.pid, *workers]:
            with contextlib.suppress(ProcessLookupError):
                if _running(pid):
                    os.kill(pid, signal.SIGKILL)
