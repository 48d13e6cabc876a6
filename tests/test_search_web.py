"""Search over real HTTP: a site built by Pelican (which indexes it), served by waitress."""

from __future__ import annotations

import threading
from urllib.parse import unquote

import pytest
import requests
from bs4 import BeautifulSoup
from searchsite import add_capture, make_search_site
from simarchive.config import load_config
from simarchive.search.api import SearchRequest, search_url
from simarchive.search.searcher import index_site
from simarchive.web import create_app
from support import serving
from test_search_queries import BAD
from waitress.server import create_server


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = make_search_site(tmp_path_factory.mktemp("served"))
    result = site.build()  # the finalized handler builds the index
    assert result.returncode == 0, result.log
    assert (site.index / "current").is_symlink()
    with serving(site.settings, threads=4) as base:
        yield site, base


def get(base: str, path: str, **params) -> requests.Response:
    return requests.get(base + path, params=params, timeout=10)


def test_search_page_shows_hits_passages_facets_and_time(served):
    _site, base = served
    response = get(base, "/search", q="jennings contracts")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "lxml")
    assert page.select_one(".count").get_text(" ", strip=True).startswith("1 result for “jennings contracts”")
    assert "seconds" in page.select_one(".took").get_text()
    hit = page.select_one(".hits li")
    assert hit.h2.a["href"] == "/sources/island-news/"
    assert hit.select_one(".meta").get_text(" ", strip=True) == (
        "Archived source · news · Island Test News · 2 November 2012 · captured 1 Jan 2025")
    assert [m.get_text() for m in hit.select(".snippet mark")] == ["Jennings", "contracts"]
    link = hit.select_one(".passage-link")["href"]
    assert link == ("/sources/island-news/captures/20250101T000000Z/"
                    "#:~:text=led%20by%20Paul%20Jennings%2C%20who%20signed")


def test_the_passage_link_targets_the_archived_text_on_the_capture_page(served):
    _site, base = served
    hit = get(base, "/api/search", q="jennings").json()["hits"][0]
    link = hit["passages"][0]["link"]
    page, fragment = link.split("#:~:text=")
    text = BeautifulSoup(get(base, page).text, "lxml").select_one(".archived-text").get_text()
    assert unquote(fragment) == "led by Paul Jennings, who signed"
    assert unquote(fragment) in " ".join(text.split())


def test_facet_links_narrow_and_remove(served):
    _site, base = served
    page = BeautifulSoup(get(base, "/search", q="programme").text, "lxml")
    alpha = next(a for a in page.select(".facets a") if a.get_text() == "Alpha Press")
    assert alpha.find_next_sibling("span").get_text() == "12"
    narrowed = BeautifulSoup(requests.get(base + alpha["href"], timeout=10).text, "lxml")
    assert narrowed.select_one(".count").get_text().startswith("12 results")
    remove = narrowed.select_one(".facets .active a")
    assert BeautifulSoup(requests.get(base + remove["href"], timeout=10).text, "lxml").select_one(
        ".count").get_text().startswith("27 results")


def test_pagination_links_walk_every_hit_once(served):
    _site, base = served
    seen, url = [], base + "/search?q=report"
    while url:
        page = BeautifulSoup(requests.get(url, timeout=10).text, "lxml")
        seen += [a["href"] for a in page.select(".hits h2 a")]
        nxt = page.select_one(".pages a[rel=next]")
        url = base + nxt["href"] if nxt else None
    assert len(seen) == len(set(seen)) == 24


def test_did_you_mean_links_to_the_corrected_search(served):
    _site, base = served
    page = BeautifulSoup(get(base, "/search", q="constabulry").text, "lxml")
    link = page.select_one(".suggestion a")
    assert link.get_text() == "constabulary"
    assert link["href"] == "/search?q=constabulary"


def test_api_fields(served):
    _site, base = served
    data = get(base, "/api/search", q="jennings", per_page="5").json()
    assert {k: data[k] for k in ("query", "page", "per_page", "pages", "total", "sort", "filters",
                                 "all_captures", "suggestion")} == {
        "query": "jennings", "page": 1, "per_page": 5, "pages": 1, "total": 1, "sort": "relevance",
        "filters": {}, "all_captures": False, "suggestion": None}
    assert data["facets"]["type"] == [{"value": "source", "count": 1}]
    hit = data["hits"][0]
    assert (hit["id"], hit["kind"], hit["archived"], hit["captured"], hit["captured_at"]) == (
        "source:island-news", "source", True, "1 Jan 2025", "2025-01-01T00:00:00Z")
    assert "<mark>Jennings</mark>" in hit["passages"][0]["html"]
    assert hit["passages"][0]["link"].startswith("/sources/island-news/captures/20250101T000000Z/#:~:text=")


def test_hostile_capture_text_is_escaped_in_html_and_json(served):
    _site, base = served
    html = get(base, "/search", q="onerror").text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;x&quot;)" in html
    data = get(base, "/api/search", q="onerror").json()
    everything = " ".join(p["html"] for h in data["hits"] for p in h["passages"])
    everything += " ".join(h["title_html"] for h in data["hits"])
    assert "<script>" not in everything and "<img" not in everything and "<b " not in everything
    assert "&lt;img src=x <mark>onerror</mark>=alert(1)&gt;" in everything


