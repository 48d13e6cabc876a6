"""`sim-archive serve` searches in processes of their own: the same answers, errors and recovery."""

from __future__ import annotations

import shutil
from pathlib import Path

import requests
from support import serving


def get(base: str, path: str, **params) -> requests.Response:
    return requests.get(base + path, params=params, timeout=20)


def test_the_search_process_answers_like_the_threads_do(built_site):
    with serving(built_site.settings) as threads, serving(built_site.settings, search_processes=2) as process:
        for q in ("Isle of Wight", '"police and nurses"', "fellowship~", "kind:event"):
            a, b = get(threads, "/api/search", q=q).json(), get(process, "/api/search", q=q).json()
            assert (b["total"], [h["url"] for h in b["hits"]]) == (a["total"], [h["url"] for h in a["hits"]]), q
        page = get(process, "/search", q="Isle of Wight")
        assert page.status_code == 200
        assert "Street triage pilot starts on the Isle of Wight" in page.text


def test_a_bad_query_is_still_a_400_with_its_reason(built_site):
    with serving(built_site.settings, search_processes=2) as base:
        response = get(base, "/api/search", q="x" * 501)
        assert response.status_code == 400
        assert "the limit is 500" in response.json()["error"]


def test_a_missing_index_is_a_503_and_the_next_build_mends_it(site):
    assert site.build().returncode == 0
    shutil.rmtree(site.index)
    with serving(site.settings, search_processes=2) as base:
        assert get(base, "/api/search", q="pilot").status_code == 503
        assert get(base, "/").status_code == 200
        assert site.build().returncode == 0
        assert get(base, "/api/search", q="pilot").json()["total"] >= 1


def test_the_search_process_ends_with_the_server(built_site):
    import os
    import signal
    import subprocess
    import time

    from support import BIN, free_port

    port = free_port()
    server = subprocess.Popen([str(BIN / "sim-archive"), "--settings", str(built_site.settings), "serve",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(f"http://127.0.0.1:{port}", "/api/search", q="pilot").status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        searchers = [int(pid) for pid in children if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(searchers) == (os.cpu_count() or 1)  # one per core, by default
    finally:
        os.kill(server.pid, signal.SIGKILL)  # the hardest way to go: no clean-up runs in the server
        server.wait()
    deadline = time.monotonic() + 10
    for pid in searchers:
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_a_search_that_fails_unexpectedly_leaves_the_process_answering(built_site):
    import pytest
    from simarchive.config import load_config
    from simarchive.errors import SearchError
    from simarchive.search.processes import SearchService
    from simarchive.search.searcher import SearchRequest

    service = SearchService(load_config(built_site.settings), processes=1)
    try:
        with pytest.raises(SearchError, match="a search failed"):
            service.search(SearchRequest(q=None))  # not a string: fails inside the search process
        assert service.search(SearchRequest("pilot")).total >= 1
    finally:
        service.close()
