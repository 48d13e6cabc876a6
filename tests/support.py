"""What the tests and the benchmarks share: the repository's paths, a site in a folder of its own
with its own settings file and an in-process build of it, a free loopback port, and the real
server on it.

Tests import it as `support`; bench/ scripts put tests/ on sys.path first.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import chdir, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

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
CACHE_PATH = {cache!r}
"""


def write_settings(path: Path, *, content: Path, output: Path, archive: Path, index: Path, extra: str = "",
                   cache: Path | None = None) -> Path:
    """A settings file that takes pelicanconf.py and points it at folders of its own; Pelican's
    cache folder (the citations rendered by the last build) beside the index unless named."""
    cache = cache or Path(f"{index}.cache")
    path.write_text(SETTINGS.format(repo=str(REPO), content=str(content), output=str(output),
                                    archive=str(archive), index=str(index), cache=str(cache)) + extra)
    return path


def shared_cache(content: Path) -> Path | None:
    """The cache folder that every test's copy of one content folder shares (conftest.py names the
    session's in SIMARCHIVE_TEST_CACHE): rendering each citation afresh in every test's build
    would cost minutes, and a rendering is keyed by everything it depends on."""
    base = os.environ.get("SIMARCHIVE_TEST_CACHE")
    if not base:
        return None
    return Path(base) / hashlib.sha256(str(content.resolve()).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Build:
    """An in-process build: 0, or the status it stopped with, and what it logged (one line a
    message, as Pelican's plain handler prints them)."""

    returncode: int
    log: str


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def build(settings: Path, cwd: Path | None = None) -> Build:
    """Run Pelican on a settings file in this process, as `pelican --settings` run in cwd would
    (without its log setup: what is logged follows the loggers' levels, WARNING unless a test sets
    another)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    lines = _Lines()
    root = logging.getLogger()
    root.addHandler(lines)
    try:
        with chdir(cwd or Path.cwd()):  # messages name files relative to it, as for the command
            Pelican(read_settings(str(settings))).run()
        status = 0
    except SystemExit as stop:  # how the plugin stops a build (see site/plugin.py)
        status = stop.code if isinstance(stop.code, int) else 1
    finally:
        root.removeHandler(lines)
    return Build(status, "\n".join(lines.lines))


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
        self.settings = write_settings(root / "testconf.py", content=self.content, output=self.output,
                                       archive=self.archive, index=self.index, cache=shared_cache(content))

    def run(self, *args: str, tool: str = "sim-archive") -> subprocess.CompletedProcess:
        command = [str(BIN / tool)]
        command += ["--settings", str(self.settings)]
        if tool == "pelican":
            command += ["--log-handler", "plain"]
        return subprocess.run([*command, *args], cwd=self.root, capture_output=True, text=True, timeout=120,
                              check=False)

    def build(self) -> Build:
        return build(self.settings, self.root)

    def page(self, path: str) -> str:
        return (self.output / path).read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(settings: Path, threads: int = 2, port: int = 0) -> Iterator[str]:
    """The real WSGI app on a real waitress server on a loopback port (a free one unless given),
    with the settings of `sim-archive serve`; yields its base URL."""
    from simarchive.config import load_config
    from simarchive.web import WAITRESS, create_app
    from waitress.server import create_server

    app = create_app(load_config(settings))
    server = create_server(app, host="127.0.0.1", port=port, threads=threads, **WAITRESS)

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
        app.search.searcher.close()
