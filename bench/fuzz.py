"""Fuzz the real server: 10,000 requests with random paths and parameters, counting server errors
and tracebacks.

Usage: .venv/bin/python bench/fuzz.py [--requests 10000] [--seed 1]

Builds the test site (tests/data/site, with the search site's captured texts) in a temporary
folder, starts `sim-archive serve --port 0` on loopback, and sends requests one after another:
paths (traversals, encodings, long and odd names), and /search and /api/search with every
parameter (q, page, per_page, sort, captures, partial and the facet filters) drawn from text
in any script, digits of other scripts, numbers out of range, control characters, query syntax
and percent-encodings. It prints the count of each status, the answers of 500 or more, and the
lines of the server's log that hold a traceback; both must be 0.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from searchsite import make_search_site  # noqa: E402
from support import BIN  # noqa: E402

PARAMS = ("q", "page", "per_page", "sort", "captures", "partial", "type", "source_kind", "publisher", "year")
PIECES = ['"', "(", ")", "*", "?", "~", "~2", ":", "AND", "OR", "NOT", "year:", "date:", "..", "[", "]",
          "title:", "kind:news", "police", "Isle", "Wight", "²", "٣", "５", "1e3", "-1", "0", "99999999999",
          "\x00", "\x1b", "\u202e", "%", "%00", "%ff", "&", "=", "+", " ", "\t", "é", "中文", "😀", "\ud7ff"]
PATHS = ["/", "/search", "/api/search", "/sources/", "/events/", "/../secret", "/%2e%2e/", "/theme/css/site.css",
         "/sources/island-news/", "/timeline.json", "//", "/index.html%00", "/a" * 50, "/\\..\\"]


def fuzz_text(rng: random.Random, size: int) -> str:
    pieces = []
    for _ in range(rng.randint(0, size)):
        if rng.random() < 0.6:
            pieces.append(rng.choice(PIECES))
        else:
            pieces.append(chr(rng.choice([rng.randint(32, 126), rng.randint(0x80, 0x2FFF), rng.randint(0, 31)])))
    return "".join(pieces)


def request_path(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(PATHS) + quote(fuzz_text(rng, 6), safe="/%")
    base = rng.choice(["/search", "/api/search"])
    params = []
    for name in rng.sample(PARAMS, rng.randint(1, len(PARAMS))):
        for _ in range(rng.choice([1, 1, 1, 2])):
            value = fuzz_text(rng, 12) if rng.random() < 0.8 else str(rng.randint(-5, 100))
            # mostly encoded as a browser would; now and then with the query's own delimiters left raw
            params.append(f"{quote(name)}={quote(value, safe='' if rng.random() < 0.9 else '%&=+*()[]:~')}")
    return base + "?" + "&".join(params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="sim-fuzz-") as folder:
        site = make_search_site(Path(folder))
        build = subprocess.run([str(BIN / "sim-archive"), "--settings", str(site.settings), "build"],
                               capture_output=True, text=True, check=False)
        if build.returncode:
            print(build.stdout + build.stderr)
            return 1
        log = Path(folder) / "server.log"
        with log.open("w") as err:
            server = subprocess.Popen([str(BIN / "sim-archive"), "--settings", str(site.settings), "serve",
                                       "--port", "0"], stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            port = int(re.search(r":(\d+)/", server.stdout.readline()).group(1))
            statuses: collections.Counter[int] = collections.Counter()
            errors = []
            started = time.monotonic()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(args.requests):
                path = request_path(rng)
                try:
                    connection.putrequest("GET", path, skip_accept_encoding=True)
                    connection.endheaders()
                    response = connection.getresponse()
                    body = response.read()
                except (http.client.HTTPException, OSError) as e:
                    statuses[0] += 1
                    errors.append((path, f"no answer ({e})"))
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    continue
                statuses[response.status] += 1
                if response.status >= 500 or b"Traceback" in body:
                    errors.append((path, f"{response.status}: {body[:200]!r}"))
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            seconds = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
        tracebacks = [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line]
    print(f"{args.requests} requests in {seconds:.1f} s (seed {args.seed})")
    print("statuses:", ", ".join(f"{status or 'none'}: {n}" for status, n in sorted(statuses.items())))
    print(f"server errors (500 or more, or no answer): {len(errors)}")
    for path, what in errors[:20]:
        print(f"  {path[:120]!r}: {what}")
    print(f"tracebacks in the server's log: {len(tracebacks)}")
    return 1 if errors or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