@pytest.mark.parametrize(("q", "message"), BAD, ids=[repr(q[:20]) for q, _m in BAD])
def test_bad_query_is_a_400_with_its_reason(served, q, message):
    _site, base = served
    api = get(base, "/api/search", q=q)
    assert api.status_code == 400
    assert api.json()["error"] == message
    page = get(base, "/search", q=q)
    if not q.strip():  # the page shows the empty form, as on a first visit
        assert page.status_code == 200 and BeautifulSoup(page.text, "lxml").select_one(".error") is None
        return
    assert page.status_code == 400
    assert BeautifulSoup(page.text, "lxml").select_one(".error").get_text() == message


@pytest.mark.parametrize(("params", "message"), [
    ({"page": "zero"}, "page='zero' is not a whole number from 1 to 10000."),
    ({"page": "²"}, "page='²' is not a whole number from 1 to 10000."),  # str.isdigit() takes these
    ({"page": "٣"}, "page='٣' is not a whole number from 1 to 10000."),  # and int() reads this as 3
    ({"per_page": "５"}, "per_page='５' is not a whole number from 1 to 50."),
    ({"page": "1e3"}, "page='1e3' is not a whole number from 1 to 10000."),
    ({"page": "0"}, "page='0' is not a whole number from 1 to 10000."),
    ({"page": "10001"}, "page='10001' is not a whole number from 1 to 10000."),
    ({"per_page": "-1"}, "per_page='-1' is not a whole number from 1 to 50."),
    ({"per_page": "500"}, "per_page='500' is not a whole number from 1 to 50."),
    ({"per_page": "9" * 40}, f"per_page={'9' * 20!r} is not a whole number from 1 to 50."),
    ({"year": "٢٠١٦"}, "year='٢٠١٦' is not a year; use four digits, e.g. year=2016."),
    ({"year": "²⁰¹⁶"}, "year='²⁰¹⁶' is not a year; use four digits, e.g. year=2016."),
    ({"sort": "random"}, "sort='random' is not a way to sort; use one of relevance, date, newest."),
])
def test_bad_parameters_are_a_400_in_the_answers_own_format(served, params, message):
    _site, base = served
    api = get(base, "/api/search", q="pilot", **params)
    assert (api.status_code, api.headers["Content-Type"]) == (400, "application/json; charset=utf-8")
    assert api.json() == {"error": message, "query": "pilot"}
    page = get(base, "/search", q="pilot", **params)
    assert (page.status_code, page.headers["Content-Type"]) == (400, "text/html; charset=utf-8")
    assert BeautifulSoup(page.text, "lxml").select_one(".error").get_text() == message


def test_search_url_keeps_every_parameter_but_the_defaults():
    request = SearchRequest("police", page=3, per_page=1, filters=(("year", "2012"),), all_captures=True)
    assert search_url(request) == "/search?q=police&year=2012&captures=all&page=3&per_page=1"
    assert search_url(request, page=1) == "/search?q=police&year=2012&captures=all&per_page=1"
    assert search_url(SearchRequest("police", sort="date"), page=2, year=None) == "/search?q=police&sort=date&page=2"
    assert search_url(SearchRequest("")) == "/search?q="


def test_pagination_links_keep_one_hit_per_page(served):
    _site, base = served
    page = BeautifulSoup(get(base, "/search", q="report", per_page="1", page="2").text, "lxml")
    assert len(page.select(".hits li")) == 1
    links = {a.get_text(): a["href"] for a in page.select(".pages a")}
    assert links["Previous"] == "/search?q=report&per_page=1"
    assert links["Next"] == "/search?q=report&page=3&per_page=1"
    nxt = BeautifulSoup(requests.get(base + links["Next"], timeout=10).text, "lxml")
    assert nxt.select_one(".count").get_text().startswith("24 results for “report”, page 3 of 24")


def test_search_as_you_type_takes_the_last_word_as_a_beginning(served):
    _site, base = served
    exact = get(base, "/api/search", q="jennings contr").json()
    partial = get(base, "/api/search", q="jennings contr", partial="1").json()
    assert (exact["total"], partial["total"], partial["completed"]) == (0, 1, "contr")
    page = BeautifulSoup(get(base, "/search", q="jennings contr", partial="1").text, "lxml")
    assert page.select_one(".count").get_text().startswith("1 result for “jennings contr…”")


def test_server_keeps_answering_during_a_rebuild_then_answers_from_the_new_index(served):
    site, base = served
    config = load_config(site.settings)
    add_capture(site, "agency-page", "20260301T000000Z", "The programme page now says quokka.\n")
    build = threading.Thread(target=index_site, args=(config,), kwargs={"rebuild": True})
    build.start()
    statuses = []
    while build.is_alive() or len(statuses) < 5:
        statuses.append(get(base, "/api/search", q="programme").status_code)
    build.join()
    assert set(statuses) == {200}
    assert [h["id"] for h in get(base, "/api/search", q="quokka").json()["hits"]] == ["source:agency-page"]
