"""Benchmark: our capture core against `wget --warc-file` on the same 520 loopback URLs.

Serves 500 generated HTML pages (~50 KB each) and 20 PDFs from a local HTTP/1.1 server in its
own process, captures them all with simarchive.capture.pipeline in this process (WARC, text
extraction in --processes extraction processes, capture.json, atomic folders; per-host politeness
off for this host), then fetches the same URLs with wget --warc-file, and prints pages per
second for both, their ratio and our peak memory.

    .venv/bin/python bench/capture.py [--pages 500] [--pdfs 20] [--jobs 4] [--processes 2]

Each side runs --repeat times, alternately, and its best run counts.
Targets: at least half of wget's throughput; under 250 MB peak memory (RSS) for every process of
the capture together (this process and its extraction processes).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from procmem import children, rss_kib
from simarchive.capture.pipeline import capture_sources
from simarchive.config import Config
from simarchive.content.registry import Source

WORDS = [
    "mental",
    "health",
    "police",
    "officer",
    "patient",
    "crisis",
    "team",
    "pilot",
    "scheme",
    "evidence",
    "review",
    "trust",
    "england",
    "serenity",
    "integrated",
    "mentoring",
    "high",
    "intensity",
    "network",
    "community",
    "care",
]


def make_page(n: int, rng: random.Random) -> bytes:
    """An article page of about 50 KB, with the boilerplate real pages have."""
    paragraphs = []
    while sum(map(len, paragraphs)) < 44_000:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
        paragraphs.append(f"<p>{words.capitalize()}.</p>\n")
    return (
        f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Page {n}</title>"
        f'<meta name="citation_title" content="Page {n}"><script>var n = {n};</script>'
        "<style>body{font:1em serif}</style></head><body><header>Site header</header>"
        "<nav><a href=/>Home</a> <a href=/about>About</a></nav><div class=cookie-banner>Cookies?</div>"
        f"<main><article><h1>Page {n}</h1>{''.join(paragraphs)}</article></main>"
        "<footer>Footer text</footer></body></html>"
    ).encode()


def make_pdf(n: int, pages: int = 10) -> bytes:
    """A valid PDF of several pages of Helvetica text."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for p in range(pages):
        lines = " ".join(
            f"({' '.join(WORDS[(p + i) % len(WORDS)] for i in range(12))}) Tj T*" for _ in range(40)
        )
        stream = f"BT /F1 10 Tf 12 TL 50 750 Td {lines} ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects) + 2} 0 R "
            "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        kids.append(f"{len(objects) - 1} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def serve(pages: int, pdfs: int, ready: multiprocessing.Queue) -> None:
    """The benchmark's web server (runs in its own process)."""
    rng = random.Random(42)
    bodies = {f"/page/{n}": (make_page(n, rng), "text/html; charset=utf-8") for n in range(pages)}
    bodies |= {f"/doc/{n}.pdf": (make_pdf(n), "application/pdf") for n in range(pdfs)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body leave in two writes; without TCP_NODELAY the second waits for
            # the client's delayed ACK (40 ms), and every client would measure that instead.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            body, ctype = bodies.get(self.path, (b"not found", "text/plain"))
            self.send_response(200 if self.path in bodies else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    ready.put((server.server_address[1], sum(len(b) for b, _ in bodies.values())))
    server.serve_forever()


def tree_rss_kib(pid: int, skip: frozenset[int]) -> int:
    """Resident memory of a process and all its descendants (its extraction processes), summed."""
    return rss_kib(pid) + sum(tree_rss_kib(child, skip) for child in children(pid) if child not in skip)


class MemorySampler:
    """Peak resident memory of this process plus its extraction processes, summed, sampled
    every 20 ms (getrusage would give only the largest single process)."""

    def __init__(self, skip: set[int]):
        self.skip, self.peak_kib, self._stop = frozenset(skip), 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_kib = max(self.peak_kib, tree_rss_kib(os.getpid(), self.skip))

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_ours(urls: list[str], work: Path, jobs: int, processes: int) -> float:
    config = Config.from_settings(
        {
            "SIMARCHIVE_ARCHIVE": str(work / "archive"),
            "SIMARCHIVE_DELAY": 0,
            "SIMARCHIVE_PER_HOST": jobs,
            "SIMARCHIVE_USER_AGENT": "sim-archive-bench/1 (+https://example.org/bench)",
        },
        work,
    )
    sources = [
        Source(id=f"s{i:04d}", url=u, title=f"Page {i}", publisher="Bench", kind="report")
        for i, u in enumerate(urls)
    ]
    started = time.perf_counter()
    report = capture_sources(sources, config.archive, config, processes=processes, jobs=jobs,
                             allow_private=True)
    elapsed = time.perf_counter() - started
    failed = [o for o in report.outcomes if o.state != "captured"]
    if failed:
        raise SystemExit(f"bench: {len(failed)} capture(s) failed, e.g. {failed[0].reason}")
    empty = [o for o in report.outcomes if not (o.path / "text.txt").stat().st_size]
    if empty:
        raise SystemExit(f"bench: {len(empty)} capture(s) have no text, e.g. {empty[0].path}")
    return elapsed


def run_wget(urls: list[str], work: Path) -> float:
    work.mkdir(parents=True, exist_ok=True)
    (work / "urls.txt").write_text("\n".join(urls) + "\n")
    command = [
        "wget",
        "--quiet",
        "--no-proxy",
        "--tries=1",
        "-e",
        "robots=off",
        "--no-warc-keep-log",
        f"--warc-file={work / 'wget'}",
        "--input-file",
        str(work / "urls.txt"),
        "-P",
        str(work / "files"),
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=4, help="capture threads")
    parser.add_argument("--processes", type=int, default=2, help="extraction processes (one per core here)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    args = parser.parse_args()
    if not shutil.which("wget"):
        raise SystemExit("bench: wget is not installed (apt-get install wget)")
    ready: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.pages, args.pdfs, ready), daemon=True)
    server.start()
    port, total_bytes = ready.get(timeout=120)
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/page/{n}" for n in range(args.pages)] + [
        f"{base}/doc/{n}.pdf" for n in range(args.pdfs)
    ]
    # Alternate the two and keep each one's best run: the machine may be busy with other work.
    ours_runs, wget_runs, peaks = [], [], []
    with tempfile.TemporaryDirectory(prefix="sim-bench-") as tmp:
        for run in range(args.repeat):
            with MemorySampler(skip={server.pid}) as memory:
                ours_runs.append(run_ours(urls, Path(tmp) / f"ours-{run}", args.jobs, args.processes))
            peaks.append(memory.peak_kib / 1024)
            wget_runs.append(run_wget(urls, Path(tmp) / f"wget-{run}"))
        peak_mb = max(peaks)
    ours, theirs = min(ours_runs), min(wget_runs)
    server.terminate()
    n = len(urls)
    print(
        f"runs (s): ours {', '.join(f'{t:.2f}' for t in ours_runs)}; "
        f"wget {', '.join(f'{t:.2f}' for t in wget_runs)}; best of each below"
    )
    print(
        f"URLs: {n} ({args.pages} HTML pages, {args.pdfs} PDFs, {total_bytes / 1e6:.1f} MB) on loopback"
    )
    print(
        f"sim-archive capture: {ours:6.2f} s  {n / ours:7.1f} pages/s  (processes={args.processes}, jobs={args.jobs}, "
        "WARC + text extraction + capture.json, atomic folders)"
    )
    print(f"wget --warc-file:    {theirs:6.2f} s  {n / theirs:7.1f} pages/s")
    ratio = (n / ours) / (n / theirs)
    print(
        f"ratio (ours / wget): {ratio:.2f}  (target >= 0.50: {'met' if ratio >= 0.5 else 'NOT met'})"
    )
    print(
        f"peak memory (ours, RSS of the capture process and its extraction processes together): {peak_mb:.0f} MB  "
        f"(target < 250 MB: {'met' if peak_mb < 250 else 'NOT met'})"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
