"""What the build copies out of the archive: each capture's WARC, a PDF's original file, and the
capture's manifest with its time-stamp token, so that a reader can check the WARC without us:
`openssl ts -verify` the token against the manifest, `sha256sum --check --ignore-missing` the
WARC against the manifest."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .fixity import MANIFEST, TOKEN
from .store import Capture

logger = logging.getLogger(__name__)

__all__ = ["capture_files", "publish_capture"]

WARC_NAME = "capture.warc.gz"
PDF_NAME = "original.pdf"


def is_pdf(capture: Capture) -> bool:
    return capture.content_type.split(";")[0].strip().lower() == "application/pdf"


def capture_files(capture: Capture) -> dict[str, str]:
    """The downloads a capture offers, by name, relative to its capture page (none if its WARC is
    missing: `sim-archive verify` reports that damage)."""
    if not capture.warc_path.is_file():
        return {}
    files = {"warc": WARC_NAME}
    if is_pdf(capture):
        files["original"] = PDF_NAME
    return files


def _payload(warc: Path, dest: Path) -> bool:
    """Write the payload of the last response record (the final hop); False if there is none."""
    found = False
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                # content_stream() undoes chunking and gzip, giving the file as published.
                with dest.open("wb") as out:
                    shutil.copyfileobj(record.content_stream(), out, 64 * 1024)
                found = True
    return found


def publish_capture(capture: Capture, dest: Path) -> list[Path]:
    """Copy a capture's WARC (byte for byte: its SHA-256 stays checkable) and a PDF's original;
    return the files written."""
    if not capture_files(capture):
        logger.warning("simarchive: %s: missing; run sim-archive verify", capture.warc_path)
        return []
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(capture.warc_path, dest / WARC_NAME)
    proofs = [capture.path / name for name in (MANIFEST, TOKEN)]
    proofs = [p for p in proofs if p.is_file() and not p.is_symlink()]
    for proof in proofs:
        shutil.copyfile(proof, dest / proof.name)
    copied = [dest / WARC_NAME, *(dest / p.name for p in proofs)]
    if not is_pdf(capture):
        return copied
    try:
        if _payload(capture.warc_path, dest / PDF_NAME):
            return [*copied, dest / PDF_NAME]
        logger.warning("simarchive: %s: no response record", capture.warc_path)
    except (OSError, ArchiveLoadFailed) as e:
        logger.warning("simarchive: %s: cannot extract the PDF (%s); run sim-archive verify", capture.warc_path, e)
    return copied
