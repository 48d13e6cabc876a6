"""`sim-archive serve` searches in a process of its own: the same answers, errors and recovery."""

from __future__ import annotations

import shutil

import requests

from conftest import serving


def get(base: str, path: str, **params) -> requests.Response:
    return requests.get(base + path, params=params, timeout=20)


def test_the_search_process_answers_like_the_threads_do(built_site):
    with serving(built_site.settings) as threads, serving(built_site.settings, search_process=True) as process:
        for q in ("Isle of Wight", '"police and nurses"', "fellowship~", "kind:event"):
            a, b = get(threads, "/api/search", q=q).json(), get(process, "/api/search", q=q).json()
            assert (b["total"], [h["url"] for h in b["hits"]]) == (a["total"], [h["url"] for h in a["hits"]]), q
        page = get(process, "/search", q="Isle of Wight")
        assert page.status_code == 200
        assert "Street triage pilot starts on the Isle of Wight" in page.text


def test_a_bad_query_is_still_a_400_with_its_reason(built_site):
    with serving(built_site.settings, search_process=True) as base:
        response = get(base, "/api/search", q="x" * 501)
        assert response.status_code == 400
        assert "the limit is 500" in response.json()["error"]


def test_a_missing_index_is_a_503_and_the_next_build_mends_it(site):
    assert site.build().returncode == 0
    shutil.rmtree(site.index)
    with serving(site.settings, search_process=True) as base:
        assert get(base, "/api/search", q="pilot").status_code == 503
        assert get(base, "/").status_code == 200
        assert site.build().returncode == 0
        assert get(base, "/api/search", q="pilot").json()["total"] >= 1
