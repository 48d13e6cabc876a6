"""Publishing a build atomically: Pelican writes the whole site into a new folder, then OUTPUT_PATH
becomes a symlink to that folder in one rename, so a server never sends a mix of two builds.

    build_and_publish(Path("pelicanconf.py"))   # output -> output.builds/20261202T101500.123456Z-k3j2

Before the switch, the build's pages, stylesheets, scripts and data are compressed beside
themselves (index.html.gz, index.html.br: WhiteNoise, nginx's gzip_static and brotli_static send
them to a client that accepts them), so a page and its compressed forms always come from one
build. The fingerprinted assets of the build before are carried over too: a page of it that a
reader loaded just before the switch still finds the stylesheet and scripts it names.

The builds live beside OUTPUT_PATH, in `<OUTPUT_PATH>.builds/`, named by the time they were made.
The one published and the one before it are kept, and so is any build replaced less than a minute
ago: a server may still be sending a page of it. The rest are removed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pelican
from pelican.settings import read_settings
from whitenoise.compress import Compressor

from ..cite.export import DOWNLOAD_PREFIX
from .assets import MANIFEST

logger = logging.getLogger(__name__)

__all__ = ["build_and_publish", "builds_folder", "compress", "publish"]

#: How long a replaced build is kept for the requests still reading it, in seconds.
GRACE = 60.0
#: What is sent compressed: text. Images, WARCs and WACZ files are compressed already.
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
#: The theme's folder in a build, where its assets and their manifest are.
THEME = "theme"


def compressible(relative: Path) -> bool:
    """Whether a file of a build is to be sent compressed. Downloads are sent as they are, byte
    for byte: a capture's files (its manifest is checked with sha256sum as it is), and the
    citation files."""
    if relative.suffix not in COMPRESSED or relative.name.startswith(DOWNLOAD_PREFIX):
        return False
    return "captures" not in relative.parts[:-1] or relative.name == "index.html"


def compress(build: Path) -> int:
    """Write the gzip and Brotli forms of every compressible file of a build beside it (none
    where compressing saves less than 5 %, WhiteNoise's rule); the number of files written."""
    compressor = Compressor(quiet=True)
    written = 0
    for path in sorted(build.rglob("*")):
        if path.is_file() and compressible(path.relative_to(build)):
            written += len(compressor.compress(str(path)))
    return written


def carry_assets(previous: Path | None, build: Path) -> None:
    """Copy the fingerprinted assets of the build before into the new one, where it has no file
    of that name (a name is its content, so one there already is the same)."""
    if previous is None or not (previous / THEME / MANIFEST).is_file():
        return
    names = json.loads((previous / THEME / MANIFEST).read_text(encoding="utf-8")).values()
    for name in names:
        source, target = previous / THEME / name, build / THEME / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def builds_folder(output: Path) -> Path:
    return output.with_name(output.name + ".builds")


def _target(output: Path) -> Path | None:
    """The build `output` points to, or None when it is not such a link."""
    if not output.is_symlink():
        return None
    return (output.parent / os.readlink(output)).resolve()


def publish(output: Path, build: Path, grace: float | None = None) -> None:
    """Point `output` at `build` in one atomic rename, then remove the builds replaced more than
    `grace` seconds (default GRACE) ago, but for the one `output` pointed to. An `output` that is a plain folder
    (a site built by the `pelican` command, or before builds were published this way) is moved
    among the builds first."""
    grace = GRACE if grace is None else grace
    builds = builds_folder(output)
    previous = _target(output)
    if output.exists() and previous is None:
        previous = builds / f"00000000T000000Z-earlier-{uuid.uuid4().hex[:8]}"  # sorts before every build
        os.replace(output, previous)
    os.utime(build)  # its time is when it was published: what the grace of the build before counts from
    link = output.with_name(f".{output.name}-{uuid.uuid4().hex[:8]}")
    link.symlink_to(os.path.relpath(build, output.parent))
    os.replace(link, output)
    ordered = sorted(builds.iterdir(), key=lambda p: p.name)
    now = time.time()
    for stale, successor in zip(ordered, ordered[1:], strict=False):
        if stale.resolve() in (build.resolve(), previous):
            continue
        if now - successor.stat().st_mtime >= grace:
            shutil.rmtree(stale, ignore_errors=True)


def build_and_publish(settings_file: Path, pelican_args: list[str] = ()) -> int:
    """Build the site with Pelican into a new folder and publish it; the status Pelican ended
    with. A build that fails leaves the published site as it was."""
    output = Path(read_settings(str(settings_file))["OUTPUT_PATH"])
    builds = builds_folder(output)
    builds.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")  # builds sort by when they were made
    build = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=builds))
    build.chmod(0o755)  # mkdtemp makes it private; a site is there to be read
    argv = ["--log-handler", "plain", "--settings", str(settings_file), "--output", str(build), *pelican_args]
    try:
        pelican.main(argv)
        status = 0
    except SystemExit as stop:  # Pelican's main() and our glue's one stop point both exit this way
        status = stop.code if isinstance(stop.code, int) else 1
    if status:
        shutil.rmtree(build, ignore_errors=True)
        return status
    carry_assets(_target(output), build)
    logger.info("simarchive: %d compressed files written", compress(build))
    publish(output, build)
    logger.info("simarchive: published %s as %s", build, output)
    return 0
