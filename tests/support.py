"""What the tests and the benchmarks share: the repository's paths, a site in a folder of its own
with its own settings file and an in-process build of it, a free loopback port, and the real
server on it.

Tests import it as `support`; bench/ scripts put tests/ on sys.path first.
"""

from __future__ import annotations

import getpass
import hashlib
import http.client
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import chdir, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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


def raw_get(base: str, path: str, encoding: str | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    """A response's status, headers (by any case) and bytes as sent, asking for the given
    Accept-Encoding or none (requests would send its own and decode the answer)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding} if encoding else {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


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


NGINX_SITE = REPO / "deploy" / "nginx.conf"
NGINX_MODULES = Path("/usr/lib/nginx/modules")
#: What the site file needs around it to run in a folder of its own (its workers as the user who
#: runs the tests: a root master would hand them to nobody, who cannot read pytest's folders).
NGINX_MAIN = """\
daemon off;
user {user};
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
load_module {modules}/ngx_http_brotli_static_module.so;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""


def _listening(process: subprocess.Popen, port: int, name: str, log: Path | None = None, seconds: float = 30) -> None:
    """Wait until a server started as process accepts connections on port; if it dies or takes
    longer, stop it and raise with what it printed (and its log file)."""
    deadline = time.monotonic() + seconds
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            printed = process.communicate()[0].decode(errors="replace")
            logged = log.read_text(errors="replace") if log and log.exists() else ""
            raise RuntimeError(f"{name} did not start on port {port}:\n{printed}{logged}")
        time.sleep(0.05)


def nginx_missing() -> str | None:
    """Why nginx with the brotli_static module cannot run here, or None."""
    if not shutil.which("nginx"):
        return "nginx is not installed (apt-get install nginx-light libnginx-mod-http-brotli-static)"
    if not (NGINX_MODULES / "ngx_http_brotli_static_module.so").is_file():
        return "nginx's brotli_static module is not installed (apt-get install libnginx-mod-http-brotli-static)"
    return None


def nginx_site(*, port: int, root: Path, upstream: str) -> str:
    """deploy/nginx.conf with its "change:" lines set: a loopback port, the site, the app."""
    lines = []
    for line in NGINX_SITE.read_text(encoding="utf-8").splitlines():
        if "# change:" in line:
            indent = line[:len(line) - len(line.lstrip())]
            directive = line.split()[0]
            value = {"listen": f"127.0.0.1:{port}", "root": str(root), "server": upstream}[directive]
            lines.append(f"{indent}{directive} {value};")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


@contextmanager
def nginx(folder: Path, *, root: Path, upstream: str) -> Iterator[str]:
    """deploy/nginx.conf served by a real nginx on a loopback port, in front of the app at
    upstream (host:port); yields its base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (folder / "site.conf").write_text(nginx_site(port=port, root=root, upstream=upstream), encoding="utf-8")
    main = NGINX_MAIN.format(folder=folder, modules=NGINX_MODULES, user=getpass.getuser())
    (folder / "nginx.conf").write_text(main, encoding="utf-8")
    process = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _listening(process, port, "nginx", folder / "error.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def gunicorn(settings: Path, cwd: Path, *, workers: int = 2,
             threads: int = 1) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app on gunicorn's pre-fork workers, as docs/serving.md runs it, on a loopback port:
    yields its base URL, once it answers, and the arbiter's process (its output in .stdout)."""
    port = free_port()
    arbiter = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads), "--timeout", "30",
         "--bind", f"127.0.0.1:{port}", f"simarchive.web:app_from_settings({str(settings)!r})"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _listening(arbiter, port, "gunicorn")
        yield f"http://127.0.0.1:{port}", arbiter
    finally:
        if arbiter.poll() is None:
            arbiter.terminate()
        arbiter.wait(timeout=30)
