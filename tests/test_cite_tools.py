"""A build with SITEURL and captures, read by the field's own tools: citeproc-js with the official
styles, Zotero's translation-server, biber, rispy and feedparser, over real HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import tomllib
from pathlib import Path

import feedparser
import pytest
import requests
import rispy
from bs4 import BeautifulSoup
from httpfixtures import TestServer as PageServer
from simarchive.cite.styles import STYLES
from support import REPO, SiteDir, free_port, serving

CI = os.environ.get("CI") == "true"
LOCALES = Path(__import__("citeproc").__file__).parent / "data" / "locales"
CITEPROC_JS = "citeproc@2.4.63"
RENDER_JS = Path(__file__).parent / "data" / "cite" / "render.js"
COMMITTED = "2024-05-01T12:00:00+00:00"
EXTRA_SOURCES = """
[coalition-page]
url = "https://example.org/coalition"
title = "About the coalition"
publisher = "Test Campaign Coalition"
kind = "campaign"

[coalition-report]
url = "{report}"
title = "Why the model must stop"
publisher = "Test Campaign Press"
author = "Test Campaign Coalition"
kind = "report"
published = "2021-04-23"
"""


def missing(tool: str) -> None:
    """Skip with the reason, or fail under CI, where every tool must be there."""
    message = f"{tool} is not available here"
    if CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def cited(tmp_path_factory):
    """The test site, its events committed to git, two sources captured from loopback pages, built
    with SITEURL set to the server that then serves it."""
    if not shutil.which("git"):
        missing("git")
    server = PageServer()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    site = SiteDir(tmp_path_factory.mktemp("cited"))
    try:
        registry = site.content / "sources.toml"
        text = registry.read_text(encoding="utf-8").replace("https://example.org/island/pilot", server.url("/article"))
        registry.write_text(text + EXTRA_SOURCES.format(report=server.url("/doc.pdf")), encoding="utf-8")
        pilot = site.content / "events" / "2012-pilot.md"  # quote what the served article says
        pilot.write_text(pilot.read_text(encoding="utf-8").split("\n\n")[0] + "\n\nThe pilot began [@island-news, "
                         '"began on the Isle of Wight"].\n', encoding="utf-8")
        env = {**os.environ, "GIT_AUTHOR_DATE": COMMITTED, "GIT_COMMITTER_DATE": COMMITTED,
               "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.org"}
        for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "content"]):
            subprocess.run(["git", *command], cwd=site.content, env=env, check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with site.settings.open("a", encoding="utf-8") as settings:
            settings.write(f"SITEURL = {base!r}\nFEED_DOMAIN = SITEURL\nSIMARCHIVE_DELAY = 0\nSIMARCHIVE_RETRIES = 0\n")
        done = site.run("capture", "island-news", "coalition-report", "--allow-private")
        assert done.returncode == 0, done.stdout + done.stderr
        build = site.build()
        assert build.returncode == 0, build.log
        with serving(site.settings, port=port) as served:
            assert served == base
            yield site, base
    finally:
        server.shutdown()
        server.server_close()


def pages(site) -> list[Path]:
    """Every event page, source page and capture page."""
    out = site.output
    found = [*out.glob("events/*/index.html"), *out.glob("sources/*/index.html"),
             *out.glob("sources/*/captures/*/index.html")]
    return sorted(p for p in found if list(p.parent.glob("sim-timeline-*.json")))  # not the catalogue's


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def files(page: Path, ext: str) -> Path:
    (found,) = page.parent.glob(f"sim-timeline-*.{ext}")
    return found


@pytest.fixture(scope="session")
def citeproc_js(tmp_path_factory):
    """citeproc-js (the reference CSL processor) from the npm registry, in a folder of its own."""
    if not (shutil.which("node") and shutil.which("npm")):
        missing("node and npm")
    home = Path(os.environ.get("SIM_CITEPROC_JS", Path.home() / ".cache" / "sim-archive-citeproc-js"))
    if not (home / "node_modules" / "citeproc").is_dir():
        home.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--prefix", str(home), "--no-audit", "--no-fund", CITEPROC_JS],
                              capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0:
            missing(f"{CITEPROC_JS} (npm install failed: {done.stderr.strip()[-300:]})")
    return home


def test_the_cite_box_says_what_citeproc_js_says_of_the_page_s_own_record(cited, citeproc_js):
    site, _ = cited
    records = {page: json.loads(files(page, "json").read_text(encoding="utf-8"))[0] for page in pages(site)}
    env = {**os.environ, "NODE_PATH": str(citeproc_js / "node_modules")}
    for style in STYLES:
        done = subprocess.run(["node", str(RENDER_JS), style.path, style.locale, str(LOCALES)], env=env,
                              input=json.dumps(list(records.values())), capture_output=True, text=True,
                              timeout=120, check=True)
        rendered = json.loads(done.stdout)
        for page, record in records.items():
            box = soup(page).select_one(f"#cite-{style.key}").get_text()
            assert box == rendered[record["id"]][style.form], (style.key, page)


def guides_over_citeproc_js(text: str) -> str:
    """The two places where we follow the guides, not citeproc-js (cite/corrections.py): the first
    word inside quotation marks is capitalised in title case, and a domain is written as it is."""
    text = re.sub(r"(?<=[‘“])[a-z]", lambda m: m.group().upper(), text)
    return re.sub(r"\b([A-Za-z]\w*)((?:\.[A-Za-z]\w*)+)", lambda m: m.group(1) + m.group(2).lower(), text)


def test_every_cite_box_of_the_real_record_says_what_citeproc_js_says(tmp_path, citeproc_js):
    """All 46 events and 78 sources, every style: the Cite box equals citeproc-js's rendering of the
    page's own cite file, but for the two differences named in cite/corrections.py."""
    site = SiteDir(tmp_path, content=REPO / "content")
    site.settings.write_text(site.settings.read_text() + 'SITEURL = "https://sim.example.org"\n')
    result = site.build()
    assert result.returncode == 0, result.log
    records = {page: json.loads(files(page, "json").read_text(encoding="utf-8"))[0] for page in pages(site)}
    assert len(records) == 46 + 78
    env = {**os.environ, "NODE_PATH": str(citeproc_js / "node_modules")}
    for style in STYLES:
        done = subprocess.run(["node", str(RENDER_JS), style.path, style.locale, str(LOCALES)], env=env,
                              input=json.dumps(list(records.values())), capture_output=True, text=True,
                              timeout=120, check=True)
        rendered = json.loads(done.stdout)
        for page, record in records.items():
            box = soup(page).select_one(f"#cite-{style.key}").get_text()
            expected = rendered[record["id"]][style.form]
            assert guides_over_citeproc_js(box) == guides_over_citeproc_js(expected), (style.key, record["id"])


