"""A WACZ (Web Archive Collection Zipped, 1.1.1) of captures: their WARCs, a CDXJ index, one page
per capture with its main text, and a datapackage.json with the SHA-256 of every file.

write_wacz(Path("sim.wacz"), captures, titles={"wessex-ahsn-sim": "..."}, title="SIM archive")

It opens in ReplayWeb.page and replays in pywb (`wb-manager add --unpack-wacz`). py-wacz's own
`wacz create` is not used: it keeps as pages only the responses that another record names as its
Referer, which ours never do (each capture is one page, fetched alone); it decodes page text as
UTF-8 only; it names each WARC in the package by its file name, and every capture's is
capture.warc.gz; and it stamps the package with the time it ran. Here each page is a capture, its
text is the capture's own text.txt (decoded at capture time with the charset capture.json records),
each WARC is named <source-id>-<capture folder>.warc.gz, and the package's every date is a
capture's, so the same captures always give the same bytes (the site's builds are reproducible).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..errors import ArchiveError
from .store import Capture

__all__ = ["WACZ_VERSION", "wacz_name", "write_wacz"]

WACZ_VERSION = "1.1.1"
CHUNK = 1024 * 1024


def wacz_name(capture: Capture) -> str:
    """The capture's WARC as the package names it: unique, and lower case as datapackage names are."""
    return f"{capture.source_id}-{capture.timestamp}.warc.gz".lower()


def _software() -> str:
    try:
        return f"sim-archive {version('sim-archive')}"
    except PackageNotFoundError:
        return "sim-archive"


def _zip_time(captured_at: str) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry's date: a capture's time (ZIP keeps local time with no zone: we give UTC)."""
    day, _, clock = captured_at.rstrip("Z").partition("T")
    year, month, mday = (int(x) for x in day.split("-"))
    hour, minute, second = (int(x) for x in clock.split(":")[:3])
    return max(year, 1980), month, mday, hour, minute, second


def _cdxj(named: dict[str, Path]) -> bytes:
    """The CDXJ index of the WARCs under the names the package gives them, sorted (cdxj-indexer)."""
    # Imported here: it loads pyamf and pkg_resources, which a build that writes no WACZ never needs.
    from cdxj_indexer.main import CDXJIndexer

    with tempfile.TemporaryDirectory(prefix="simarchive-wacz-") as folder:
        links = []
        for name, warc in named.items():
            os.symlink(warc.resolve(), Path(folder) / name)
            links.append(str(Path(folder) / name))
        out = io.StringIO()
        CDXJIndexer(out, links, sort=True).process_all()
    return out.getvalue().encode("utf-8")


def _page(capture: Capture, title: str) -> dict:
    try:
        text = capture.text_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ArchiveError(str(capture.text_path), f"cannot be read ({e}); run sim-archive verify") from None
    return {
        "id": f"{capture.source_id}/{capture.timestamp}",
        "url": capture.final_url,
        "ts": capture.captured_at,
        "title": str(capture.metadata.get("title") or title or capture.original_url),
        "text": text,
        "size": capture.length,
    }


def _pages(captures: Sequence[Capture], titles: Mapping[str, str], title: str) -> bytes:
    header = {"format": "json-pages-1.0", "id": "pages", "title": title, "hasText": True}
    lines = [header] + [_page(c, titles.get(c.source_id, "")) for c in captures]
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines).encode("utf-8")


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _resource(path: str, digest: str, size: int) -> dict:
    return {"name": path.rsplit("/", 1)[-1], "path": path, "hash": f"sha256:{digest}", "bytes": size}


def _datapackage(resources: list[dict], captures: Sequence[Capture], title: str, description: str) -> bytes:
    newest = max(captures, key=lambda c: c.captured_at)
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "description": description,
        "created": newest.captured_at,  # the newest capture's time, so that exports repeat exactly
        "software": _software(),
        "resources": resources,
    }
    if len({c.source_id for c in captures}) == 1:
        package["mainPageURL"] = newest.final_url
        package["mainPageDate"] = newest.captured_at
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _entry(archive: zipfile.ZipFile, name: str, data: bytes, when: tuple, compress: int) -> None:
    info = zipfile.ZipInfo(name, when)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _write(out: Path, captures: Sequence[Capture], titles: Mapping[str, str], title: str, description: str) -> None:
    named = {wacz_name(c): c.warc_path for c in captures}
    when = _zip_time(max(c.captured_at for c in captures))
    pages, index = _pages(captures, titles, title), _cdxj(named)
    resources = []
    with zipfile.ZipFile(out, "w", allowZip64=True) as package:
        for name, warc in named.items():
            # Stored, not deflated: a reader fetches a record by its offset with an HTTP range request.
            info = zipfile.ZipInfo(f"archive/{name}", when)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            with package.open(info, "w", force_zip64=True) as dest, warc.open("rb") as source:
                while chunk := source.read(CHUNK):
                    dest.write(chunk)
            resources.append(_resource(f"archive/{name}", *_sha256_file(warc)))
        for path, data in (("indexes/index.cdx", index), ("pages/pages.jsonl", pages)):
            _entry(package, path, data, when, zipfile.ZIP_DEFLATED)
            resources.append(_resource(path, hashlib.sha256(data).hexdigest(), len(data)))
        datapackage = _datapackage(resources, captures, title, description)
        _entry(package, "datapackage.json", datapackage, when, zipfile.ZIP_DEFLATED)
        digest = {"path": "datapackage.json", "hash": f"sha256:{hashlib.sha256(datapackage).hexdigest()}"}
        _entry(package, "datapackage-digest.json", (json.dumps(digest, indent=2) + "\n").encode(), when,
               zipfile.ZIP_DEFLATED)


def write_wacz(
    out: Path,
    captures: Sequence[Capture],
    *,
    titles: Mapping[str, str] | None = None,
    title: str = "SIM Timeline and Evidence Archive",
    description: str = "",
) -> Path:
    """Write captures (oldest first, as list_captures gives them) into one WACZ at out, atomically:
    assembled beside it and renamed into place. titles gives a source's title by id, for a
    capture whose page states none. Raises ArchiveError when there is no capture or a file of one
    cannot be read."""
    if not captures:
        raise ArchiveError(str(out), "no captures to export; capture the sources first")
    missing = [c.warc_path for c in captures if not c.warc_path.is_file()]
    if missing:
        raise ArchiveError(str(missing[0]), "missing; run sim-archive verify")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        _write(Path(tmp), captures, titles or {}, title, description)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
