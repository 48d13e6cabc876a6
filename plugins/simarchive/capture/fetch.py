"""Fetch one URL as evidence: polite retries, every redirect hop recorded, bodies streamed to disk.

session = make_session(config)
fetched = fetch(session, "https://example.org/", config, workdir)
fetched.final.status, fetched.final.body  # 200, a file holding the payload as received
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from urllib3.exceptions import ProtocolError, ReadTimeoutError
from urllib3.util import parse_url

from ..config import Config
from ..content.urls import url_problem
from ..errors import CaptureError, SourceBlockedError, SourceGoneError
from .guard import Guard
from .session import RETRY_STATUSES, make_adapter, make_session

__all__ = ["Exchange", "Fetched", "Gate", "fetch", "make_session"]

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
MAX_REDIRECTS = 10
GONE_STATUSES = (404, 410)
BLOCKED_STATUSES = (401, 403, 429, 451)

#: Holds a slot for one host while a request to it is in flight: ``with gate(host): ...``.
Gate = Callable[[str], contextlib.AbstractContextManager]


@dataclass
class Exchange:
    """One request and its response, as sent and as received: one hop of a redirect chain."""

    url: str
    request_line: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    protocol: str
    headers: list[tuple[str, str]]
    body: Path
    length: int = 0
    sha256: str = ""
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    ip: str | None = None

    def header(self, name: str) -> str | None:
        """The first value of a response header, by case-insensitive name."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass
class Fetched:
    """Every exchange of one fetch, in order; the last is the final response."""

    exchanges: list[Exchange]

    @property
    def final(self) -> Exchange:
        return self.exchanges[-1]

    @property
    def redirects(self) -> list[dict[str, object]]:
        """The redirect chain: each hop's URL, status and Location."""
        return [
            {"url": e.url, "status": e.status, "location": e.header("Location")}
            for e in self.exchanges[:-1]
        ]


def _host_header(url: str) -> str:
    return urlsplit(url).netloc.rpartition("@")[2]


def _connection_error(url: str, error: Exception, config: Config) -> CaptureError:
    """Say in plain words why no response came; 'gone' errors let Wayback be tried instead."""
    parts = urlsplit(url)
    reason = getattr(error.args[0], "reason", error.args[0]) if error.args else error
    tries = f" (after {config.retries} retries)" if config.retries else ""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return CaptureError(url, f"no connection within {config.connect_timeout:g} s{tries}")
    if isinstance(error, requests.exceptions.ReadTimeout) or isinstance(reason, ReadTimeoutError):
        return CaptureError(url, f"no response within {config.read_timeout:g} s (read timeout)")
    if isinstance(error, requests.exceptions.SSLError):
        return CaptureError(url, f"TLS error: {reason}")
    text = str(reason)
    if "Connection refused" in text:
        where = parts.netloc.rpartition("@")[2]
        return SourceGoneError(url, f"connection refused by {where}{tries}")
    return CaptureError(url, f"connection failed: {text}")


def _peer_ip(response: requests.Response) -> str | None:
    with contextlib.suppress(AttributeError, OSError, TypeError):
        return response.raw.connection.sock.getpeername()[0]
    return None


def _check_limits(url: str, count: int, deadline: float, config: Config) -> None:
    """Stop a body that grows past the size cap or keeps trickling in past the time limit."""
    if count > config.max_bytes:
        raise CaptureError(
            url,
            f"the response body exceeds the size cap of {config.max_bytes} bytes "
            "(SIMARCHIVE_MAX_BYTES); stopped reading",
        )
    if time.monotonic() > deadline:
        raise CaptureError(
            url,
            f"the response took longer than {config.max_seconds:g} s (SIMARCHIVE_MAX_SECONDS); "
            f"stopped reading after {count} bytes",
        )


def _stream_body(
    response: requests.Response, exchange: Exchange, config: Config, deadline: float
) -> None:
    """Copy the body as received (not content-decoded) to exchange.body, within the limits."""
    url, cap = exchange.url, config.max_bytes
    announced = exchange.header("Content-Length")
    expected = int(announced) if announced and announced.strip().isdigit() else None
    if expected is not None and expected > cap:
        raise CaptureError(
            url,
            f"the response body of {expected} bytes exceeds the size cap of {cap} bytes "
            "(SIMARCHIVE_MAX_BYTES)",
        )
    digest, count = hashlib.sha256(), 0
    with exchange.body.open("wb") as out:
        try:
            # read1: whatever has arrived, so a trickle cannot hide from the time limit
            while chunk := response.raw.read1(CHUNK, decode_content=False):
                count += len(chunk)
                _check_limits(url, count, deadline, config)
                digest.update(chunk)
                out.write(chunk)
        except ReadTimeoutError:
            raise CaptureError(
                url, f"the body stalled: no data for {config.read_timeout:g} s after {count} bytes"
            ) from None
        except ProtocolError as e:
            if expected is None:
                raise CaptureError(url, f"the connection broke after {count} bytes ({e})") from None
    if expected is not None and count < expected:
        raise CaptureError(
            url,
            f"the body was cut short: {count} of the {expected} bytes announced by "
            "Content-Length arrived",
        )
    exchange.length, exchange.sha256 = count, digest.hexdigest()


