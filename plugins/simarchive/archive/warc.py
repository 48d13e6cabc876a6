"""The WARC of a capture: write every exchange as request and response records; read one back.

write_warc(folder / "capture.warc.gz", fetched.exchanges, {"software": "sim-archive 0.1.0"})
check_warc(folder / "capture.warc.gz")  # -> (problems, [WarcResponse of each hop, final last])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

__all__ = ["Exchange", "WarcResponse", "check_warc", "write_warc"]

CHUNK = 64 * 1024


class Exchange(Protocol):
    """One request and its response as the archive records them (capture.fetch makes them); the
    payload is in the file `body`, as received."""

    url: str
    request_line: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    protocol: str
    headers: list[tuple[str, str]]
    body: Path
    length: int
    started: dt.datetime
    ip: str | None


@dataclass(frozen=True)
class WarcResponse:
    """What a response record of the WARC says of itself: what capture.json must agree with."""

    uri: str
    status: int | None
    length: int  # of the payload as stored (as received, not content-decoded)
    sha256: str
    date: str  # WARC-Date, e.g. 2026-03-10T09:30:05.123456Z


class _GzipMembers:
    """Gzips each WARC record as its own member, as warcio does, but at zlib's default level.

    warcio compresses at level 9, which costs several times the CPU of level 6 for a file a few
    per cent smaller; captures are CPU-bound, so we take the default level, as wget does.
    warcio calls flush() at the end of every record, which closes the member.
    """

    def __init__(self, out):  # noqa: ANN001 - any binary file object
        self.out = out
        self.compressor = None

    def write(self, data: bytes) -> None:
        if self.compressor is None:
            self.compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out.write(self.compressor.compress(data))

    def flush(self) -> None:
        if self.compressor is not None:
            self.out.write(self.compressor.flush())
            self.compressor = None
        self.out.flush()


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
        writer = WARCWriter(_GzipMembers(out), gzip=False, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, info))
        for exchange in exchanges:
            _write_exchange(writer, exchange)


def _status(record) -> int | None:  # noqa: ANN001 - a warcio ArcWarcRecord
    code = record.http_headers.get_statuscode() if record.http_headers else None
    return int(code) if code and code.isdigit() else None


def check_warc(path: Path) -> tuple[list[str], list[WarcResponse]]:
    """Read every record with its digests checked; return the problems and the response records.

    Each response's payload is read raw (as received, before any content decoding), which is
    what capture.json's length and sha256 describe; the last response is the final one.
    """
    problems: list[str] = []
    responses: list[WarcResponse] = []
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                digest, length = hashlib.sha256(), 0
                while chunk := record.raw_stream.read(CHUNK):
                    digest.update(chunk)
                    length += len(chunk)
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if record.digest_checker.passed is False:
                    problems += [
                        f"{record.rec_type} record for {uri or 'warcinfo'}: {p}"
                        for p in record.digest_checker.problems
                    ]
                if record.rec_type == "response":
                    date = record.rec_headers.get_header("WARC-Date") or ""
                    responses.append(WarcResponse(uri or "", _status(record), length, digest.hexdigest(), date))
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as e:
        problems.append(f"unreadable WARC ({type(e).__name__}: {e})")
    return problems, responses
