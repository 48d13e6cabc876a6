"""The build's worker process: what it writes, what it reports, and a site with no events."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

from bs4 import BeautifulSoup
from support import BIN

# Pelican as its command runs it, with a plain handler for INFO lines (Pelican's own "plain"
# handler prints none, and its "rich" one wraps them).
PELICAN_WITH_INFO = """
import logging, sys
logging.basicConfig(format="%(message)s")
logging.getLogger("simarchive").setLevel(logging.INFO)
from pelican import main
sys.argv[0] = "pelican"
main()
"""


def test_the_worker_writes_the_archive_pages_and_reports_them(site):
    result = subprocess.run([str(BIN / "python"), "-c", PELICAN_WITH_INFO, "-s", str(site.settings)],
                            cwd=site.root, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    downloads = [p for p in site.output.rglob("cite.*") if p.suffix in {".bib", ".ris", ".json"}]
    pages = [site.output / "index.html", site.output / "404.html", site.output / "timeline.json",
             site.output / "timeline-timelinejs.json", *site.output.glob("sources/**/index.html")]
    logged = re.search(r"the worker wrote (\d+) pages and (\d+) citation downloads", result.stderr)
    assert logged, result.stderr
    assert (int(logged.group(1)), int(logged.group(2))) == (len(pages), len(downloads))
    events = sorted(p.parent.name for p in site.output.glob("events/*/index.html"))
    registry = tomllib.loads((site.content / "sources.toml").read_text(encoding="utf-8"))
    sources = sorted(sid for sid in registry if (site.output / "sources" / sid / "index.html").is_file())
    assert sources == sorted(registry)
    assert sorted(p.parent.name for p in site.output.glob("events/*/cite.bib")) == events
    assert sorted(p.parent.name for p in site.output.glob("sources/*/cite.ris")) == sources
    assert len(downloads) == 3 * (len(events) + len(sources))


def test_a_site_with_no_events_still_gets_its_timeline_and_archive(site):
    shutil.rmtree(site.content / "events")
    (site.content / "events").mkdir()
    result = site.build()
    assert result.returncode == 0, result.stderr + result.stdout
    timeline = BeautifulSoup(site.page("index.html"), "lxml")
    assert timeline.select_one("main").get_text(" ", strip=True).endswith("No events yet.")
    assert (site.output / "sources" / "island-news" / "index.html").is_file()
    assert (site.output / "sources" / "island-news" / "cite.bib").is_file()
    assert not list(site.output.glob("events/*"))
