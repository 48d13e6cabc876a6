"""The real WSGI app on a real waitress server: static pages, the search page and the JSON API."""

from __future__ import annotations

import gzip
import re

import requests
from bs4 import BeautifulSoup
from support import raw_get


def get(server: str, path: str, **params) -> requests.Response:
    return requests.get(server + path, params=params, timeout=10)


def test_static_timeline_is_served_with_security_headers(web_server):
    response = get(web_server, "/")
    assert response.status_code == 200
    assert "Street triage pilot starts on the Isle of Wight" in response.text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_search_page_finds_the_2012_event(web_server):
    response = get(web_server, "/search", q="Isle of Wight")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "lxml")
    links = [a["href"] for a in page.select(".hits h2 a")]
    # The event and its source both have the words in their titles; either may rank first.
    assert sorted(links) == ["/events/2012-pilot/", "/sources/island-news/"]
    assert page.select_one("#q")["value"] == "Isle of Wight"
    assert page.select_one(".hits mark").get_text() in ("Isle", "Wight")


def test_api_search_returns_json_hits(web_server):
    response = get(web_server, "/api/search", q="Isle of Wight")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    assert data["query"] == "Isle of Wight"
    assert data["total"] == 2
    hit = next(h for h in data["hits"] if h["kind"] == "event")
    assert {k: hit[k] for k in ("title", "url", "kind", "date")} == {
        "title": "Street triage pilot starts on the Isle of Wight", "url": "/events/2012-pilot/",
        "kind": "event", "date": "2012",
    }
    assert "<mark>Isle</mark>" in hit["passages"][0]["html"]


def test_phrase_does_not_match_words_in_another_order(web_server):
    assert get(web_server, "/api/search", q='"wight isle"').json()["total"] == 0


def test_overlong_query_is_refused_with_a_reason(web_server):
    response = get(web_server, "/api/search", q="x" * 501)
    assert response.status_code == 400
    assert response.json()["error"] == "The query is 501 characters long; the limit is 500."
    page = get(web_server, "/search", q="x" * 501)
    assert page.status_code == 400
    assert "the limit is 500" in BeautifulSoup(page.text, "lxml").select_one(".error").get_text()


def test_empty_query_shows_the_form(web_server):
    response = get(web_server, "/search")
    assert response.status_code == 200
    assert BeautifulSoup(response.text, "lxml").select_one("form[role=search] input#q") is not None


def test_unknown_path_is_a_404_page_in_the_theme(web_server):
    response = get(web_server, "/no/such/page")
    assert response.status_code == 404
    page = BeautifulSoup(response.text, "lxml")
    assert "Page not found" in page.h1.get_text()
    assert page.select("nav [aria-current]") == []  # not "Search": no page of the site is this one


def test_app_from_settings_serves_the_site_for_other_wsgi_servers(built_site):
    from wsgiref.util import setup_testing_defaults

    from simarchive.web import app_from_settings

    app = app_from_settings(str(built_site.settings))
    environ = {"PATH_INFO": "/api/search", "QUERY_STRING": "q=pilot"}
    setup_testing_defaults(environ)
    statuses = []
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert b'"total"' in body


def _untimed(body: bytes) -> bytes:
    """The answer without the time the search took, which differs from one request to the next."""
    return re.sub(rb'\(\d+\.\d+ seconds\)|"took_ms": [0-9.]+', b"", body)


def test_search_answers_are_gzipped_for_a_client_that_accepts_it(web_server):
    for path in ("/search?q=Isle+of+Wight", "/api/search?q=Isle+of+Wight", "/no-such-page"):
        _, plain_headers, plain = raw_get(web_server, path)
        _, headers, sent = raw_get(web_server, path, "br, gzip;q=0.8")
        assert "content-encoding" not in plain_headers, path
        assert headers["content-encoding"] == "gzip", path
        assert _untimed(gzip.decompress(sent)) == _untimed(plain), path
        assert int(headers["content-length"]) == len(sent) < len(plain) / 2, path
        assert headers["vary"] == plain_headers["vary"] == "Accept-Encoding", path
        assert headers["content-type"] == plain_headers["content-type"], path
