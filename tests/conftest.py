"""Shared fixtures: a small site built in a temporary folder, and a real server on loopback (the
parts the benchmarks use too are in support.py)."""

from __future__ import annotations

import os
import tempfile

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from support import REPO, SiteDir, serving

# Hypothesis would keep its database and caches in .hypothesis/ under the repository.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="sim-hypothesis-"))
settings.register_profile("sim", database=None)
settings.load_profile("sim")
# One cache of rendered citations for the session's builds (support.shared_cache), outside the repository.
os.environ.setdefault("SIMARCHIVE_TEST_CACHE", tempfile.mkdtemp(prefix="sim-citations-"))


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    """Requests to 127.0.0.1 must never go through a proxy set in the environment."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def site(tmp_path) -> SiteDir:
    return SiteDir(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> SiteDir:
    """The test site built once for every test that only reads it."""
    site = SiteDir(tmp_path_factory.mktemp("built"))
    result = site.build()
    assert result.returncode == 0, result.log
    return site


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
