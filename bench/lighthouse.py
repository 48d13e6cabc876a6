"""Run Lighthouse (mobile profile) on the real site, served by our WSGI server on loopback, and print
per page: performance, accessibility, LCP, total transfer and DOM size.

Usage: .venv/bin/python bench/lighthouse.py [--runs 3]   (needs node, npm and Debian's chromium)

Builds the repository's content/ and archive/ as `sim-archive build` publishes it (compressed,
fingerprinted) into a temporary folder, serves it with the app and waitress on a free port, and
runs the `lighthouse` npm package, installed on first use into var/node/ (ignored by git), against
/, an event page and /search?q=police. Lighthouse's mobile profile throttles the network and the
CPU by simulation (its defaults), so the figures are comparable between machines only roughly; each
is the median of the runs. Goals (issue #19): performance at least 98, accessibility 100, LCP under
1.5 s on the timeline page.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from record import publish_record
from support import REPO, serving

NODE = REPO / "var" / "node"
LIGHTHOUSE = NODE / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-extensions " \
        "--disable-default-apps --no-first-run --disable-sync"
PAGES = ("/", "/events/2018-ahsn-national-adoption-programme/", "/search?q=police")


def install() -> None:
    if not LIGHTHOUSE.exists():
        print(f"installing lighthouse into {NODE} (npm)", flush=True)
        NODE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(NODE), "--no-audit", "--no-fund", "lighthouse"], check=True)


def audit(url: str, folder: Path) -> dict[str, float]:
    report = folder / "report.json"
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                    "--only-categories=performance,accessibility", f"--chrome-flags={FLAGS}"],
                   check=True, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return {
        "performance": data["categories"]["performance"]["score"] * 100,
        "accessibility": data["categories"]["accessibility"]["score"] * 100,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "transfer_kb": audits["total-byte-weight"]["numericValue"] / 1024,
        "dom": audits["dom-size"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "failed": _failed(data),
    }


def _failed(data: dict) -> list[str]:
    """The accessibility audits that failed: what keeps the score under 100."""
    refs = {ref["id"] for ref in data["categories"]["accessibility"]["auditRefs"] if ref["weight"]}
    return sorted(a for a in refs if data["audits"][a].get("score") == 0)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not shutil.which("npm") or not Path(CHROME).is_file():
        print(f"needs npm and Chromium at {CHROME}", file=sys.stderr)
        return 1
    install()
    with tempfile.TemporaryDirectory(prefix="sim-lighthouse-") as tmp:
        settings = publish_record(Path(tmp))
        with serving(settings, threads=8) as base:
            print(f"{'page':<52} {'perf':>5} {'a11y':>5} {'LCP s':>6} {'TBT ms':>7} {'CLS':>6} {'KB':>7} {'DOM':>6}")
            for path in PAGES:
                runs = [audit(base + path, Path(tmp)) for _ in range(args.runs)]
                median = {key: statistics.median(r[key] for r in runs) for key in runs[0] if key != "failed"}
                failed = sorted({a for r in runs for a in r["failed"]})
                scores = ", ".join(f"{r['performance']:.0f}" for r in runs)
                print(f"{path:<52} {median['performance']:>5.0f} {median['accessibility']:>5.0f} "
                      f"{median['lcp_s']:>6.2f} {median['tbt_ms']:>7.0f} {median['cls']:>6.3f} "
                      f"{median['transfer_kb']:>7.1f} {median['dom']:>6.0f}   (performance per run: {scores}"
                      f"{'; accessibility audits failed: ' + ', '.join(failed) if failed else ''})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
