"""Search benchmark: index a synthetic archive and measure queries over HTTP, against SQLite FTS5.

    .venv/bin/python bench/search.py                  # 1,000 then 10,000 sources
    .venv/bin/python bench/search.py --sizes 1000     # one size

For each size it prints: the full index time and MB/s, the index size, the time to add one
source incrementally, query latency p50/p95/p99 over HTTP for 50 fixed queries (sequential and
at 16 concurrent clients) with highlighted passages, the server's resident memory, and the same
figures for SQLite FTS5 with each ratio; then a ripgrep scan (`rg -il`) for the single-term
queries. Every phase is bounded (fixed request counts, a time limit), so it stops by itself.
It is not part of `make test`. Work goes into a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import search_fts5  # noqa: E402
from procmem import family_rss_kib  # noqa: E402
from search_corpus import PHRASES, Corpus, add_source, write_site  # noqa: E402
from simarchive.config import load_config  # noqa: E402
from simarchive.search.searcher import Searcher, SearchRequest, index_site  # noqa: E402

CLIENTS = 16
TIME_LIMIT = 180.0  # seconds per concurrent run, whatever happens
SETTINGS = """\
import sys
sys.path.insert(0, {repo!r})
from pelicanconf import *  # noqa
PATH = {root!r} + "/content"
OUTPUT_PATH = {root!r} + "/output"
SIMARCHIVE_SOURCES = {root!r} + "/content/sources.toml"
SIMARCHIVE_ARCHIVE = {root!r} + "/archive"
SIMARCHIVE_INDEX = {root!r} + "/var/index"
"""


def queries(corpus: Corpus) -> list[tuple[str, str, str]]:
    """50 fixed queries: (kind, ours, the FTS5 equivalent or nearest stand-in)."""
    v = corpus.vocab
    title_word = corpus.source(42)["title"].split()[2].lower()
    out = [("common", w, w) for w in (v[0], v[3], v[10], v[30], v[100], v[300], "police", "health",
                                      "team", "crisis")]
    out += [("rare", w, w) for w in (v[29000], v[28000], v[27000], v[26000], v[25000], v[24000],
                                     v[22000], v[20000], v[18000], v[15000])]
    phrases = [f'"{p}"' for p in PHRASES] + [f'"{v[0]} {v[1]}"', f'"{v[2]} {v[5]}"', f'"{v[3]} {v[0]}"']
    out += [("phrase", p, p) for p in phrases]
    out += [
        ("field", "publisher:alpha police", "publisher:alpha AND police"),
        ("field", 'publisher:"beta press" health', 'publisher:"beta press" AND health'),
        ("field", "kind:news triage", "kind:news AND triage"),
        ("field", "kind:report crisis", "kind:report AND crisis"),
        ("field", "year:2016 police", "police @year=2016"),
        ("field", f"year:2020 {v[3]}", f"{v[3]} @year=2020"),
        ("field", f"title:{title_word}", f"title:{title_word}"),
        ("field", f"kind:foi {v[10]}", f"kind:foi AND {v[10]}"),
        ("field", f"publisher:gamma {v[30]}", f"publisher:gamma AND {v[30]}"),
        ("field", 'year:2013 "mental health"', '"mental health" @year=2013'),
    ]
    # FTS5 has no fuzzy matching: its stand-in is a prefix query on the right spelling.
    out += [("fuzzy", q, s) for q, s in (("jenings~", "jenn*"), ("okafr~", "okaf*"),
                                         ("lindqvst~", "lindq*"), ("marchetty~", "marchet*"),
                                         ("fairbrothr~", "fairbro*"))]
    out += [("boolean", q, q) for q in ("triage OR intensity", "health NOT police",
                                        f"{v[0][:6]}*", "frequent attender")]
    out.append(("boolean", "(crisis OR triage) team", "(crisis OR triage) AND team"))  # FTS5 wants AND
    assert len(out) == 50
    return out


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    pick = lambda p: ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))]  # noqa: E731
    return {"p50": pick(50), "p95": pick(95), "p99": pick(99), "n": len(ms)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.2)
        else:
            return proc
    proc.kill()
    raise RuntimeError(f"server did not start: {command}")


class MemoryWatch:
    """The resident memory of a server and its search processes, summed, sampled every 0.1 s."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, family_rss_kib(self.pid))

    def stop(self) -> tuple[float, float]:
        """(now, peak) in MB."""
        self._stop.set()
        self._thread.join()
        now = family_rss_kib(self.pid)
        return now / 1024, max(self.peak, now) / 1024


def measure(base: str, qs: list[str]) -> dict:
    """Sequential (one warm-up pass, then two timed passes) and 16 concurrent clients."""
    session = requests.Session()
    errors = 0
    for q in qs:  # warm-up: first opens, caches
        session.get(base, params={"q": q}, timeout=60)
    sequential = []
    for q in qs * 2:
        t = time.perf_counter()
        r = session.get(base, params={"q": q}, timeout=60)
        sequential.append(time.perf_counter() - t)
        errors += r.status_code != 200

    stop_at = time.monotonic() + TIME_LIMIT

    def client(offset: int) -> tuple[list[float], int]:
        s, times, failed = requests.Session(), [], 0
        for q in (qs[offset:] + qs[:offset]):
            if time.monotonic() > stop_at:
                break
            t = time.perf_counter()
            r = s.get(base, params={"q": q}, timeout=120)
            times.append(time.perf_counter() - t)
            failed += r.status_code != 200
        return times, failed

    started = time.perf_counter()
    with cf.ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, range(0, CLIENTS * 3, 3)))
    wall = time.perf_counter() - started
    concurrent = [t for ts, _ in results for t in ts]
    return {"seq": percentiles(sequential), "conc": percentiles(concurrent),
            "rate": len(concurrent) / wall, "errors": errors + sum(f for _, f in results)}