def test_no_style_splits_an_organisation_or_repeats_a_container(cited):
    site, _ = cited
    for page in pages(site):
        box = soup(page).select_one("section.cite").get_text(" ")
        assert "Coalition, T" not in box and "Coalition, Test" not in box
        assert "Island Test News, Island Test News" not in box
    report = soup(next(p for p in pages(site) if "coalition-report/captures" in str(p)))
    assert report.select_one("#cite-apa").get_text().startswith("Test Campaign Coalition. (2021).")


@pytest.fixture(scope="session")
def zotero():
    """Zotero's translation-server on a free loopback port, started by its own script."""
    candidates = [os.environ.get("SIM_ZOTERO"), REPO.parent / "shared" / "tools" / "zotero",
                  "/work/shared/tools/zotero"]
    tool = next((Path(c) for c in candidates if c and (Path(c) / "start").is_file()), None)
    if tool is None:
        missing("Zotero's translation-server (set SIM_ZOTERO)")
    port = free_port()
    done = subprocess.run(["bash", str(tool / "start"), str(port)], capture_output=True, text=True, timeout=600,
                          check=False)
    if done.returncode != 0:
        missing(f"Zotero's translation-server ({done.stderr.strip()[-300:]})")
    pid = int(done.stdout.strip().splitlines()[-1])
    yield f"http://127.0.0.1:{port}"
    os.kill(pid, 15)


def zotero_web(zotero: str, url: str) -> dict:
    response = requests.post(f"{zotero}/web", data=url, headers={"Content-Type": "text/plain"}, timeout=60)
    assert response.status_code == 200, response.text
    (item,) = response.json()
    return item


def test_zotero_saves_each_page_as_what_it_is(cited, zotero):
    site, base = cited
    captures = {p.parent.parent.parent.name: p for p in site.output.glob("sources/*/captures/*/index.html")}
    event = zotero_web(zotero, f"{base}/events/2021-closure/")
    assert (event["itemType"], event["title"], event["date"], event["websiteTitle"], event["url"]) == (
        "webpage", "Network closes (June 2021)", "2024/05/01", "SIM Timeline and Evidence Archive",
        f"{base}/events/2021-closure/")
    assert event["abstractNote"] == "The company behind the model closed."
    news_url = f"{base}/{captures['island-news'].parent.relative_to(site.output)}/"
    news = zotero_web(zotero, news_url)
    assert (news["itemType"], news["publicationTitle"], news["date"], news["url"]) == (
        "newspaperArticle", "Island Test News", "2012/11/02", news_url)
    assert news["creators"] == [{"firstName": "A.", "lastName": "Reporter", "creatorType": "author"}]
    assert "abstractNote" not in news
    report_url = f"{base}/{captures['coalition-report'].parent.relative_to(site.output)}/"
    report = zotero_web(zotero, report_url)
    assert (report["itemType"], report["institution"], report["date"]) == (
        "report", "Test Campaign Press", "2021/04/23")
    assert report["creators"] == [{"name": "Test Campaign Coalition", "creatorType": "author"}]


