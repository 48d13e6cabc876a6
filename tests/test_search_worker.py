"""The search process: searches run outside the server's process, at a lower priority; one that
dies is replaced at the next search; it ends with the server, even when the server is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
import requests
from simarchive.config import load_config
from simarchive.web import create_app
from support import BIN, free_port


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def _api(app, q: str) -> tuple[str, dict]:
    environ = {"PATH_INFO": "/api/search", "QUERY_STRING": f"q={q}"}
    setup_testing_defaults(environ)
    statuses = []
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    return statuses[0], json.loads(body)


@pytest.fixture
def app(built_site):
    app = create_app(load_config(built_site.settings))
    yield app
    app.search.worker.close()


def test_searches_run_in_a_process_of_their_own_at_a_lower_priority(app):
    worker = app.search.worker.pid
    assert worker != os.getpid() and worker in _children(os.getpid())
    assert os.getpriority(os.PRIO_PROCESS, worker) > os.getpriority(os.PRIO_PROCESS, 0)
    status, data = _api(app, "Isle of Wight")
    assert status == "200 OK" and data["total"] >= 1


def test_a_search_process_that_dies_is_replaced_by_the_next_search(app):
    killed = app.search.worker.pid
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(killed) and time.monotonic() < deadline:
        time.sleep(0.05)
    status, data = _api(app, "Isle of Wight")
    assert status == "200 OK" and data["total"] >= 1
    assert app.search.worker.pid not in (0, killed)
    status, _ = _api(app, "pilot")
    assert status == "200 OK"


def test_the_search_process_ends_when_the_server_is_killed(built_site):
    port = free_port()
    server = subprocess.Popen([str(BIN / "sim-archive"), "--settings", str(built_site.settings), "serve",
                               "--port", str(port)], cwd=built_site.root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/search", params={"q": "pilot"}, timeout=5).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        searchers = _children(server.pid)
        assert searchers, "the server started no search process"
        server.kill()
        server.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in searchers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in searchers)
    finally:
        server.kill()
        server.wait(timeout=10)
