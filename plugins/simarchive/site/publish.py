"""Publishing a build atomically: Pelican writes the whole site into a new folder, then OUTPUT_PATH
becomes a symlink to that folder in one rename, so a server never sends a mix of two builds.

    build_and_publish(Path("pelicanconf.py"))   # output -> output.builds/20261202T101500.123456Z-k3j2

The builds live beside OUTPUT_PATH, in `<OUTPUT_PATH>.builds/`, named by the time they were made.
The one published and the one before it are kept, and so is any build replaced less than a minute
ago: a server may still be sending a page of it. The rest are removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pelican
from pelican.settings import read_settings

logger = logging.getLogger(__name__)

__all__ = ["build_and_publish", "builds_folder", "publish"]

#: How long a replaced build is kept for the requests still reading it, in seconds.
GRACE = 60.0


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
    publish(output, build)
    logger.info("simarchive: published %s as %s", build, output)
    return 0
