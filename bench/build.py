"""Time building 1,000 synthetic events with our theme and plugins and as plain Pelican; print the ratio.

Usage: .venv/bin/python bench/build.py [--events 1000] [--runs 5] [--workdir DIR] [--settle 120]

1. With our theme and plugins (validation, citations, timeline, JSON exports, source pages and
   the search index), from `When:` dates, with pelicanconf.py's settings.
2. As plain Pelican: its default theme and settings, no plugins, the same articles with a `Date:`
   line.
Each run builds both kinds twice, alternated: a first build into an empty output folder (and,
for ours, no search index), then a rebuild over it, as `make html` does after the first time
(neither kind empties the folder first: Pelican's default, and ours removes afterwards what a
build no longer makes). The medians of the runs are printed, and the ratio of each pair. The
search index is built inside our build; its own time there (from its log line, imports
included) is printed on its own line and left out of the ratio. Target: at most 1.3x plain
Pelican. Each build starts after os.sync(), so that the previous one's writeback is not billed
to it; before and after all the builds, a probe times making as many folders and files as our
build makes, with no code of ours, to show how fast the file system is at that moment.
Each run builds into folders of its own and nothing is deleted until every build is timed: ext4
without a journal (this machine's disk) passes over every inode freed in the last minute or so,
one by one, each time it makes a file (its recently_deleted(), which took 45% of the kernel's
samples while files were made after a deletion), so a build made just after deleting the
previous one pays for that deletion, the more files it makes the more; for the same reason the
bench first waits two minutes (--settle), so that what was deleted before it started (a previous
run's folder) is not billed to it either. Everything is written to a temporary folder (--workdir
chooses where: /dev/shm leaves the disk out, and needs no --settle), which is removed
afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHASES = ["Origins", "Spread", "Concerns", "Review", "Aftermath"]
KINDS = ["news", "official", "campaign", "report", "foi", "parliament"]
WHENS = ["{y}", "{y}-{m:02d}", "{y}-{m:02d}-{d:02d}", "[{y},{y1}]", "{y}/{y1}", "../{y}-{m:02d}", "{y}-{m:02d}~"]
RUN_PELICAN = """
import logging, sys
logging.basicConfig(format="%(message)s")
logging.getLogger("simarchive").setLevel(logging.INFO)
from pelican import main
sys.argv[0] = "pelican"
main()
"""
#: ext4 passes over inodes freed less than 60 s ago (its RECENTCY_MIN; longer while their inode
#: table block is not yet written); on this machine the cost was still there 65 s after a deletion
#: and mostly gone after 120 s.
SETTLE = 120
INDEX_LINE = re.compile(r"simarchive: search index .*, in ([0-9.]+) s")
WORDS = ["police", "officer", "nurse", "crisis", "team", "trust", "review", "campaign", "letter", "policy",
         "data", "patients", "mentoring", "programme", "network", "evidence", "statement", "inquiry", "report"]

OURS = """\
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa
PATH = {content!r}
OUTPUT_PATH = {output!r}
SIMARCHIVE_SOURCES = {content!r} + "/sources.toml"
SIMARCHIVE_ARCHIVE = {archive!r}
SIMARCHIVE_INDEX = {index!r}
"""
PLAIN = """\
SITENAME = "Plain"
PATH = {content!r}
OUTPUT_PATH = {output!r}
TIMEZONE = "Europe/London"
"""


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def write_content(folder: Path, count: int, *, plain: bool) -> None:
    rng = random.Random(6)  # the same site every run
    (folder / "events").mkdir(parents=True)
    sources = [f"src-{i}" for i in range(60)]
    if not plain:
        (folder / "sources.toml").write_text("".join(
            f'[{sid}]\nurl = "https://example.org/{sid}"\ntitle = "Source {sid}"\npublisher = "Publisher {i % 7}"\n'
            f'kind = "{KINDS[i % len(KINDS)]}"\n\n' for i, sid in enumerate(sources)), encoding="utf-8")
    for i in range(count):
        y, m, d = rng.randint(2000, 2023), rng.randint(1, 12), rng.randint(1, 28)
        when = rng.choice(WHENS).format(y=y, y1=y + 1, m=m, d=d)
        cited = rng.sample(sources, 3)
        header = [f"Title: Event {i}: {sentence(rng, 4)[:-1]}", f"Slug: event-{i}"]
        header.append(f"Date: {y}-{m:02d}-{d:02d}" if plain else f"When: {when}")
        header += [f"Summary: {sentence(rng, 14)}", f"Phase: {rng.choice(PHASES)}",
                   f"Actors: Actor {i % 40}; Actor {i % 13}", f"Sources: {', '.join(cited)}"]
        body = "\n\n".join(f"{sentence(rng, 40)} [@{sid}]" for sid in cited)
        if plain:
            body = body.replace("[@", "[").replace("]", "]")
        (folder / "events" / f"event-{i}.md").write_text("\n".join(header) + "\n\n" + body + "\n", encoding="utf-8")


def timed_build(settings: Path) -> tuple[float, str]:
    # The previous build's writes reach the disk first, so that their writeback is not billed to
    # this build.
    os.sync()
    start = time.perf_counter()
    # Pelican as its command runs it, with one plain log handler set up first so that our
    # plugin's INFO lines (the index's timing among them) are printed; Pelican's own "plain"
    # handler drops them, and its "rich" one costs time per line.
    result = subprocess.run([sys.executable, "-c", RUN_PELICAN, "-s", str(settings)], capture_output=True, text=True,
                            check=False)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"build failed ({settings}):\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout + result.stderr


def file_probe(probe: Path) -> float:
    """Seconds to make 1,076 folders of 4 small files each (our build's count) where the builds
    write: what the file system alone costs at this moment, outside any code of ours. The files
    stay until the end (see the module's docstring)."""
    os.sync()
    start = time.perf_counter()
    for i in range(1076):
        (probe / str(i)).mkdir(parents=True)
        for name in ("index.html", "cite.bib", "cite.ris", "cite.json"):
            (probe / str(i) / name).write_bytes(b"x" * 2000)
    return time.perf_counter() - start


def timed_pair(ours: Path, plain: Path) -> tuple[float, float, float]:
    """Our build, then plain Pelican's: our time, our index's share of it, plain Pelican's time."""
    ours_s, log = timed_build(ours)
    return ours_s, index_seconds(log), timed_build(plain)[0]


def index_seconds(log: str) -> float:
    """The search index's own time inside our build, from its log line (imports included)."""
    found = INDEX_LINE.search(log)
    if not found:
        raise SystemExit(f"no search index line in the build's log:\n{log[-2000:]}")
    return float(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="builds of each kind (the medians are printed)")
    parser.add_argument("--workdir", type=Path, help="where to build (default: the system's temporary folder)")
    parser.add_argument("--settle", type=float, default=SETTLE,
                        help="seconds to wait before the first build (default: %(default)s; see above)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sim-bench-", dir=args.workdir) as tmp:
        root = Path(tmp)
        for name, plain in (("ours", False), ("plain", True)):
            write_content(root / name / "content", args.events, plain=plain)
            (root / name / "archive").mkdir()
        ours, plain = root / "ours", root / "plain"
        if args.settle:
            print(f"waiting {args.settle:g} s for the inodes freed before this run to age (--settle 0 skips)",
                  file=sys.stderr, flush=True)
            os.sync()
            time.sleep(args.settle)
        probes = [file_probe(root / "probe-before")]
        first, again = [], []
        for run in range(args.runs):  # alternated, so a busy moment hurts both alike
            ours_conf, plain_conf = ours / f"conf{run}.py", plain / f"conf{run}.py"
            ours_conf.write_text(OURS.format(
                root=str(ROOT), content=str(ours / "content"), output=str(ours / f"output{run}"),
                archive=str(ours / "archive"), index=str(ours / f"index{run}")), encoding="utf-8")
            plain_conf.write_text(PLAIN.format(content=str(plain / "content"), output=str(plain / f"output{run}")),
                                  encoding="utf-8")
            first.append(timed_pair(ours_conf, plain_conf))
            again.append(timed_pair(ours_conf, plain_conf))
        probes.append(file_probe(root / "probe-after"))
    print(f"events: {args.events}; medians of {args.runs} builds of each kind")
    print(f"the file system alone: 1,076 folders and 4,304 small files made in {probes[0]:.2f} s before "
          f"the builds, {probes[1]:.2f} s after")
    for name, runs in (("first build, into an empty folder", first), ("rebuild, over the previous build", again)):
        ours_s, index_s, plain_s = (statistics.median(r[i] for r in runs) for i in range(3))
        site_s = statistics.median(o - i for o, i, _p in runs)
        # Each pair ran back to back, so its ratio is the steadier figure when the machine's speed drifts.
        pairs = sorted((o - i) / p for o, i, p in runs)
        print(f"{name}:")
        print(f"  plain Pelican (default theme and settings, no plugins): {plain_s:.2f} s")
        print(f"  ours (theme and plugins, with the search index): {ours_s:.2f} s")
        print(f"  search indexing inside our build (its own log line): {index_s:.2f} s")
        print(f"  ours without the search index: {site_s:.2f} s")
        print(f"  ratio, without the search index: {site_s / plain_s:.2f}x (target at most 1.3x); "
              f"pair by pair: median {statistics.median(pairs):.2f}x, from {pairs[0]:.2f}x to {pairs[-1]:.2f}x")
        print(f"  ratio, with the search index: {ours_s / plain_s:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
