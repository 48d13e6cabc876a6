"""Capturing across processes: every source once, progress for each, politeness kept, and no
worker outliving its parent."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
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
    """SIGKILL of `sim-archive capture --processes 2` mid-capture: its workers end soon after."""
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
        while http_server.hits["/drip"] < 2:  # both workers are mid-download (a drip lasts 50 s)
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