def test_zotero_imports_the_downloads_with_the_same_facts(cited, zotero):
    site, _ = cited
    page = next(p for p in pages(site) if "coalition-report/captures" in str(p))
    for ext, kind in (("bib", "webpage"), ("ris", "report"), ("json", "report")):
        body = files(page, ext).read_bytes()
        response = requests.post(f"{zotero}/import", data=body, headers={"Content-Type": "text/plain"}, timeout=60)
        assert response.status_code == 200, (ext, response.text)
        item = next(i for i in response.json() if i.get("itemType") != "note")
        assert (ext, item["itemType"], item["title"]) == (ext, kind, "Why the model must stop")
        assert item["creators"] == [{"name": "Test Campaign Coalition", "creatorType": "author"}], ext
        assert "2021" in item["date"] and "23" in item["date"], (ext, item["date"])
        assert item["url"].startswith("http://127.0.0.1:") and "/captures/" in item["url"], ext


def test_biber_validates_every_bib_file_without_a_warning(cited, tmp_path):
    if not shutil.which("biber"):
        missing("biber (apt-get install biber)")
    site, _ = cited
    bib = tmp_path / "all.bib"
    # A captured source's page cites its latest capture, as the capture's page does: one entry each.
    entries = {p.read_text(encoding="utf-8") for p in site.output.rglob("sim-timeline-*.bib")}
    bib.write_text("".join(sorted(entries)), encoding="utf-8")
    done = subprocess.run(["biber", "--tool", "--validate-datamodel", f"--output-file={tmp_path / 'out.bib'}",
                           str(bib)], capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith(("WARN", "ERROR"))] == []


def test_ris_files_read_back_with_dates_at_their_precision(cited):
    site, _ = cited
    for page in pages(site):
        (record,) = rispy.loads(files(page, "ris").read_text(encoding="utf-8"))
        cites_original = "Not yet archived" in soup(page).select_one("section.cite").get_text()
        assert record["urls"][0].startswith("https://example.org/" if cites_original else "http://127.0.0.1:"), page
    (island,) = rispy.loads(files(site.output / "sources/island-news/index.html", "ris").read_text(encoding="utf-8"))
    assert (island["date"], island["type_of_reference"], island["authors"]) == ("2012/11/02/", "NEWS", ["Reporter, A."])


def test_downloads_are_saved_under_the_name_the_link_gives(cited):
    site, base = cited
    box = soup(site.output / "events/2021-closure/index.html").select_one("section.cite")
    links = box.select("a[download]")
    assert [a["download"] for a in links] == [f"sim-timeline-2021-closure.{ext}" for ext in ("bib", "ris", "json")]
    for link in links:
        response = requests.get(link["href"], timeout=10)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == f'attachment; filename="{link["download"]}"'
    assert box.select_one("pre.cite-file").get_text().startswith("@online{2021-closure,")


def test_canonical_og_url_and_citation_public_url_agree(cited):
    site, base = cited
    for page in pages(site):
        head = soup(page)
        canonical = head.select_one('link[rel="canonical"]')["href"]
        assert canonical.startswith(base)
        assert head.select_one('meta[property="og:url"]')["content"] == canonical, page
        assert head.select_one('meta[name="citation_public_url"]')["content"] == canonical, page
        assert not head.select('meta[name="DC.source"]')


def test_the_atom_feed_dates_entries_by_revision_and_names_the_event_date(cited):
    site, base = cited
    head = soup(site.output / "index.html").select_one('link[rel="alternate"][type="application/atom+xml"]')
    assert head["href"] == f"{base}/feeds/events.atom.xml"
    feed = feedparser.parse(requests.get(head["href"], timeout=10).content)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 5
    closure = next(e for e in feed.entries if e.link == f"{base}/events/2021-closure/")
    assert closure.id == closure.link
    assert closure.updated.startswith("2024-05-01")
    assert "published" not in closure
    assert "Event date: June 2021." in closure.summary


def test_a_build_without_siteurl_says_so_once_and_every_cite_box_says_so(site):
    # The pelican command, in a process of its own: Pelican's log filter drops a message it has
    # already shown in this process, so an in-process build after another could not show it once.
    result = site.run(tool="pelican")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert sum("SITEURL is not set" in line for line in log.splitlines()) == 1
    for page in pages(site):
        assert soup(page).select_one(".cite-notice"), page


def test_the_real_content_claims_no_copy_the_archive_lacks(tmp_path):
    """The repository's own content with its empty archive: every sentence about our copies is the
    archive's own count."""
    site = SiteDir(tmp_path, content=REPO / "content")
    shutil.rmtree(site.archive)
    site.archive.mkdir()
    result = site.build()
    assert result.returncode == 0, result.log
    total = len(tomllib.loads((REPO / "content" / "sources.toml").read_text(encoding="utf-8")))
    for path in site.output.rglob("*.html"):
        text = " ".join(soup(path).get_text(" ").split())
        for claim in ("archived copy of every source", "every source is archived", "archived copies of every source",
                      "this archive holds", "copy we hold", "copies we hold", "text we hold"):
            assert claim not in text.lower(), (path, claim)
    footer = soup(site.output / "index.html").select_one("footer").get_text(" ")
    assert f"0 of {total} sources archived so far" in " ".join(footer.split())
    timelinejs = (site.output / "timeline-timelinejs.json").read_text(encoding="utf-8")
    assert "every source" not in timelinejs
