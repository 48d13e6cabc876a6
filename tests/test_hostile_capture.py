"""A hostile page, captured by `sim-archive capture` and shown on the site in Chromium: no script
runs, nothing is fetched from another host, and its text shows as text."""

from __future__ import annotations

import pytest
from httpfixtures import ROUTES, http_server  # noqa: F401 - a fixture
from support import serving
from test_browser import browser  # noqa: F401 - a fixture

HOSTILE = b"""<!doctype html><html><head><title>Hostile page</title>
<meta http-equiv="refresh" content="0;url=http://evil.example/refresh">
<style>body { background: url(http://evil.example/bg.png) }</style>
<script>alert("HOSTILE-HEAD-SCRIPT")</script></head>
<body onload="alert('HOSTILE-ONLOAD')">
<p>Zebra words: &lt;b&gt;looks like HTML&lt;/b&gt; and &lt;script&gt;alert("HOSTILE-TEXT-SCRIPT")&lt;/script&gt;
and &quot;&gt;&lt;img src=x onerror=alert("HOSTILE-TEXT-IMG")&gt;</p>
<img src="http://evil.example/x.png" onerror="alert('HOSTILE-ONERROR')">
<a href="javascript:alert('HOSTILE-LINK')">a javascript link</a>
<svg><script>alert('HOSTILE-SVG')</script><circle onload="alert('HOSTILE-SVG-ONLOAD')"/></svg>
<p style="background: url(http://evil.example/p.png)">The zebra paragraph ends here.</p>
</body></html>"""


@pytest.fixture
def hostile_site(site, http_server, monkeypatch):  # noqa: F811
    monkeypatch.setitem(ROUTES, "/hostile", lambda h, p: h.send(200, HOSTILE))
    with (site.content / "sources.toml").open("a", encoding="utf-8") as registry:
        registry.write(f'\n[hostile]\nurl = "{http_server.url("/hostile")}"\ntitle = "Hostile page"\n'
                       'publisher = "Nobody"\nkind = "news"\n')
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write("SIMARCHIVE_DELAY = 0\nSIMARCHIVE_RETRIES = 0\n")
    captured = site.run("capture", "hostile", "--allow-private")
    assert captured.returncode == 0, captured.stdout + captured.stderr
    built = site.build()
    assert built.returncode == 0, built.log
    return site


def test_hostile_capture_runs_no_script_and_fetches_nothing_elsewhere(hostile_site, browser):  # noqa: F811
    with serving(hostile_site.settings) as base:
        context = browser.new_context(base_url=base)
        page = context.new_page()
        dialogs, foreign, console = [], [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: r.url.startswith((base, "data:")) or foreign.append(r.url))
        page.on("console", lambda m: console.append(m.text))
        timestamp = next((hostile_site.archive / "hostile").iterdir()).name
        for path in ("/sources/hostile/", f"/sources/hostile/captures/{timestamp}/", "/search?q=zebra"):
            page.goto(path)
            page.wait_for_timeout(300)  # time for any refresh, onload or onerror to fire
            assert page.url == base + path  # no meta refresh took the page away
        text = context.new_page()
        text.goto("/sources/hostile/")
        shown = text.locator("pre.archived-text").inner_text()
        assert '<b>looks like HTML</b> and <script>alert("HOSTILE-TEXT-SCRIPT")</script>' in shown
        assert text.locator("pre.archived-text b, pre.archived-text script, pre.archived-text img").count() == 0
        search = context.new_page()
        search.goto("/search?q=zebra")
        assert search.locator("mark").count() > 0
        assert search.locator("main img, main script:not([src]), main svg script").count() == 0
        context.close()
    assert dialogs == []
    assert foreign == []
    assert not [m for m in console if "HOSTILE" in m]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_of_a_captured_source_pass_axe(hostile_site, browser, scheme):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe
    from test_browser import WCAG

    timestamp = next((hostile_site.archive / "hostile").iterdir()).name
    with serving(hostile_site.settings) as base:
        context = browser.new_context(base_url=base, color_scheme=scheme)
        page = context.new_page()
        for path in ("/sources/hostile/", f"/sources/hostile/captures/{timestamp}/", "/sources/by-captured/"):
            page.goto(path)
            results = Axe().run(page, options=WCAG)
            assert results.violations_count == 0, f"{path}: {results.generate_report()}"
        context.close()
