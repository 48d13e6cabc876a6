"""The private-address guard: every connection goes to an address resolved once and checked.

adapter = GuardedAdapter(Guard(allow_private=False), max_retries=retry)
adapter.send(prepared, stream=True, timeout=(10, 30))  # CaptureError if the host is private

Checking a host name and then letting urllib3 look it up again would let an answer that changes
between the two lookups (DNS rebinding) reach a private address. So the guard looks the name up
once, checks every address it gets, and the connection is made to the first of them, with the
name kept for the Host header, TLS SNI and the certificate check. The host checked is the one
requests and urllib3 read from the URL, the one they connect to.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

from requests import PreparedRequest
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool

from ..errors import CaptureError, HostNotFoundError

__all__ = ["Guard", "GuardedAdapter", "refusal"]

DEFAULT_PORTS = {"http": 80, "https": 443}
# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits; a gateway would connect to it.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _reached(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address leads to (mapped, 6to4, Teredo, NAT64), else ip itself."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def refusal(address: str) -> str | None:
    """What kind of address we must not connect to this is ("a loopback address"), or None."""
    ip = _reached(ipaddress.ip_address(address.partition("%")[0]))  # a zone id (fe80::1%eth0) aside
    kinds = [
        (ip.is_loopback, "a loopback"),
        (ip.is_unspecified, "an unspecified"),
        (ip.is_link_local, "a link-local"),
        (ip.is_multicast, "a multicast"),
        (ip.is_reserved, "a reserved"),
        (ip.is_private, "a private"),
        (not ip.is_global, "a non-public"),  # e.g. 100.64.0.0/10, shared by carriers' NAT
    ]
    return next((f"{kind} address" for matched, kind in kinds if matched), None)


@dataclass(frozen=True)
class Guard:
    """Which addresses a fetch may connect to: public ones, or any with allow_private.

    trusted_hosts (the Wayback host, a setting) are resolved once like any other, not checked.
    """

    allow_private: bool = False
    trusted_hosts: frozenset[str] = frozenset()

    def address(self, url: str, host: str, port: int) -> str:
        """Resolve host once; the address to connect to, or CaptureError if any is refused."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise HostNotFoundError(url, f"host '{host}' not found (DNS lookup failed)") from None
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise HostNotFoundError(url, f"host '{host}' not found (DNS lookup failed)")
        if not self.allow_private and host not in self.trusted_hosts:
            for address in addresses:
                if kind := refusal(address):
                    raise CaptureError(
                        url,
                        f"refused: host '{host}' resolves to {address}, {kind} "
                        "(pass --allow-private to capture it)",
                    )
        return addresses[0]


class GuardedAdapter(HTTPAdapter):
    """requests' HTTPAdapter, connecting each request to the address its Guard resolved and checked.

    Retries of one request (urllib3's Retry) reuse its pool, so they go to the same address.
    Proxies are never used: a capture goes straight to the source.
    """

    def __init__(self, guard: Guard, **kwargs: object):
        self.guard = guard
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def get_connection_with_tls_context(
        self,
        request: PreparedRequest,
        verify: bool | str | None,
        proxies: dict[str, str] | None = None,
        cert: object = None,
    ) -> HTTPConnectionPool:
        # requests' documented hook for subclasses: its own pool key (TLS settings included), with
        # the host swapped for the address checked and the name kept for SNI and the certificate.
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        scheme, name = host_params["scheme"], host_params["host"]
        port = host_params["port"] or DEFAULT_PORTS[scheme]
        address = self.guard.address(request.url or "", name, port)
        if scheme == "https":
            pool_kwargs = {**pool_kwargs, "server_hostname": name, "assert_hostname": name}
        return self.poolmanager.connection_from_host(address, port, scheme, pool_kwargs=pool_kwargs)
