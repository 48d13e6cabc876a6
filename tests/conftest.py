"""Shared fixtures: a small site built in a temporary folder, and a real server on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis would keep its database and caches in .hypothesis/ under the repository.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="sim-hypothesis-"))
settings.register_profile("sim", database=None)
settings.load_profile("sim")

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BIN = Path(sys.executable).parent

SETTINGS = """\
import sys
sys.path.insert(0, {repo!r})
from pelicanconf import *  # noqa
PATH = {content!r}
OUTPUT_PATH = {output!r}
SIMARCHIVE_SOURCES = {content!r} + "/sources.toml"
SIMARCHIVE_ARCHIVE = {archive!r}
SIMARCHIVE_INDEX = {index!r}
"""


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    """Requests to 127.0.0.1 must never go through a proxy set in the environment."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


class SiteDir:
    """A copy of tests/data/site with its own settings file, output, archive and index."""

    def __init__(self, root: Path, content: Path = DATA / "site"):
        self.root = root
        self.content = root / "content"
        shutil.copytree(content, self.content)
        self.output = root / "output"
        self.archive = root / "archive"
        self.index = root / "var" / "index"
        self.archive.mkdir()
        self.settings = root / "testconf.py"
        self.settings.write_text(SETTINGS.format(
            repo=str(REPO), content=str(self.content), output=str(self.output),
            archive=str(self.archive), index=str(self.index),
        ))

    def run(self, *args: str, tool: str = "sim-archive") -> subprocess.CompletedProcess:
        command = [str(BIN / tool)]
        command += ["--settings", str(self.settings)]
        if tool == "pelican":
            command += ["--log-handler", "plain"]
        return subprocess.run([*command, *args], cwd=self.root, capture_output=True, text=True, timeout=120,
                              check=False)

    def build(self) -> subprocess.CompletedProcess:
        return self.run(tool="pelican")

    def page(self, path: str) -> str:
        return (self.output / path).read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path) -> SiteDir:
    return SiteDir(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> SiteDir:
    """The test site built once for every test that only reads it."""
    site = SiteDir(tmp_path_factory.mktemp("built"))
    result = site.build()
    assert result.returncode == 0, result.stderr + result.stdout
    return site


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(settings: Path, threads: int = 2, search_processes: int = 0) -> Iterator[str]:
    """The real WSGI app on a real waitress server on a free loopback port; yields its base URL."""
    from simarchive.config import load_config
    from simarchive.web import create_app
    from waitress.server import create_server

    app = create_app(load_config(settings), search_processes=search_processes)
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)

    def run() -> None:
        # Closing the listening socket under the loop is how the loop ends.
        with suppress(OSError, ValueError):
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    host, port = server.socket.getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.close()
        thread.join(timeout=5)
        if search_processes:
            app.application.searcher.close()


@pytest.fixture(scope="session")
def web_server(built_site):
    with serving(built_site.settings) as base:
        yield base


SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", "test-artifacts"}


def _repo_files() -> dict[str, int]:
    files = {}
    for folder, dirs, names in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for name in names:
            path = os.path.join(folder, name)
            files[path] = os.stat(path).st_mtime_ns
    return files


@pytest.fixture(scope="session", autouse=True)
def _tests_leave_the_repository_alone():
    """No test may write under the repository (ArchiveBox's _assert_not_repo_path, for the tree)."""
    before = _repo_files()
    yield
    after = _repo_files()
    changed = sorted(p for p in after.keys() | before.keys() if after.get(p) != before.get(p))
    assert not changed, f"tests wrote under the repository: {changed[:10]}"