def in_process(config, qs: list[str]) -> dict:
    searcher = Searcher(config.index, config.archive, config.max_query)
    for q in qs:
        searcher.search(SearchRequest(q))
    times = []
    for q in qs * 2:
        t = time.perf_counter()
        searcher.search(SearchRequest(q))
        times.append(time.perf_counter() - t)
    return percentiles(times)


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def ripgrep(root: Path, terms: list[str]) -> dict | None:
    rg = shutil.which("rg")
    if not rg:
        return None
    times = []
    for term in terms * 2:
        t = time.perf_counter()
        subprocess.run([rg, "-il", term, str(root / "archive")], stdout=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return percentiles(times)


def line(label: str, ours: float, theirs: float | None, unit: str, fmt: str = "{:.1f}") -> None:
    ratio = f"{ours / theirs:6.2f}x FTS5" if theirs else ""
    other = (fmt.format(theirs) + " " + unit) if theirs is not None else "-"
    print(f"  {label:<44} {fmt.format(ours):>9} {unit:<6} FTS5 {other:<14} {ratio}")


def latency_lines(name: str, ours: dict, theirs: dict) -> None:
    for p in ("p50", "p95", "p99"):
        line(f"{name} {p}", ours[p], theirs[p], "ms")


def write_bench_site(root: Path, count: int, corpus: Corpus) -> tuple[Path, int]:
    """The synthetic site and its settings file: (settings, bytes of archived text)."""
    t = time.perf_counter()
    text_bytes = write_site(root, count, corpus)
    print(f"  generated {text_bytes / 1e6:.0f} MB of text in {time.perf_counter() - t:.0f} s", flush=True)
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("<!doctype html><title>bench</title>")
    settings = root / "benchconf.py"
    settings.write_text(SETTINGS.format(repo=str(REPO), root=str(root)))
    return settings, text_bytes


def compare_indexing(config, root: Path, text_bytes: int) -> Path:
    """Full index, ours then FTS5's; returns the FTS5 database."""
    report = index_site(config, rebuild=True)
    if report.bytes_read < text_bytes:
        raise SystemExit(f"the index read {report.bytes_read:,} of {text_bytes:,} bytes of archived text: "
                         "the synthetic captures no longer match the capture format (see the warnings above)")
    size = folder_mb(config.index / os.readlink(config.index / "current"))
    db = root / "fts5.db"
    t = time.perf_counter()
    search_fts5.build(db, root)
    fts_seconds = time.perf_counter() - t
    line("full index time", report.seconds, fts_seconds, "s")
    line("full index rate", text_bytes / 1e6 / report.seconds, text_bytes / 1e6 / fts_seconds, "MB/s")
    line("index size", size, db.stat().st_size / 1e6, "MB")
    return db


def compare_http(settings: Path, db: Path, qs: list[tuple[str, str, str]]) -> dict:
    """Our server against the FTS5 one; returns our figures."""
    port, fport = free_port(), free_port()
    server = start([str(Path(sys.executable).parent / "sim-archive"), "--settings", str(settings),
                    "serve", "--port", str(port), "--threads", "8"], port)
    fserver = start([sys.executable, str(HERE / "search_fts5.py"), str(db), str(fport)], fport)
    try:
        watch = MemoryWatch(server.pid)
        ours = measure(f"http://127.0.0.1:{port}/api/search", [q for _k, q, _s in qs])
        rss, peak = watch.stop()
        theirs = measure(f"http://127.0.0.1:{fport}/api/search", [s for _k, _q, s in qs])
    finally:
        server.terminate()
        fserver.terminate()
        server.wait(10)
        fserver.wait(10)
    latency_lines("HTTP sequential", ours["seq"], theirs["seq"])
    latency_lines(f"HTTP {CLIENTS} clients", ours["conc"], theirs["conc"])
    line(f"searches/s at {CLIENTS} clients", ours["rate"], theirs["rate"], "/s")
    print(f"  server resident memory, with its {os.cpu_count()} search processes: {rss:.0f} MB now, "
          f"{peak:.0f} MB peak; non-200 answers: {ours['errors']} (FTS5 {theirs['errors']})", flush=True)
    return ours


def run_size(count: int, work: Path, corpus: Corpus) -> None:
    root = work / f"site-{count}"
    print(f"\n== {count:,} sources ({root}) ==", flush=True)
    settings, text_bytes = write_bench_site(root, count, corpus)
    config = load_config(settings)
    db = compare_indexing(config, root, text_bytes)

    add_source(root, count, corpus)
    one = index_site(config)
    print(f"  add one source incrementally: {one.seconds:.2f} s ({one.added} added, "
          f"{one.unchanged:,} unchanged)", flush=True)

    qs = queries(corpus)
    raw = in_process(config, [q for _k, q, _s in qs])
    print(f"  in-process search with passages: p50 {raw['p50']:.1f} ms, p95 {raw['p95']:.1f} ms, "
          f"p99 {raw['p99']:.1f} ms", flush=True)

    ours = compare_http(settings, db, qs)

    terms = [q for k, q, _s in qs if k in ("common", "rare")]
    rg = ripgrep(root, terms)
    if rg:
        print(f"  ripgrep scan (rg -il), {len(terms)} single terms: p50 {rg['p50']:.0f} ms, "
              f"p95 {rg['p95']:.0f} ms; our HTTP p50 is {rg['p50'] / ours['seq']['p50']:.1f}x faster")
    else:
        print("  ripgrep: not installed (apt-get install ripgrep)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated source counts")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="simarchive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"search benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    corpus = Corpus()
    try:
        for count in (int(s) for s in args.sizes.split(",")):
            run_size(count, work, corpus)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
