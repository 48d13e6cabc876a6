"""guard.py through fetch(), on the real connection path: what is refused, and what is connected to.

The local server is on 127.0.0.1, a loopback address, so these tests show refusals without
allow_private; where a test needs to reach the server for a first hop, it trusts 127.0.0.1 the
way the Wayback host is trusted.
"""

from __future__ import annotations

import errno
import shutil
import socket
import ssl
import subprocess
import threading

import pytest
from httpfixtures import TestServer as LocalServer
from httpfixtures import http_server, make_config, no_proxies, settings  # noqa: F401
from simarchive.capture.fetch import fetch, make_session
from simarchive.capture.guard import refusal
from simarchive.errors import CaptureError


def refused(url, config, tmp_path, **kwargs) -> str:  # noqa: ANN001
    with pytest.raises(CaptureError) as info:
        fetch(make_session(config), url, config, tmp_path, **kwargs)
    return str(info.value)


def test_a_backslash_before_an_at_sign_is_refused_as_malformed(http_server, settings, tmp_path):
    port = http_server.server_address[1]
    url = f"http://127.0.0.1:{port}\\@1.1.1.1/article"  # urlsplit: host 1.1.1.1; urllib3: 127.0.0.1
    for allow_private in (False, True):  # malformed whatever the address
        assert refused(url, settings, tmp_path, allow_private=allow_private) == (
            f"{url}: refused: the URL is malformed: urlsplit reads the host as '1.1.1.1' but urllib3, "
            "which makes the connection, reads '127.0.0.1'"
        )
    assert http_server.requests == []


def test_a_backslash_trick_in_a_redirect_location_is_refused(http_server, settings, tmp_path):
    port = http_server.server_address[1]
    target = f"http://127.0.0.1:{port}\\@1.1.1.1/article"
    http_server.redirect_to = target
    message = refused(http_server.url("/redirect/out"), settings, tmp_path, trusted_hosts=("localhost",))
    assert message.startswith(f"{http_server.url('/redirect/out')}: refused: host '127.0.0.1' resolves")
    # with the first hop allowed, the Location itself is refused before any connection
    message = refused(http_server.url("/redirect/out"), settings, tmp_path, trusted_hosts=("127.0.0.1",))
    assert message == (
        f"{target}: refused: the URL is malformed: urlsplit reads the host as '1.1.1.1' but urllib3, "
        "which makes the connection, reads '127.0.0.1'"
    )
    assert http_server.requests == ["/redirect/out"]


def test_dns_rebinding_cannot_reach_a_private_address(monkeypatch, http_server, tmp_path):
    """The name is looked up once: a second answer (127.0.0.1) is never asked for, never used."""
    real, asked = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the DNS edge
        asked.append(host)
        if host == "rebind.example":  # an attacker's DNS: public first, then loopback
            return real("1.1.1.1" if asked.count(host) == 1 else "127.0.0.1", port, *args, **kwargs)
        if host == "1.1.1.1":  # the connection to the address checked; nothing leaves the machine
            raise OSError(errno.ENETUNREACH, "Network is unreachable (the tests reach no internet)")
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    config = make_config(tmp_path, retries=0)
    url = f"http://rebind.example:{http_server.server_address[1]}/article"
    message = refused(url, config, tmp_path)
    assert message.startswith(f"{url}: connection failed: ") and "Network is unreachable" in message
    assert asked == ["rebind.example", "1.1.1.1"]
    assert http_server.requests == []


def test_a_name_answering_a_private_address_first_is_refused(monkeypatch, http_server, settings, tmp_path):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the DNS edge
        if host == "inside.example":  # one public and one private answer: the private one counts
            return real("1.1.1.1", port, *args, **kwargs) + real("10.1.2.3", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = "http://inside.example/page"
    assert refused(url, settings, tmp_path) == (
        f"{url}: refused: host 'inside.example' resolves to 10.1.2.3, a private address "
        "(pass --allow-private to capture it)"
    )


def test_the_address_checked_is_the_one_connected_to(monkeypatch, http_server, settings, tmp_path):
    """allow_private: the name still resolved once, the request sent to that address, Host kept."""
    real, asked = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the DNS edge
        asked.append(host)
        return real("127.0.0.1" if host == "sim.example" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = http_server.server_address[1]
    fetched = fetch(make_session(settings), f"http://sim.example:{port}/redirect/1", settings, tmp_path,
                    allow_private=True)
    assert [e.status for e in fetched.exchanges] == [301, 302, 200]
    # the name once a hop; the connection (kept alive across the hops) looks up only the address
    assert asked == ["sim.example", "127.0.0.1", "sim.example", "sim.example"]
    assert {dict(e.request_headers)["Host"] for e in fetched.exchanges} == {f"sim.example:{port}"}
    assert {e.ip for e in fetched.exchanges} == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("10.0.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd00::1", "a private address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "a non-public address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("2002:7f00:1::", "a loopback address"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", "a private address"),  # NAT64 of 10.0.0.1
        ("1.1.1.1", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_which_addresses_are_refused(address, kind):
    assert refusal(address) == kind


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a test certificate")
def test_https_goes_to_the_address_checked_with_the_name_for_sni_and_the_certificate(monkeypatch, tmp_path):
    """TLS to the pinned address still speaks the name: SNI carries it, and the certificate is checked
    (this one is self-signed, so the check fails, as it must)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", str(key),
                    "-out", str(cert), "-subj", "/CN=sim.example", "-addext", "subjectAltName=DNS:sim.example"],
                   check=True, capture_output=True)
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = LocalServer()
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    real, asked = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the DNS edge
        asked.append(host)
        return real("127.0.0.1" if host == "sim.example" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    try:
        config = make_config(tmp_path, retries=0)
        url = f"https://sim.example:{server.server_address[1]}/article"
        message = refused(url, config, tmp_path, allow_private=True)
    finally:
        server.shutdown()
        server.server_close()
    assert message.startswith(f"{url}: TLS error: ") and "CERTIFICATE_VERIFY_FAILED" in message
    assert names == ["sim.example"]
    assert asked == ["sim.example", "127.0.0.1"]
