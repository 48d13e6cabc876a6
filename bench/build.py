"""Time `pelican` on the real site with our theme and plugin, and on the same articles as plain Pelican: the ratio.

Usage: .venv/bin/python bench/build.py [--runs 9]

Four kinds of build, each the `pelican` command in a new process, as `make html` runs it:
1. plain Pelican: its default theme and settings, no plugin, on a copy of the repository's
   content/ whose events each get a `Date:` line (their earliest possible day), since plain
   Pelican skips an article without one;
2. ours, the site only: the repository's content/ and archive/ with pelicanconf.py's settings
   (validation, citations, timeline, JSON exports, the archive's pages), with the plugin's
   search index handler disconnected from Pelican's `finalized` signal, with the citations the
   previous build rendered (CACHE_PATH), as every build but the first has them;
3. the same with that cache deleted first: every citation rendered afresh, as a first build;
4. ours, as `make html` builds it: kind 2 with the search index, built after the site.
Each kind builds over the output of its previous build (ours empties the folder first, as
pelicanconf.py asks; plain Pelican writes over it, its default) and into a temporary folder. The
kinds are alternated, so a busy moment hurts all alike, after one untimed build of each. Medians
are printed in wall-clock seconds and, in brackets, CPU seconds (the build's process, user and
system), which a busy machine disturbs less. The search index step is the difference between
kinds 4 and 2 (its own log line leaves out the interpreter's teardown of the search modules).
Target: the site at most 1.2x plain Pelican.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import REPO, write_settings  # noqa: E402

# The pelican command, with a plain log handler for our INFO lines only (the index's among them):
# Pelican's own INFO lines, one a file written, would be billed to every build.
PELICAN = """
import logging, sys
from pelican import main, signals
logging.basicConfig(format="%(message)s")
logging.getLogger("simarchive").setLevel(logging.INFO)
{setup}
sys.argv[0] = "pelican"
main()
"""
# Pelican sends `initialized` once the plugins are registered, before it builds anything.
WITHOUT_INDEX = """
def without_index(pelican):
    from simarchive.site.plugin import index_site
    signals.finalized.disconnect(index_site)
signals.initialized.connect(without_index)
"""
PLAIN = """\
SITENAME = "Plain"
PATH = {content!r}
OUTPUT_PATH = {output!r}
TIMEZONE = "Europe/London"
"""
INDEX_LINE = re.compile(r"simarchive: search index .*, in ([0-9.]+) s")
WHEN_LINE = re.compile(r"^When:\s*(.+)$", re.MULTILINE)
TEMPLATE_LINE = re.compile(r"^Template:.*\n", re.MULTILINE)


def plain_content(folder: Path) -> int:
    """Copy content/ for plain Pelican, each event with a Date: line; return the number of events."""
    from simarchive.content.dates import parse_when

    shutil.copytree(REPO / "content", folder)
    events = sorted((folder / "events").glob("*.md"))
    for path in events:
        text = path.read_text(encoding="utf-8")
        day = parse_when(WHEN_LINE.search(text).group(1).strip()).sort_key
        path.write_text(f"Date: {day.isoformat()}\n{text}", encoding="utf-8")
    for path in (folder / "pages").glob("*.md"):  # our theme's templates are not plain Pelican's
        text = path.read_text(encoding="utf-8")
        path.write_text(TEMPLATE_LINE.sub("", text), encoding="utf-8")
    return len(events)


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(settings: Path, setup: str = "") -> tuple[float, float, str]:
    """One build: its wall-clock seconds, its CPU seconds, and its log."""
    cpu, start = cpu_of_children(), time.perf_counter()
    result = subprocess.run([sys.executable, "-c", PELICAN.format(setup=setup), "--settings", str(settings)],
                            capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - start, cpu_of_children() - cpu
    if result.returncode:
        raise SystemExit(f"build failed ({settings}):\n{result.stdout}\n{result.stderr}")
    return seconds, cpu, result.stdout + result.stderr


def index_seconds(log: str) -> float:
    found = INDEX_LINE.search(log)
    if not found:
        raise SystemExit(f"no search index line in the build's log:\n{log[-2000:]}")
    return float(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed builds of each kind (the medians are printed)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="sim-bench-build-") as tmp:
        root = Path(tmp)
        ours = write_settings(root / "ours.py", content=REPO / "content", output=root / "ours-output",
                              archive=REPO / "archive", index=root / "index")
        events = plain_content(root / "plain-content")
        plain = root / "plain.py"
        plain.write_text(PLAIN.format(content=str(root / "plain-content"), output=str(root / "plain-output")),
                         encoding="utf-8")
        kinds = {"plain": (plain, ""), "cold": (ours, WITHOUT_INDEX), "site": (ours, WITHOUT_INDEX), "ours": (ours, "")}
        cache = root / "index.cache"  # CACHE_PATH in write_settings: the citations rendered by the last build
        for settings, setup in kinds.values():  # untimed: the output folders and the index exist from now on
            timed_build(settings, setup)
        runs: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
        logged = []
        for _ in range(args.runs):
            for kind, (settings, setup) in kinds.items():
                if kind == "cold":
                    shutil.rmtree(cache, ignore_errors=True)
                seconds, cpu, log = timed_build(settings, setup)
                runs[kind].append((seconds, cpu))
            logged.append(index_seconds(log))
    wall = {kind: statistics.median(s for s, _ in r) for kind, r in runs.items()}
    cpu = {kind: statistics.median(c for _, c in r) for kind, r in runs.items()}
    # Each run's builds ran back to back, so their ratio is the steadier figure when the machine drifts.
    pairs = sorted(s / p for (s, _), (p, _) in zip(runs["site"], runs["plain"], strict=True))
    index = statistics.median(o - s for (o, _), (s, _) in zip(runs["ours"], runs["site"], strict=True))
    print(f"the real site: {events} events; medians of {args.runs} builds of each kind, alternated; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print("seconds: wall clock (CPU, user and system)")
    print(f"plain Pelican (default theme and settings, no plugin): {wall['plain']:.2f} s ({cpu['plain']:.2f} s)")
    print(f"ours, the site only, every citation rendered afresh (a first build): {wall['cold']:.2f} s "
          f"({cpu['cold']:.2f} s), {wall['cold'] / wall['plain']:.2f}x")
    print(f"ours, the site only: {wall['site']:.2f} s ({cpu['site']:.2f} s)")
    print(f"ours with the search index, as make html: {wall['ours']:.2f} s ({cpu['ours']:.2f} s)")
    print(f"search index step: {index:.2f} s (its own log line: {statistics.median(logged):.2f} s)")
    print(f"ratio, the site: {wall['site'] / wall['plain']:.2f}x ({cpu['site'] / cpu['plain']:.2f}x; target at "
          f"most 1.2x); run by run: median {statistics.median(pairs):.2f}x, from {pairs[0]:.2f}x to {pairs[-1]:.2f}x")
    print(f"ratio, with the search index: {wall['ours'] / wall['plain']:.2f}x ({cpu['ours'] / cpu['plain']:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
