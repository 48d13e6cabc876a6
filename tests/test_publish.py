"""Publishing a build atomically (site/publish.py), and the server following the switch under load."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
import time
from urllib.parse import urlsplit

from published import publish_site
from simarchive.site import publish
from simarchive.site.publish import build_and_publish, builds_folder
from support import REPO, serving

EVENT = "events/2012-pilot/index.html"


def _publish(site) -> None:
    assert build_and_publish(site.settings) == 0


def test_a_build_is_published_by_one_switch_and_the_one_before_is_kept(site, monkeypatch):
    monkeypatch.setattr(publish, "GRACE", 0.0)  # no request is reading the builds replaced
    _publish(site)
    first = site.output.resolve()
    assert site.output.is_symlink() and (first / "index.html").is_file()
    _publish(site)
    second = site.output.resolve()
    _publish(site)
    third = site.output.resolve()
    assert len({first, second, third}) == 3
    assert sorted(builds_folder(site.output).iterdir()) == sorted([second, third])  # the older one is gone


def test_a_build_replaced_within_the_grace_is_kept(site):
    _publish(site)
    first = site.output.resolve()
    _publish(site)
    _publish(site)
    assert first.is_dir()  # a request that began on it may still be reading it


def test_a_site_built_before_is_moved_aside_then_replaced(site):
    assert site.build().returncode == 0  # Pelican's own build: output/ is a plain folder
    assert not site.output.is_symlink()
    _publish(site)
    assert site.output.is_symlink() and (site.output / "index.html").is_file()


def test_a_failed_build_leaves_the_published_site_as_it_was(site):
    _publish(site)
    published = site.output.resolve()
    event = next((site.content / "events").glob("*.md"))
    event.write_text(event.read_text(encoding="utf-8").replace("When:", "When: not a date\nX-When:", 1))
    assert build_and_publish(site.settings) == 1
    assert site.output.resolve() == published
    assert sorted(builds_folder(site.output).iterdir()) == [published]  # the failed build left nothing


def _fetch(base: str, path: str) -> tuple[int, dict[str, str], bytes, float]:
    started = time.monotonic()
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body, time.monotonic() - started
    finally:
        connection.close()


def test_pages_stay_whole_while_new_builds_are_published(site):
    """Readers keep fetching pages while the site is rebuilt and published three times, one
    event page changing each time: every answer is a 200, whole (its length what the headers
    say, its HTML closed), of one build (the event page holds one version's text), within 2 s."""
    _publish(site)
    event = site.content / "events" / "2012-pilot.md"
    original = event.read_text(encoding="utf-8")
    answers: list[tuple[str, int, dict, bytes, float]] = []
    stop = threading.Event()
    with serving(site.settings, threads=4) as base:

        def read() -> None:
            while not stop.is_set():
                for path in ("/", f"/{EVENT.removesuffix('index.html')}", "/sources/"):
                    answers.append((path, *_fetch(base, path)))

        readers = [threading.Thread(target=read) for _ in range(3)]
        for reader in readers:
            reader.start()
        try:
            for version in range(1, 4):
                event.write_text(original.rstrip("\n") + f"\n\nRevision marker {version}.\n", encoding="utf-8")
                _publish(site)
            seen = len(answers)
            while len(answers) < seen + 9:  # a few rounds from the last build
                time.sleep(0.05)
        finally:
            stop.set()
            for reader in readers:
                reader.join()
    assert len(answers) > 30
    for path, status, headers, body, seconds in answers:
        assert status == 200, (path, status)
        assert int(headers["Content-Length"]) == len(body), path
        assert body.rstrip().endswith(b"</html>"), path
        assert seconds < 2, (path, seconds)
        if path.startswith("/events/"):
            assert body.count(b"Revision marker") <= 1, "a page mixes two builds"
    versions = {body.count(b"Revision marker 3") for path, _s, _h, body, _t in answers if path.startswith("/events/")}
    assert versions == {0, 1}, "the server never moved to the last build, or never served the first"
    assert os.path.realpath(site.output).startswith(str(builds_folder(site.output)))


def test_sim_archive_build_publishes_with_the_siteurl_asked(site):
    from simarchive.cli import main

    assert main(["--settings", str(site.settings), "build", "--siteurl", "https://sim.example.org"]) == 0
    assert site.output.is_symlink()
    assert 'href="https://sim.example.org/sources/"' in site.page("index.html")


def _asset_names(build) -> dict[str, str]:
    return json.loads((build / "theme" / "assets.json").read_text(encoding="utf-8"))


def test_an_edited_asset_gets_a_new_name_and_the_build_before_keeps_its_own(site):
    theme = site.root / "theme"
    shutil.copytree(REPO / "theme", theme)
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write(f"THEME = {str(theme)!r}\n")
    first = _asset_names(publish_site(site))
    css = theme / "static" / "css" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.edited { color: inherit; }\n", encoding="utf-8")
    filters = theme / "static" / "js" / "filters.js"
    filters.write_text(filters.read_text(encoding="utf-8") + "\n// edited\n", encoding="utf-8")
    build = publish_site(site)
    second = _asset_names(build)
    changed = {name for name in first if first[name] != second[name]}
    # timeline.js imports filters.js: its own name changes with the name it imports.
    assert changed == {"css/site.css", "js/filters.js", "js/timeline.js"}
    page = site.page("index.html")
    assert f'href="/theme/{second["css/site.css"]}"' in page and first["css/site.css"] not in page
    timeline = (build / "theme" / second["js/timeline.js"]).read_text(encoding="utf-8")
    assert f'from "./{second["js/filters.js"].rpartition("/")[2]}"' in timeline
    # A page of the build before, loaded just before the switch, still finds what it links to.
    assert all((build / "theme" / name).is_file() for name in first.values())
    old, new = (build / "theme" / names["css/site.css"] for names in (first, second))
    assert old.read_bytes() != new.read_bytes()
