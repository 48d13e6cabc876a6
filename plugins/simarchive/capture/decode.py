"""Turn a payload as received on the wire into text: content decoding and the charset."""

from __future__ import annotations

import codecs
import re
import zlib
from pathlib import Path

import charset_normalizer

from ..errors import CaptureError

__all__ = ["decode_payload", "find_charset", "to_text"]

CHUNK = 64 * 1024
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers read these labels as windows-1252 (the WHATWG Encoding Standard); so do we, or the
# curly quotes of a page that says "iso-8859-1" would come out as control characters.
_AS_BROWSERS_DO = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}


def _inflate(chunk: bytes, d, first: bool, encoding: str, limit: int):  # noqa: ANN001
    """Decompress one chunk; returns (output, decompressor), falling back to raw deflate once."""
    try:
        return d.decompress(chunk, limit), d
    except zlib.error:
        if not (first and encoding == "deflate"):
            raise
    # Some servers send "deflate" without the zlib wrapper (raw deflate); browsers accept it.
    d = zlib.decompressobj(-zlib.MAX_WBITS)
    return d.decompress(chunk, limit), d


def decode_payload(path: Path, encoding: str | None, url: str, max_bytes: int) -> bytes | None:
    """The payload with its Content-Encoding (gzip, deflate) undone; None for encodings we lack.

    The decoded size is capped too, so a small gzip bomb cannot fill memory.
    """
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return path.read_bytes()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None
    # 47 = 32 + 15: zlib accepts a gzip or a zlib header, whichever is there.
    d = zlib.decompressobj(47 if encoding != "deflate" else zlib.MAX_WBITS)
    out = bytearray()
    with path.open("rb") as f:
        first = True
        while chunk := f.read(CHUNK):
            try:
                piece, d = _inflate(chunk, d, first, encoding, max_bytes + 1 - len(out))
            except zlib.error:
                raise CaptureError(
                    url, f"the {encoding} body is corrupt and cannot be decoded"
                ) from None
            out += piece
            first = False
            if len(out) > max_bytes:
                raise CaptureError(
                    url,
                    f"the decoded body exceeds the size cap of {max_bytes} bytes (SIMARCHIVE_MAX_BYTES)",
                )
    return bytes(out)


def _known(label: bytes | str | None) -> str | None:
    if not label:
        return None
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    name = name.strip().lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return _AS_BROWSERS_DO.get(name, name)


def _detect(body: bytes) -> str | None:
    """charset_normalizer's best guess; among equally good guesses, windows-1252 wins.

    Short Western European texts often fit cp1250 and cp1252 equally well; browsers fall back
    to windows-1252, and so do we.
    """
    results = charset_normalizer.from_bytes(body)
    best = results.best()
    if best is None:
        return None
    tied = [r for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in r.could_be_from_charset for r in tied):
        return "cp1252"
    return _known(best.encoding)


def find_charset(body: bytes, content_type: str | None) -> tuple[str, str]:
    """The charset of a text body and where it was found: header, bom, meta or detected.

    Order: the Content-Type header, a byte order mark, the document's own <meta>, then detection
    by charset_normalizer; UTF-8 if all of these fail.
    """
    if (content_type and (m := _CHARSET.search(content_type.encode("latin-1", "ignore")))
            and (charset := _known(m.group(1)))):
        return charset, "header"
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom"
    if (m := _META.search(body[:4096])) and (charset := _known(m.group(1))):
        return charset, "meta"
    if charset := _detect(body[: 1024 * 1024]):
        return charset, "detected"
    return "utf-8", "default"


def to_text(body: bytes, charset: str) -> str:
    """Decode with the charset found; a byte it cannot read becomes U+FFFD rather than failing."""
    return body.decode(charset, errors="replace")
