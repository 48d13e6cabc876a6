"""Load test of `sim-archive serve` over a 1,000-source synthetic archive, on loopback only.

Usage: .venv/bin/python bench/load.py [--sources 1000] [--clients 64] [--seconds 30] [--threads N]
                                     [--server waitress|gunicorn|nginx] [--workers 2]

1. Serves 1,000 generated pages on 127.0.0.1 and captures them with `sim-archive capture`
   (the real capture path, --allow-private for the loopback server), then builds the site.
2. Starts `sim-archive serve` (or gunicorn's pre-fork workers, --server gunicorn, as docs/serving.md
   sets them up; or --server nginx: deploy/nginx.conf on nginx sending the files, in front of
   gunicorn's sync workers, which answer the searches) and runs a bounded load with wrk (Debian's
   `wrk`: clients in C, so they leave the server its CPU): N connections for S seconds, 80% on
   static pages and 20% on searches, as two wrk runs at once so each reports its own latencies.
3. Prints requests per second, p50/p95/p99 for static pages and searches separately, the error
   count (every answer that is not a 2xx, and failed connections) and the server's resident
   memory (start, peak, end).
Targets: zero errors; static p99 at most 100 ms while searches load the CPU; search p99 at most
1 s. Everything lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from procmem import family_rss_kib  # noqa: E402
from support import BIN, free_port, nginx, nginx_missing, write_settings  # noqa: E402

WORDS = ["police", "officer", "nurse", "crisis", "team", "trust", "review", "campaign", "letter", "policy", "data",
         "patients", "mentoring", "programme", "network", "evidence", "statement", "inquiry", "report", "island",
         "hampshire", "surrey", "london", "wessex", "detention", "section", "custody", "triage", "sergeant",
         "fellowship", "accelerator", "coalition", "petition"]
QUERIES = ["police", "crisis team", '"mentoring programme"', "nurse AND custody", "review OR inquiry",
           "wessex", "hampshre~", "petit*", "kind:event", "publisher:publisher", "evidence NOT policy",
           "sergeant fellowship", '"island triage"', "coalition", "data patients", "surrey london"]
# The loopback page server is the bench's own: no politeness delay needed.
CAPTURE_SETTINGS = "SIMARCHIVE_PER_HOST = 8\nSIMARCHIVE_DELAY = 0.0\n"


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
    return write_settings(root / "benchconf.py", content=content, output=root / "output", archive=root / "archive",
                          index=root / "var" / "index", extra=CAPTURE_SETTINGS)


def run(*command: str, cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %s %%d %%.1f %%.1f %%.1f %%d %%d\\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def wrk(port: int, name: str, paths: list[str], connections: int, *, seconds: float, folder: Path) -> subprocess.Popen:
    script = folder / f"{name}.lua"
    script.write_text(LUA % (",".join(f'"{p}"' for p in paths), name))
    return subprocess.Popen(["wrk", "-t1", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s", "-s",
                             str(script), f"http://127.0.0.1:{port}"], stdout=subprocess.PIPE, text=True)


def report(outputs: dict[str, str], seconds: float, memory: list[int]) -> None:
    total = 0
    errors = 0
    for name, out in outputs.items():
        line = next((x for x in out.splitlines() if x.startswith(f"RESULT {name} ")), None)
        if line is None:
            sys.exit(f"wrk printed no result for {name}:\n{out}")
        _, _, count, p50, p95, p99, bad_status, failed = line.split()
        total += int(count)
        errors += int(bad_status) + int(failed)
        print(f"{name:6}: {count} requests, p50 {p50} ms, p95 {p95} ms, p99 {p99} ms; "
              f"non-2xx {bad_status}, failed connections {failed}")
    print(f"requests: {total} in {seconds:.0f} s = {total / seconds:.0f} requests/s; errors: {errors}")
    half = len(memory) // 2
    print(f"server memory (RSS, with its workers): start {memory[0] / 1024:.0f} MiB, "
          f"peak {max(memory) / 1024:.0f} MiB, end {memory[-1] / 1024:.0f} MiB; peak in first half "
          f"{max(memory[:half]) / 1024:.0f} MiB, second half {max(memory[half:]) / 1024:.0f} MiB")


def prepare(root: Path, sources: int) -> Path:
    """Capture the generated pages and build the site in root, unless a run before did."""
    settings = root / "benchconf.py"
    if (root / "output" / "index.html").is_file() and settings.is_file():
        print(f"reusing the site built in {root}")
        return settings
    pages = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    try:
        settings = write_site(root, sources, pages.server_address[1])
        took = run(str(BIN / "sim-archive"), "--settings", str(settings), "capture", "--all", "--allow-private",
                   "--jobs", "4", cwd=root)
        print(f"captured {sources} sources in {took:.1f} s")
    finally:
        pages.shutdown()
    took = run(str(BIN / "pelican"), "--log-handler", "plain", "--settings", str(settings), cwd=root)
    print(f"built the site and the index in {took:.1f} s")
    return settings


def server_command(args: argparse.Namespace, settings: Path, port: int) -> list[str]:
    if args.server in ("gunicorn", "nginx"):  # as docs/serving.md sets it up
        return [str(BIN / "gunicorn"), "--workers", str(args.workers), "--threads", str(args.threads),
                "--timeout", "30", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                f"simarchive.web:app_from_settings({str(settings)!r})"]
    return [str(BIN / "sim-archive"), "--settings", str(settings), "serve", "--port", str(port),
            "--threads", str(args.threads)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--server", choices=("waitress", "gunicorn", "nginx"), default="waitress")
    parser.add_argument("--threads", type=int, help="threads (waitress's, or each gunicorn worker's); by default as "
                        "docs/serving.md runs each server: waitress 32, gunicorn 16, gunicorn behind nginx 1 "
                        "(gunicorn's sync worker)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's worker processes")
    parser.add_argument("--workdir", type=Path, help="build here and keep it; a later run reuses it")
    args = parser.parse_args()
    if args.threads is None:
        args.threads = {"waitress": 32, "gunicorn": 16, "nginx": 1}[args.server]
    if not shutil.which("wrk"):
        sys.exit("bench/load.py drives the server with wrk: apt-get install wrk")
    if args.server == "nginx" and nginx_missing():
        sys.exit(f"bench/load.py --server nginx: {nginx_missing()}")
    with tempfile.TemporaryDirectory(prefix="sim-load-") as tmp:
        root = args.workdir or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        settings = prepare(root, args.sources)
        app_port = free_port()
        # The server's log goes to a file: waitress logs "Task queue depth" whenever requests wait,
        # and a pipe nobody reads would stop the server once it is full.
        log = root / f"{args.server}.log"
        with log.open("wb") as sink:
            server = subprocess.Popen(server_command(args, settings, app_port), cwd=root, stdout=subprocess.DEVNULL,
                                      stderr=sink)
        try:
            wait_for(app_port, log)
            with ExitStack() as stack:
                port, processes = app_port, [server.pid]
                if args.server == "nginx":
                    base = stack.enter_context(nginx(root / "nginx", root=root / "output",
                                                     upstream=f"127.0.0.1:{app_port}"))
                    port = int(base.rsplit(":", 1)[1])
                    processes.append(int((root / "nginx" / "nginx.pid").read_text()))
                load(args, port, processes, root)
        finally:
            server.terminate()
            server.wait(timeout=10)


def load(args: argparse.Namespace, port: int, processes: list[int], root: Path) -> None:
    """The two wrk runs at once, and their report."""
    static = ["/", "/sources/", "/timeline.json", "/theme/css/site.css"] + \
        [f"/sources/src-{i}/" for i in range(0, args.sources, 7)] + \
        [f"/events/{2000 + e % 24}-event-{e}/" for e in range(args.sources // 20)]
    searches = [f"/api/search?q={quote(q)}" for q in QUERIES]
    searching = max(1, round(args.clients * 0.2))  # 80% static, 20% searches
    memory = [sum(map(family_rss_kib, processes))]
    started = time.perf_counter()
    runs = {"static": wrk(port, "static", static, args.clients - searching, seconds=args.seconds, folder=root),
            "search": wrk(port, "search", searches, searching, seconds=args.seconds, folder=root)}
    while any(r.poll() is None for r in runs.values()):
        time.sleep(0.5)
        memory.append(sum(map(family_rss_kib, processes)))
    shape = f"{args.threads} threads" + (f", {args.workers} workers" if args.server != "waitress" else "")
    print(f"{args.server}, {shape}, load average {os.getloadavg()[0]:.2f}")
    report({name: r.communicate()[0] for name, r in runs.items()}, time.perf_counter() - started, memory)


def wait_for(port: int, log: Path) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()  # up means answering, not only accepting
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        else:
            return
        finally:
            connection.close()
    sys.exit(f"the server did not start within 30 s; its log, {log}:\n{log.read_text(errors='replace')[-2000:]}")


if __name__ == "__main__":
    main()
