"""Load test of `sim-archive serve` over a 1,000-source synthetic archive, on loopback only.

Usage: .venv/bin/python bench/load.py [--sources 1000] [--clients 64] [--seconds 30] [--threads 16]

1. Serves 1,000 generated pages on 127.0.0.1 and captures them with `sim-archive capture`
   (the real capture path, --allow-private for the loopback server), then builds the site.
2. Starts `sim-archive serve` and runs a bounded load: N concurrent clients (spread over client
   processes, so the clients' own GIL does not throttle them) for S seconds, 80% static pages and
   20% searches.
3. Prints requests per second, p50/p95/p99 for static pages and searches separately, the error
   count (5xx and failed connections) and the server's resident memory (start, peak, end).
Targets (2-core machine): zero errors; static p99 <= 100 ms even while searches saturate the
CPU; search p99 <= 1 s; memory flat across the run. Everything lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORDS = ("police officer nurse crisis team trust review campaign letter policy data patients mentoring "
         "programme network evidence statement inquiry report island hampshire surrey london wessex "
         "detention section custody triage sergeant fellowship accelerator coalition petition").split()
QUERIES = ["police", "crisis team", '"mentoring programme"', "nurse AND custody", "review OR inquiry",
           "wessex", "hampshre~", "petit*", "kind:event", "publisher:publisher", "evidence NOT policy",
           "sergeant fellowship", '"island triage"', "coalition", "data patients", "surrey london"]
SETTINGS = """\
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa
PATH = {content!r}
OUTPUT_PATH = {output!r}
SIMARCHIVE_SOURCES = {content!r} + "/sources.toml"
SIMARCHIVE_ARCHIVE = {archive!r}
SIMARCHIVE_INDEX = {index!r}
SIMARCHIVE_PER_HOST = 8
SIMARCHIVE_DELAY = 0.0
"""


def page_text(i: int, words: int = 1500) -> str:
    rng = random.Random(i)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(150)).capitalize() + "." for _ in range(words // 150)]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<!doctype html><html><head><title>Page {i}</title></head><body><h1>Page {i}</h1>{body}</body></html>"


class Pages(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        data = page_text(int(self.path.rsplit("/", 1)[-1])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def write_site(root: Path, count: int, port: int) -> Path:
    content = root / "content"
    (content / "events").mkdir(parents=True)
    (content / "sources.toml").write_text("".join(
        f'[src-{i}]\nurl = "http://127.0.0.1:{port}/p/{i}"\ntitle = "Synthetic source {i}"\n'
        f'publisher = "Publisher {i % 9}"\nkind = "news"\n\n' for i in range(count)))
    per_event = 20
    for e in range(count // per_event):
        ids = [f"src-{i}" for i in range(e * per_event, (e + 1) * per_event)]
        (content / "events" / f"event-{e}.md").write_text(
            f"Title: Synthetic event {e}\nSlug: {2000 + e % 24}-event-{e}\nWhen: {2000 + e % 24}\n"
            f"Summary: A synthetic event.\nPhase: Spread\nSources: {', '.join(ids)}\n\n"
            + " ".join(f"Claim [@{sid}]." for sid in ids) + "\n")
    (root / "archive").mkdir()
    settings = root / "benchconf.py"
    settings.write_text(SETTINGS.format(root=str(ROOT), content=str(content), output=str(root / "output"),
                                        archive=str(root / "archive"), index=str(root / "var" / "index")))
    return settings


def run(*command: str, cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def client(port: int, paths: list[str], stop_at: float, seed: int, out: list) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.time() < stop_at:
        search = rng.random() < 0.2
        path = f"/api/search?q={quote(rng.choice(QUERIES))}" if search else rng.choice(paths)
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as e:
            status = 0
            out.append(("error", 0.0, type(e).__name__))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        if status:
            out.append(("search" if search else "static", time.perf_counter() - started, status))
    connection.close()


def client_process(port: int, paths: list[str], stop_at: float, threads: int, seed: int, queue) -> None:
    results: list = []
    workers = [threading.Thread(target=client, args=(port, paths, stop_at, seed * 100 + t, results))
               for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put(results)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def report(results: list, seconds: float, memory: list[int]) -> None:
    done = [r for r in results if r[0] != "error"]
    print(f"requests: {len(done)} in {seconds:.0f} s = {len(done) / seconds:.0f} requests/s")
    for kind in ("static", "search"):
        times = [t * 1000 for k, t, s in results if k == kind and 0 < s < 500]
        if times:
            print(f"{kind:6}: {len(times)} ok, p50 {percentile(times, 50):.1f} ms, "
                  f"p95 {percentile(times, 95):.1f} ms, p99 {percentile(times, 99):.1f} ms")
    server_errors = sum(1 for k, _, s in results if k != "error" and s >= 500)
    failed = Counter(s for k, _, s in results if k == "error")
    print(f"errors: {server_errors + sum(failed.values())} (5xx: {server_errors}, failed connections: "
          f"{sum(failed.values())} {dict(failed) or ''})")
    half = len(memory) // 2
    print(f"server memory (RSS): start {memory[0] / 1024:.0f} MiB, peak {max(memory) / 1024:.0f} MiB, "
          f"end {memory[-1] / 1024:.0f} MiB; peak in first half {max(memory[:half]) / 1024:.0f} MiB, "
          f"second half {max(memory[half:]) / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--threads", type=int, default=16, help="waitress threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sim-load-") as tmp:
        root = Path(tmp)
        pages = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
        threading.Thread(target=pages.serve_forever, daemon=True).start()
        settings = write_site(root, args.sources, pages.server_address[1])
        tool = [str(BIN / "sim-archive"), "--settings", str(settings)]
        took = run(*tool, "capture", "--all", "--allow-private", "--jobs", "4", cwd=root)
        print(f"captured {args.sources} sources in {took:.1f} s")
        took = run(str(BIN / "pelican"), "--log-handler", "plain", "--settings", str(settings), cwd=root)
        print(f"built the site and the index in {took:.1f} s")
        pages.shutdown()
        serve_port = free_port()
        server = subprocess.Popen([*tool, "serve", "--port", str(serve_port), "--threads", str(args.threads)],
                                  cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for(serve_port)
            paths = ["/", "/sources/", "/timeline.json", "/theme/css/site.css"] + \
                [f"/sources/src-{i}/" for i in range(0, args.sources, 7)] + \
                [f"/events/{2000 + e % 24}-event-{e}/" for e in range(args.sources // 20)]
            memory = [rss_kib(server.pid)]
            stop_at = time.time() + args.seconds
            processes = max(1, min(4, args.clients // 16))
            queue = mp.Queue()
            workers = [mp.Process(target=client_process,
                                  args=(serve_port, paths, stop_at, args.clients // processes, n, queue))
                       for n in range(processes)]
            for w in workers:
                w.start()
            started = time.perf_counter()
            while time.time() < stop_at:
                time.sleep(0.5)
                memory.append(rss_kib(server.pid))
            elapsed = time.perf_counter() - started
            results = [r for _ in workers for r in queue.get(timeout=120)]
            for w in workers:
                w.join()
            report(results, elapsed, memory)
        finally:
            server.terminate()
            server.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start within 30 s")


if __name__ == "__main__":
    main()
