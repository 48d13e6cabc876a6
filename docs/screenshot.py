"""Take the README's screenshot of the timeline: docs/timeline.png, from a build of the real content.

Usage: make html && .venv/bin/python docs/screenshot.py   (needs Debian's chromium)
Serves output/ through the real app on a free loopback port and photographs the top of the
timeline at 1280 px, in the light scheme.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress.server import create_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from simarchive.config import load_config  # noqa: E402
from simarchive.web import create_app  # noqa: E402


def main() -> int:
    server = create_server(create_app(load_config(ROOT / "pelicanconf.py")), host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.socket.getsockname()[1]}"
    target = ROOT / "docs" / "timeline.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1100}, color_scheme="light")
        page.goto(base + "/")
        page.wait_for_selector("form#filters[data-ready]", state="attached")
        page.screenshot(path=str(target))
        browser.close()
    server.close()
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
