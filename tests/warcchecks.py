"""Read WARCs back the way others will: warcio's ArchiveIterator, and the `warcio check` tool."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator


@pytest.fixture(autouse=True)
def every_warc_replays(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """After each test, every WARC it wrote must read back with warcio, and pass `warcio check`.

    A test that damages WARCs on purpose is marked ``@pytest.mark.damages_warcs``.
    """
    yield
    if request.node.get_closest_marker("damages_warcs"):
        return
    warcs = sorted(p for p in tmp_path.rglob("capture.warc.gz") if ".tmp-" not in str(p))
    for path in warcs:
        read_warc(path)
    if warcs:
        warcio_check(warcs)


def read_warc(path: Path) -> list:
    """Every record of a WARC, read with warcio's ArchiveIterator with its digests checked."""
    records = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            content = record.content_stream().read()
            assert record.digest_checker.passed is not False, (path, record.digest_checker.problems)
            records.append(
                (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), content)
            )
    assert records and records[0][0] == "warcinfo", path
    return records


def warcio_check(paths: list[Path]) -> None:
    """`warcio check -v`, the command-line tool, on the WARCs: exit 0 and every digest passes."""
    warcio = Path(sys.executable).parent / "warcio"
    done = subprocess.run(
        [str(warcio), "check", "-v", *map(str, paths)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("digest pass") >= 2 * len(paths), done.stdout


def assert_warc_ok(path: Path) -> list:
    """Read a WARC with warcio's ArchiveIterator (digests checked) and with `warcio check`."""
    records = read_warc(path)
    warcio_check([path])
    return records
