"""Search benchmark: the real site, then a synthetic archive of 1,000 sources, each served by
`sim-archive serve` and searched over HTTP.

    .venv/bin/python bench/search.py                       # both
    .venv/bin/python bench/search.py --only real
    .venv/bin/python bench/search.py --only synthetic --sources 1000

For the real site (the repository's content/, built with Pelican into a temporary folder) it
prints the p50/p95/p99 latency of /api/search with highlighted passages over a fixed list of
queries. For the synthetic archive (bench/search_corpus.py, about 30 KB a source) it prints the
full index time and size, the time to index one added source, the same latencies over 50 fixed
queries, and the slowest of a list of wildcard, prefix and fuzzy queries (issue #18's among them),
each finished with an answer or a refusal, with how many were refused. One warm-up pass, then
two timed passes; the server's resident memory after them. Not part of `make test`; every phase
is bounded, and everything lives in a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from procmem import family_rss_kib  # noqa: E402
from search_corpus import PHRASES, SYLLABLES, Corpus, add_source, write_site  # noqa: E402
from simarchive.config import load_config  # noqa: E402
from simarchive.search.searcher import index_site  # noqa: E402
from support import BIN, REPO, free_port, write_settings  # noqa: E402

REAL_QUERIES = [
    "police", "Isle of Wight", '"street triage"', "Jennings", "mentoring", "Kendall letter", "NHS England",
    '"High Intensity Network"', "StopSIM petition", "kind:news police", "kind:event", "year:2021",
    "year:2018..2020 adoption", "publisher:wessex", "serenity~", "mentor*", "section 136",
    "police NOT nurse", "(triage OR mentoring) police", "jenings~", "Isle of White", "coroner",
    "Royal College of Nursing", "Medact", '"joint policy"', "human rights", "frequent callers",
    "Hampshire Constabulary", "Surrey", "date:2023-03", "actor:jennings", "title:review",
]


def synthetic_queries(corpus: Corpus) -> list[str]:
    """50 fixed queries: common and rare words, phrases, fields, fuzzy terms, boolean, a prefix."""
    v = corpus.vocab
    title_word = corpus.source(42)["title"].split()[2].lower()
    out = [v[0], v[3], v[10], v[30], v[100], v[300], "police", "health", "team", "crisis"]
    out += [v[i] for i in (29000, 28000, 27000, 26000, 25000, 24000, 22000, 20000, 18000, 15000)]
    out += [f'"{p}"' for p in PHRASES] + [f'"{v[0]} {v[1]}"', f'"{v[2]} {v[5]}"', f'"{v[3]} {v[0]}"']
    out += ["publisher:alpha police", 'publisher:"beta press" health', "kind:news triage",
            "kind:report crisis", "year:2016 police", f"year:2020 {v[3]}", f"title:{title_word}",
            f"kind:foi {v[10]}", f"publisher:gamma {v[30]}", 'year:2013 "mental health"']
    out += ["jenings~", "okafr~", "lindqvst~", "marchetty~", "fairbrothr~"]
    out += ["triage OR intensity", "health NOT police", f"{v[0][:6]}*", "frequent attender",
            "(crisis OR triage) team"]
    assert len(out) == 50
    return out


def expanding_queries(corpus: Corpus) -> list[str]:
    """Wildcards, prefixes and fuzzy terms, from ordinary to hostile (issue #18's three kinds)."""
    two = sorted({s[:2] for s in SYLLABLES})
    pairs = [f"({a}* OR {b}*)" for a, b in itertools.combinations(two, 2)]
    return [
        "mar*", "stonbel*", "dilwex*", "jenn* OR okaf*", f"{corpus.vocab[50]}~2", f"{corpus.vocab[60]}~",
        " ".join(["(ka* OR lo*)"] * 38),  # the same pair, 38 times: 493 characters
        " ".join(pairs[:38])[:500].rsplit(" (", 1)[0],  # different pairs, as many as fit
        " ".join(f"{p}*" for p in (two * 2)[:25]),  # 25 two-letter prefixes
        " ".join(f"{w}~2" for w in corpus.vocab[100:140])[:500].rsplit(" ", 1)[0],  # a list of word~2
        " OR ".join(f"{w}~2" for w in corpus.vocab[200:240])[:500].rsplit(" OR ", 1)[0],
        " ".join(f"{w}~" for w in corpus.vocab[300:310]),
    ]


def percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    pick = lambda p: ms[min(len(ms) - 1, round(p / 100 * (len(ms) - 1)))]  # noqa: E731
    return f"p50 {pick(50):.1f} ms, p95 {pick(95):.1f} ms, p99 {pick(99):.1f} ms, max {ms[-1]:.1f} ms (n={len(ms)})"


def timed(base: str, queries: list[str], passes: int = 2) -> tuple[list[float], dict[str, tuple[float, int, str]]]:
    """Every query once to warm up, then `passes` times in order: the latencies, and per query
    its slowest time, status and answer (total or refusal)."""
    session = requests.Session()
    for q in queries:
        session.get(base + "/api/search", params={"q": q}, timeout=60)
    times, worst = [], {}
    for q in queries * passes:
        started = time.perf_counter()
        response = session.get(base + "/api/search", params={"q": q}, timeout=60)
        took = time.perf_counter() - started
        times.append(took)
        data = response.json()
        if response.status_code not in (200, 400):
            raise SystemExit(f"{q!r}: HTTP {response.status_code}: {data}")
        if response.status_code == 200 and not all(h["passages"] for h in data["hits"]):
            print(f"  note: {q!r}: a hit without a passage")
        answer = f"{data['total']} hits" if response.status_code == 200 else data["error"]
        if took >= worst.get(q, (0,))[0]:
            worst[q] = (took, response.status_code, answer)
    return times, worst


class Server:
    """`sim-archive serve` on a free port, for the length of a with block."""

    def __init__(self, settings: Path, threads: int = 8):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # The log goes to a file beside the settings: a pipe nobody reads stops the server when full.
        self.log = settings.with_suffix(".serve.log")
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen([str(BIN / "sim-archive"), "--settings", str(settings), "serve",
                                             "--port", str(self.port), "--threads", str(threads)],
                                            stdout=subprocess.DEVNULL, stderr=sink)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(self.base + "/", timeout=2)
            except requests.ConnectionError:
                time.sleep(0.2)
            else:
                return self
        self.process.kill()
        self.process.wait()
        raise SystemExit(f"sim-archive serve did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(10)


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def real_site(work: Path) -> None:
    print("\n== the real site: content/ of the repository ==", flush=True)
    settings = write_settings(work / "realconf.py", content=REPO / "content", output=work / "real-output",
                              archive=REPO / "archive", index=work / "real-index")
    started = time.perf_counter()
    build = subprocess.run([str(BIN / "pelican"), "--log-handler", "plain", "--settings", str(settings)],
                           cwd=work, capture_output=True, text=True, check=False)
    if build.returncode != 0:
        raise SystemExit(f"the build failed:\n{build.stdout[-2000:]}\n{build.stderr[-2000:]}")
    print(f"  built the site and its index in {time.perf_counter() - started:.1f} s", flush=True)
    with Server(settings) as server:
        times, worst = timed(server.base, REAL_QUERIES, passes=3)
        rss = family_rss_kib(server.process.pid) / 1024
    print(f"  /api/search, {len(REAL_QUERIES)} queries with passages: {percentiles(times)}")
    print(f"  server resident memory: {rss:.0f} MiB")
    for q, (took, _status, answer) in sorted(worst.items(), key=lambda kv: -kv[1][0])[:3]:
        print(f"  slowest: {took * 1000:6.1f} ms  {q!r}: {answer[:60]}")


def synthetic(work: Path, count: int) -> None:
    print(f"\n== {count:,} synthetic sources ==", flush=True)
    root = work / f"synthetic-{count}"
    corpus = Corpus()
    text_bytes = write_site(root, count, corpus)
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("<!doctype html><title>bench</title>")
    settings = write_settings(root / "benchconf.py", content=root / "content", output=root / "output",
                              archive=root / "archive", index=root / "var" / "index")
    config = load_config(settings)
    report = index_site(config, rebuild=True)
    if report.bytes_read < text_bytes:
        raise SystemExit(f"the index read {report.bytes_read:,} of {text_bytes:,} bytes of archived text")
    size = folder_mb(config.index / os.readlink(config.index / "current"))
    print(f"  full index: {text_bytes / 1e6:.0f} MB of text in {report.seconds:.1f} s "
          f"({text_bytes / 1e6 / report.seconds:.1f} MB/s); index {size:.0f} MB", flush=True)
    add_source(root, count, corpus)
    started = time.perf_counter()
    one = index_site(config)
    print(f"  add one source: {time.perf_counter() - started:.2f} s with reading the content "
          f"({one.seconds:.2f} s in the index; {one.added} added, {one.unchanged:,} unchanged)", flush=True)
    with Server(settings) as server:
        times, _worst = timed(server.base, synthetic_queries(corpus))
        print(f"  /api/search, 50 queries with passages: {percentiles(times)}", flush=True)
        hostile = expanding_queries(corpus)
        times, worst = timed(server.base, hostile, passes=1)
        rss = family_rss_kib(server.process.pid) / 1024
    refused = [q for q, (_t, status, _a) in worst.items() if status == 400]
    print(f"  {len(hostile)} wildcard, prefix and fuzzy queries: {percentiles(times)}; "
          f"{len(refused)} refused")
    for q, (took, _status, answer) in sorted(worst.items(), key=lambda kv: -kv[1][0]):
        print(f"    {took * 1000:7.1f} ms  {q[:40]!r:44} {answer[:70]}")
    print(f"  server resident memory: {rss:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("real", "synthetic"))
    parser.add_argument("--sources", type=int, default=1000, help="synthetic sources (default 1000)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="simarchive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"search benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    try:
        if args.only in (None, "real"):
            real_site(work)
        if args.only in (None, "synthetic"):
            synthetic(work, args.sources)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
