"""Print what the timeline page weighs over the wire: the page and each asset it loads, gzipped.

Usage: .venv/bin/python bench/pageweight.py [OUTPUT_FOLDER]   (default: output/, after `make html`)

Reads the built files rather than a server, and compresses each with gzip at level 6, what a
typical server or CDN sends. The budget (issue #6) is 100 KB for HTML, CSS and JS; the data the
filters fetch (/timeline.json) is reported on its own line.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

BUDGET = 100 * 1024
IMPORT = re.compile(r"""\bfrom\s+["'](\./[^"']+)["']|\bimport\s+["'](\./[^"']+)["']""")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def local(output: Path, url: str) -> Path:
    return output / urlsplit(url).path.lstrip("/")


def assets(output: Path, html: str) -> list[Path]:
    """Stylesheets and scripts the page loads, with the modules those scripts import."""
    page = BeautifulSoup(html, "lxml")
    found = [local(output, link["href"]) for link in page.select('link[rel~="stylesheet"][href]')]
    queue = [local(output, script["src"]) for script in page.select("script[src]")]
    while queue:
        path = queue.pop(0)
        if path in found:
            continue
        found.append(path)
        for m in IMPORT.finditer(path.read_text(encoding="utf-8")):
            queue.append((path.parent / (m.group(1) or m.group(2))).resolve())
    return found


def main(argv: list[str]) -> int:
    output = Path(argv[0] if argv else "output").resolve()
    index = output / "index.html"
    if not index.is_file():
        print(f"{index}: no such file; build the site first (make html)", file=sys.stderr)
        return 1
    html = index.read_text(encoding="utf-8")
    rows = [("/ (timeline page)", index)] + [("/" + str(p.relative_to(output)), p) for p in assets(output, html)]
    total_raw = total_gz = 0
    print(f"{'file':<34} {'bytes':>9} {'gzip':>9}")
    for name, path in rows:
        data = path.read_bytes()
        total_raw += len(data)
        total_gz += gz(data)
        print(f"{name:<34} {len(data):>9,} {gz(data):>9,}")
    events = html.count('class="event ')
    print(f"{'HTML + CSS + JS':<34} {total_raw:>9,} {total_gz:>9,}   ({events} events; budget {BUDGET:,}: "
          f"{'within' if total_gz <= BUDGET else 'OVER'})")
    data = (output / "timeline.json").read_bytes()
    print(f"{'/timeline.json (fetched by filters)':<34} {len(data):>9,} {gz(data):>9,}")
    print(f"{'everything':<34} {total_raw + len(data):>9,} {total_gz + gz(data):>9,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
