"""Print what the timeline page weighs over the wire: the page and each asset it loads, as sent.

Usage: .venv/bin/python bench/pageweight.py [OUTPUT_FOLDER]   (default: output/, after `make html`)

Reads the built files rather than a server. For each: its bytes; gzip at level 6 (what a
typical server or CDN that compresses on the fly sends); and what our server sends a browser that
accepts Brotli, the `.br` file `sim-archive build` wrote beside it (else its gzip file, else the
file itself, as WhiteNoise chooses). The goal (issue #19) is 60 KB for HTML, CSS and JS as sent;
the data the filters fetch (/timeline.json) is reported on its own line.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

BUDGET = 60 * 1024
IMPORT = re.compile(r"""\bfrom\s+["'](\./[^"']+)["']|\bimport\s+["'](\./[^"']+)["']""")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def sent(path: Path) -> int:
    """The bytes WhiteNoise sends a browser that accepts br and gzip."""
    for suffix in (".br", ".gz", ""):
        if path.with_name(path.name + suffix).is_file():
            return path.with_name(path.name + suffix).stat().st_size
    raise FileNotFoundError(path)


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
    total_raw = total_gz = total_sent = 0
    print(f"{'file':<42} {'bytes':>9} {'gzip -6':>9} {'sent':>9}")
    for name, path in rows:
        data = path.read_bytes()
        total_raw += len(data)
        total_gz += gz(data)
        total_sent += sent(path)
        print(f"{name:<42} {len(data):>9,} {gz(data):>9,} {sent(path):>9,}")
    events = html.count('class="event ')
    print(f"{'HTML + CSS + JS':<42} {total_raw:>9,} {total_gz:>9,} {total_sent:>9,}   ({events} events; goal "
          f"{BUDGET:,} as sent: {'met' if total_sent <= BUDGET else 'NOT met'})")
    json_path = output / "timeline.json"
    data = json_path.read_bytes()
    print(f"{'/timeline.json (for other programs)':<42} {len(data):>9,} {gz(data):>9,} {sent(json_path):>9,}")
    if total_sent == total_raw:
        print("(nothing was sent compressed: build with `sim-archive build` for the .br and .gz files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
