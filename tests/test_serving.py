"""Serving under stress, on real servers: idle clients, a missing index, and gunicorn's workers
replaced when one dies."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests
from support import BIN, free_port, serving


def get(base: str, path: str, timeout: float = 10, **params) -> requests.Response:
    return requests.get(base + path, params=params, timeout=timeout)


def test_idle_clients_that_never_finish_their_headers_do_not_stop_static_pages(built_site):
    # waitress stops accepting at its connection_limit (100 by default), and has no header timeout.
    with serving(built_site.settings, threads=4) as base:
        host, port = base.removeprefix("http://").split(":")
        idle = []
        try:
            for _ in range(150):
                client = socket.create_connection((host, int(port)), timeout=5)
                client.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")  # and never the blank line
                idle.append(client)
            page = get(base, "/", timeout=2)
            assert page.status_code == 200 and "Street triage pilot" in page.text
            assert get(base, "/api/search", timeout=2, q="pilot").json()["total"] >= 1
        finally:
            for client in idle:
                client.close()


def test_a_missing_index_is_a_503_and_the_next_build_mends_it(site):
    assert site.build().returncode == 0
    shutil.rmtree(site.index)
    with serving(site.settings) as base:
        missing = get(base, "/api/search", q="pilot")
        assert (missing.status_code, missing.json()) == (503, {"error": "search is unavailable", "query": "pilot"})
        assert get(base, "/search", q="pilot").status_code == 503
        assert get(base, "/").status_code == 200
        assert site.build().returncode == 0
        assert get(base, "/api/search", q="pilot").json()["total"] >= 1


def _workers(arbiter: int) -> set[int]:
    return {int(pid) for pid in Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()}


def _wait(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except requests.ConnectionError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not true within {seconds} s: {condition.__doc__}")


def test_gunicorn_answers_search_and_replaces_a_worker_that_dies(built_site):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    arbiter = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--timeout", "30", "--bind", f"127.0.0.1:{port}",
         f"simarchive.web:app_from_settings({str(built_site.settings)!r})"],
        cwd=built_site.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        def answers():
            """/api/search answers"""
            return get(base, "/api/search", q="Isle of Wight").status_code == 200

        def two_workers():
            """gunicorn runs two workers"""
            return len(_workers(arbiter.pid)) == 2 and _workers(arbiter.pid)

        _wait(answers)
        before = _wait(two_workers)
        victim = min(before)
        os.kill(victim, signal.SIGKILL)

        def replaced():
            """the killed worker is replaced"""
            now = _workers(arbiter.pid)
            return len(now) == 2 and victim not in now and now

        after = _wait(replaced)
        assert len(after - before) == 1
        data = get(base, "/api/search", q="Isle of Wight").json()
        assert {h["url"] for h in data["hits"]} == {"/events/2012-pilot/", "/sources/island-news/"}
        assert get(base, "/").status_code == 200
    finally:
        arbiter.send_signal(signal.SIGTERM)
        output = arbiter.communicate(timeout=30)[0].decode(errors="replace")
    assert f"Worker (pid:{victim}) was sent SIGKILL" in output or str(victim) in output, output
