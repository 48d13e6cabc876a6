"""Replay a journalist's path on the real record and print how long it took and how many actions.

Usage: .venv/bin/python bench/journalist.py [--runs 5]

Builds content/ of the repository into a temporary folder with its SITEURL (so that citations
carry absolute links), serves it on the real server on loopback, and in Debian's Chromium with a
phone's window (390 x 844) follows the path of tests/journalist.py: open `/`, follow the turning
point "AHSN national adoption programme", press Copy beside the APA citation, read the clipboard.
Prints each run's wall-clock time from opening `/` to the citation on the clipboard, the median,
and the number of actions a reader takes. The goal (issue #19) is under 30 seconds for a person;
this measures what the site costs of it, not a person's reading time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from journalist import PERMISSIONS, PHONE, cite_from_timeline  # noqa: E402
from support import REPO, SiteDir, free_port, serving  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="sim-journalist-") as folder:
        site = SiteDir(Path(folder), content=REPO / "content")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        site.settings.write_text(site.settings.read_text() + f"SITEURL = {base!r}\nFEED_DOMAIN = SITEURL\n")
        if site.build().returncode:
            print("the real record did not build; run sim-archive check", file=sys.stderr)
            return 1
        with serving(site.settings, port=port), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            times = []
            for _ in range(args.runs):
                context = browser.new_context(base_url=base, viewport=PHONE, has_touch=True,
                                              permissions=PERMISSIONS)
                page = context.new_page()
                started = time.perf_counter()
                text, actions = cite_from_timeline(page)
                times.append(time.perf_counter() - started)
                context.close()
            browser.close()
    print(f"journalist path, / to the APA citation on the clipboard: {actions} actions")
    print("runs (s): " + ", ".join(f"{t:.2f}" for t in times))
    print(f"median: {statistics.median(times):.2f} s")
    print(f"clipboard: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
