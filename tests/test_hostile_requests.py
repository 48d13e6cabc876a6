"""Queries and paths from anyone, over real HTTP: never a 500, never a file outside output/."""

from __future__ import annotations

import http.client
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SECRET = "secret-outside-output-7f3a"

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def server(web_server, built_site):
    """The session's server, with a file beside output/ that must never be served."""
    (built_site.root / "secret.txt").write_text(SECRET)
    return urlsplit(web_server)


def raw_get(server, path: str) -> tuple[int, str, dict]:
    """Send the path exactly as given (requests would normalise it)."""
    connection = http.client.HTTPConnection(server.hostname, server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), dict(response.getheaders())
    finally:
        connection.close()


TRAVERSALS = [
    "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt",
    "/sources/../../secret.txt", "/sources/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt",
    "/%252e%252e/secret.txt", "/index.html%00.txt", "/sources%2f..%2f..%2fsecret.txt", "//secret.txt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_reaches_a_file_outside_output(server, path):
    status, body, _ = raw_get(server, path)
    assert status in (400, 404), (path, status)
    assert SECRET not in body


@FUZZ
@given(st.text(min_size=1, max_size=80))
def test_any_path_is_answered_without_a_server_error(server, text):
    status, body, _ = raw_get(server, "/" + quote(text, safe="/%"))
    assert status in (200, 301, 302, 400, 404), (text, status)
    assert SECRET not in body
    assert "Traceback" not in body


queries = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.sampled_from('"()*?~:^[]{}-+ ANDORNOTab'), max_size=40),
    st.sampled_from(['"unbalanced', "(open", "close)", "AND", "OR", "NOT", "nosuchfield:x", "\x00\x01",
                     "x" * 10_000, "*", "~", "a~~~", "year:[2012 TO", "title:", ":", '""']),
)


@FUZZ
@given(queries)
def test_any_query_gets_a_page_or_a_helpful_400(server, q):
    for path in ("/search", "/api/search"):
        status, body, headers = raw_get(server, f"{path}?q={quote(q, safe='')}")
        assert status in (200, 400), (path, q, status, body[:300])
        assert "Traceback" not in body
        if path == "/api/search" and status == 400:
            assert headers["Content-Type"] == "application/json; charset=utf-8"
            assert '"error"' in body
