"""The WARC of a capture: write every exchange as request and response records; read one back.

    write_warc(folder / "capture.warc.gz", fetched.exchanges, {"software": "sim-archive 0.1.0"})
    check_warc(folder / "capture.warc.gz")  # -> (problems, SHA-256 of the final payload)
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from .fetch import Exchange

__all__ = ["check_warc", "write_warc"]

CHUNK = 64 * 1024


def _warc_date(exchange: Exchange) -> str:
    return datetime_to_iso_date(exchange.started.replace(tzinfo=None), use_micros=True)


def _write_exchange(writer: WARCWriter, exchange: Exchange) -> None:
    """A response record (the payload streamed from its file) and the request that asked for it."""
    common = {"WARC-Date": _warc_date(exchange)}
    if exchange.ip:
        common["WARC-IP-Address"] = exchange.ip
    http = StatusAndHeaders(
        f"{exchange.status} {exchange.reason}".strip(), exchange.headers, protocol=exchange.protocol
    )
    with exchange.body.open("rb") as body:
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=body,
            length=exchange.length,
            http_headers=http,
            warc_headers_dict=dict(common),
        )
        request = writer.create_warc_record(
            exchange.url,
            "request",
            http_headers=StatusAndHeaders(
                exchange.request_line, exchange.request_headers, is_http_request=True
            ),
            warc_headers_dict={
                **common,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
        writer.write_record(response)


def write_warc(path: Path, exchanges: Sequence[Exchange], info: dict[str, str]) -> None:
    """Write a gzipped WARC/1.1: a warcinfo record, then request and response of each hop.

    warcio computes each record's block and payload digests (sha1, as WARC tools expect).
    """
    with path.open("xb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, info))
        for exchange in exchanges:
            _write_exchange(writer, exchange)


def check_warc(path: Path) -> tuple[list[str], str | None]:
    """Read every record with its digests checked; return the problems and the final payload's SHA-256.

    The final payload is that of the last response record, read raw (as received, before any
    content decoding), which is what capture.json's sha256 describes.
    """
    problems: list[str] = []
    final_sha: str | None = None
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                digest = hashlib.sha256()
                while chunk := record.raw_stream.read(CHUNK):
                    digest.update(chunk)
                if record.digest_checker.passed is False:
                    uri = record.rec_headers.get_header("WARC-Target-URI") or "warcinfo"
                    problems += [f"{record.rec_type} record for {uri}: {p}" for p in record.digest_checker.problems]
                if record.rec_type == "response":
                    final_sha = digest.hexdigest()
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as e:
        problems.append(f"unreadable WARC ({type(e).__name__}: {e})")
    return problems, final_sha
