"""Every kind of page of the real record, published as `sim-archive build` publishes it (compressed,
fingerprinted) with one source captured from a page this test serves, on the real server, in
Chromium: no horizontal scroll on a phone, axe clean in light and dark with JavaScript on and off,
every asset a page loads found and cached for good, and no nav item current on the 404 page."""

from __future__ import annotations

import pytest
import requests
from bs4 import BeautifulSoup
from published import capture_source, publish_site
from simarchive.site.assets import fingerprinted
from support import REPO, SiteDir, serving
from test_browser import WCAG, browser  # noqa: F401 - a fixture

#: A real source that no event quotes, so its capture (of a page served here) cannot misquote it.
CAPTURED = "acep-criminalising-distress-call"
EVENT = "/events/2018-ahsn-national-adoption-programme/"
KINDS = {
    "timeline": "/", "event": EVENT, "catalogue": "/sources/", "source": f"/sources/{CAPTURED}/",
    "capture": None, "search": "/search?q=police", "about": "/about/", "methodology": "/methodology/",
    "how-to-cite": "/how-to-cite/", "corrections": "/corrections/", "changes": "/changes/",
    "404": "/no-such-page/",
}


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """The real content, one source captured, published and served: (base URL, page paths, build)."""
    site = SiteDir(tmp_path_factory.mktemp("record"), content=REPO / "content")
    paths = {**KINDS, "capture": capture_source(site, CAPTURED)}
    build = publish_site(site)
    with serving(site.settings, threads=4) as base:
        yield base, paths, build


@pytest.fixture
def visit(browser, record):  # noqa: F811
    """Open a page in a fresh context; afterwards, no page asked another origin for anything."""
    base = record[0]
    contexts, foreign = [], []

    def open_(path: str, scripts: bool = True, **options):
        context = browser.new_context(base_url=base, **options)
        contexts.append(context)
        if not scripts:
            # The page without its scripts, in a context where axe (itself a script) can run:
            # the site has no inline script and no <noscript>, so this is the page as a reader
            # without JavaScript gets it. (axe never finishes where JavaScript is off.)
            context.route("**/*.js", lambda route: route.abort())
        page = context.new_page()
        page.on("request", lambda r: r.url.startswith((base, "data:")) or foreign.append(r.url))
        page.goto(path, wait_until="load")
        if path == "/" and scripts and options.get("java_script_enabled", True):
            page.wait_for_selector("form#filters[data-ready]", state="attached")  # the filters are set up
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not foreign, f"requests to other origins: {foreign}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_no_page_scrolls_sideways_on_a_phone(visit, record, kind, javascript):
    page = visit(record[1][kind], viewport={"width": 390, "height": 844}, java_script_enabled=javascript,
                 has_touch=True, is_mobile=True)
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_axe_finds_no_wcag_violations_on_any_kind_of_page(visit, record, kind, scheme, javascript):
    from axe_playwright_python.sync_playwright import Axe

    page = visit(record[1][kind], scripts=javascript, color_scheme=scheme, viewport={"width": 1366, "height": 900})
    if kind == "timeline":  # the scripts ran, or did not
        assert page.evaluate("document.querySelector('form#filters[data-ready]') !== null") == javascript
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def test_every_asset_of_every_page_is_found_and_cached_for_good(record):
    base, _, build = record
    pages = {str(path): path.read_text(encoding="utf-8") for path in [*build.rglob("index.html"), build / "404.html"]}
    for path in ("/search", "/search?q=police", "/no-such-page/"):  # rendered by the server itself
        pages[path] = requests.get(base + path, timeout=10).text
    seen: dict[str, str] = {}
    for path, text in pages.items():
        html = BeautifulSoup(text, "lxml")
        urls = [e["href"] for e in html.select("link[rel~=stylesheet][href]")]
        urls += [e["src"] for e in html.select("script[src], img[src]")]
        assert urls, path
        for url in urls:
            assert fingerprinted(url), (url, path)
            seen.setdefault(url, path)
    for url, where in seen.items():
        response = requests.get(base + url, timeout=10)
        assert response.status_code == 200, (url, where)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        for line in response.text.splitlines():  # a module's imports are fingerprinted too
            if line.startswith("import ") and " from " in line:
                target = line.split(" from ")[1].strip(" ;\"'")
                imported = requests.get(base + url.rsplit("/", 1)[0] + "/" + target.removeprefix("./"), timeout=10)
                assert imported.status_code == 200 and "immutable" in imported.headers["Cache-Control"], target


def test_no_nav_item_is_current_on_the_404_pages(visit, record):
    base, paths, build = record
    built = BeautifulSoup((build / "404.html").read_text(encoding="utf-8"), "lxml")
    assert built.select("nav[aria-label=Main] a")
    assert built.select("nav[aria-label=Main] [aria-current]") == []
    page = visit(paths["404"])
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("nav[aria-label=Main] [aria-current]").count() == 0
