"""Retake the README's screenshot, docs/timeline.png, from the real site.

Usage: .venv/bin/python bench/screenshot.py   (or `make screenshot`; needs Debian's chromium)

Builds the repository's content/ and archive/ as `sim-archive build` publishes them, into a
temporary folder, serves the build with the real app on a free loopback port, and photographs the
top of the timeline at 1280 x 1100 px in the light scheme, once its scripts are ready. Prints
what it wrote.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from record import publish_record
from support import REPO, serving

CHROMIUM = os.environ.get("SIM_CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    target = REPO / "docs" / "timeline.png"
    with tempfile.TemporaryDirectory(prefix="sim-screenshot-") as tmp, serving(publish_record(Path(tmp))) as base, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1100}, color_scheme="light")
        page.goto(base + "/")
        page.wait_for_selector("form#filters[data-ready]", state="attached")
        page.screenshot(path=str(target))
        browser.close()
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