def _exchange(
    session: requests.Session, adapter: HTTPAdapter, url: str, config: Config, body: Path
) -> Exchange:
    """One GET through adapter, recorded as sent and as received, its body streamed to body."""
    deadline = time.monotonic() + config.max_seconds
    try:
        request = session.prepare_request(requests.Request("GET", url))
    except requests.exceptions.RequestException as e:  # e.g. a host name IDNA cannot encode
        raise CaptureError(url, f"not a URL that can be requested ({e})") from None
    # Host is sent explicitly, so the request record shows every header that went out (and the
    # guarded connection is to an address, not the name); it is taken from the prepared URL,
    # where an international host name is already in ASCII.
    request.headers["Host"] = _host_header(request.url)
    try:
        # The adapter, not session.send(): send() reads the body of a redirect to discard it,
        # and we keep every hop's body as evidence.
        response = adapter.send(
            request, stream=True, timeout=(config.connect_timeout, config.read_timeout)
        )
    except requests.exceptions.RequestException as e:
        raise _connection_error(url, e, config) from None
    extract_cookies_to_jar(session.cookies, request, response.raw)
    with response:
        raw_headers = [
            ("X-Archive-Orig-Transfer-Encoding", v) if k.lower() == "transfer-encoding" else (k, v)
            for k, v in response.raw.headers.items()
        ]  # the body is stored de-chunked, so the chunked framing header is kept under a new name
        exchange = Exchange(
            url=request.url or url,  # as requested: an international host name in ASCII
            request_line=f"GET {response.request.path_url} HTTP/1.1",
            request_headers=list(response.request.headers.items()),
            status=response.status_code,
            reason=response.reason or "",
            protocol="HTTP/1.0" if response.raw.version == 10 else "HTTP/1.1",
            headers=raw_headers,
            body=body,
            ip=_peer_ip(response),
        )
        _stream_body(response, exchange, config, deadline)
    return exchange


def _next_url(exchange: Exchange, seen: list[str]) -> str | None:
    """The Location of a redirect, resolved; None when the response is not a redirect."""
    location = exchange.header("Location")
    if exchange.status not in (301, 302, 303, 307, 308) or not location:
        return None
    target = urljoin(exchange.url, location.strip())
    if target in seen:
        chain = " -> ".join([*seen[seen.index(target) :], target])
        raise CaptureError(seen[0], f"redirect loop: {chain}")
    if len(seen) > MAX_REDIRECTS:
        raise CaptureError(seen[0], f"more than {MAX_REDIRECTS} redirects (last to {target})")
    return target


def _checked(url: str) -> str:
    """The host of url as urllib3 reads it (it makes the connection); a URL read two ways is refused."""
    problem = url_problem(url)
    if problem:
        raise CaptureError(url, f"refused: the URL {problem}")
    return parse_url(url).host or ""


def fetch(
    session: requests.Session,
    url: str,
    config: Config,
    workdir: Path,
    *,
    allow_private: bool = False,
    gate: Gate | None = None,
    trusted_hosts: Iterable[str] = (),
) -> Fetched:
    """GET url, following redirects by hand so each hop is kept; bodies go to files in workdir.

    Every hop connects only to an address the guard checked (guard.py): a private, loopback or
    otherwise non-public one is refused unless allow_private, or the host is a trusted one.
    Raises SourceGoneError for 404, 410, an unknown host or a refused connection, and
    SourceBlockedError for 401, 403, 429 and 451 (the cases where Wayback may still have the
    page), and CaptureError for every other failure.
    """
    gate = gate or (lambda host: contextlib.nullcontext())
    adapter = make_adapter(config, Guard(allow_private, frozenset(trusted_hosts)))
    exchanges: list[Exchange] = []
    seen: list[str] = []
    target: str | None = url
    try:
        while target:
            seen.append(target)
            host = _checked(target)
            with gate(host):
                logger.debug("simarchive: GET %s", target)
                body = workdir / f"body-{len(exchanges)}"
                exchanges.append(_exchange(session, adapter, target, config, body))
            target = _next_url(exchanges[-1], seen)
    finally:
        adapter.close()
    final = exchanges[-1]
    if final.status >= 400:
        message = f"HTTP {final.status} {final.reason}".rstrip()
        if final.status in RETRY_STATUSES and config.retries:
            message += f" (after {config.retries} retries)"
        error = (SourceGoneError if final.status in GONE_STATUSES
                 else SourceBlockedError if final.status in BLOCKED_STATUSES else CaptureError)
        raise error(final.url, message, status=final.status)
    return Fetched(exchanges)
