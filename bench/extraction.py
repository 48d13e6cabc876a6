"""Benchmark: how much of the article, and how little else, text.txt holds, on 130 real pages.

Serves every page of the shared corpus (real-pages/: news, blogs, Wikipedia, several languages and
scripts, broken markup) from a loopback server, captures them all with the capture core (as a
curator's `sim-archive capture` would: WARC, extraction in its worker, capture.json), and scores
each text against the page's reference article, beside trafilatura's default settings and the
BeautifulSoup walk that made text.txt before trafilatura, in one run.

    .venv/bin/python bench/extraction.py [--worst 8]

The score is the token-shingle measure of the article-extraction benchmark of Zyte
(scrapinghub/article-extraction-benchmark, evaluate.py): a text's tokens are its runs of word
characters (regex \\w+, case kept); its shingles are the runs of 4 consecutive tokens, counted
with repetition. Per page, TP is the number of shingles both texts share (by count), FP those
only in ours, FN those only in the reference; each is divided by TP + FP + FN. Precision is the
mean over pages of TP / (TP + FP), recall the mean of TP / (TP + FN) (a page with nothing on
either side counts 1; a page whose side is empty counts 0), and F1 = 2PR / (P + R) of the two
means. The reference is Readability.js's article (expected.html): one tool's answer, not a hand-made
ground truth, so a text that keeps a caption Readability drops loses precision here.

The corpus is read from $SIM_CORPUS, else ../shared/corpus beside the repository, else
/work/shared/corpus; it is never copied into the project.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import trafilatura  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from corpus import RealPage, corpus_dir, real_pages  # noqa: E402
from simarchive.archive import store  # noqa: E402
from simarchive.capture.pipeline import capture_sources  # noqa: E402
from simarchive.config import Config  # noqa: E402
from simarchive.content.registry import Source  # noqa: E402
from support import REPO  # noqa: E402

#: The last commit whose text.txt was the BeautifulSoup walk alone (<main>, else the one <article>,
#: else the body, without navigation, header, footer and banners).
OLD_WALK = "9bb91e2"
TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))
                   if tokens[i:i + SHINGLE])


def tp_fp_fn(reference: str, ours: str) -> tuple[float, float, float]:
    """TP, FP and FN of one page, as shares of their sum."""
    want, got = shingles(reference), shingles(ours)
    tp, fp, fn = sum((want & got).values()), sum((got - want).values()), sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _share(hit: float, miss: float, other: float) -> float:
    if miss == other == 0:
        return 1.0
    return 0.0 if hit == miss == 0 else hit / (hit + miss)


def scores(pages: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """F1, precision and recall over pages, as the benchmark computes them."""
    precision = statistics.mean(_share(tp, fp, fn) for tp, fp, fn in pages if tp + fp > 0)
    recall = statistics.mean(_share(tp, fn, fp) for tp, fp, fn in pages if tp + fn > 0)
    return (2 * precision * recall / (precision + recall) if precision + recall else 0.0), precision, recall


def old_walk() -> types.ModuleType | None:
    """htmltext.py as it was at OLD_WALK, read from git (None without git or that history)."""
    try:
        code = subprocess.run(["git", "show", f"{OLD_WALK}:plugins/simarchive/capture/htmltext.py"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("old_htmltext")
    sys.modules[module.__name__] = module  # its dataclasses look their module up there
    exec(compile(code, f"{OLD_WALK}:htmltext.py", "exec"), module.__dict__)  # noqa: S102 - our own history
    return module


def serve(pages: list[RealPage]) -> ThreadingHTTPServer:
    bodies = {f"/real/{p.name}": p.source for p in pages}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = bodies.get(self.path, b"not here")
            self.send_response(200 if self.path in bodies else 404)
            # The corpus keeps every page in UTF-8, whatever its <meta charset> says.
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def capture_all(pages: list[RealPage], work: Path) -> tuple[dict[str, tuple[str, str]], list[str], float]:
    """Capture every page; return {name: (text.txt, fulltext.txt)}, the failures, and the seconds."""
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    config = Config.from_settings({
        "SIMARCHIVE_ARCHIVE": str(work / "archive"), "SIMARCHIVE_DELAY": 0, "SIMARCHIVE_PER_HOST": 4,
        "SIMARCHIVE_MAX_BYTES": 20_000_000,
        "SIMARCHIVE_USER_AGENT": "sim-archive-bench/1 (+https://example.org/bench)"}, work)
    sources = [Source(id=p.name, url=f"{base}/real/{p.name}", title=p.name, publisher="Bench", kind="news")
               for p in pages]
    started = time.perf_counter()
    report = capture_sources(sources, config.archive, config, via="live", allow_private=True)
    elapsed = time.perf_counter() - started
    server.shutdown()
    texts, failures = {}, []
    for outcome in report.outcomes:
        if outcome.state != "captured":
            failures.append(f"{outcome.source_id}: {outcome.reason}")
            continue
        full = outcome.path / store.FULLTEXT
        texts[outcome.source_id] = ((outcome.path / store.TEXT).read_text(encoding="utf-8"),
                                    full.read_text(encoding="utf-8") if full.exists() else "")
        failures += [f"{outcome.source_id}: {w}" for w in outcome.warnings if w.startswith("extraction stopped")]
    return texts, failures, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=8, help="list this many pages with our lowest F1")
    args = parser.parse_args()
    corpus = corpus_dir()
    if corpus is None:
        raise SystemExit("bench: the corpus of real pages is not there (set SIM_CORPUS)")
    pages = real_pages(corpus)
    references = {p.name: BeautifulSoup(p.expected, "lxml").get_text(" ") for p in pages}
    with tempfile.TemporaryDirectory(prefix="sim-bench-extraction-") as tmp:
        texts, failures, seconds = capture_all(pages, Path(tmp))
    walk = old_walk()
    rows: dict[str, list[tuple[float, float, float]]] = {
        "ours: text.txt (trafilatura, configured for evidence)": [],
        "ours: fulltext.txt (the full visible text)": [],
        "trafilatura, default settings": [],
    }
    if walk:
        rows[f"before: the BeautifulSoup walk ({OLD_WALK})"] = []
    per_page = {}
    for page in pages:
        reference = references[page.name]
        main_text, full_text = texts.get(page.name, ("", ""))
        html = page.source.decode("utf-8", errors="replace")
        values = [tp_fp_fn(reference, main_text), tp_fp_fn(reference, full_text),
                  tp_fp_fn(reference, trafilatura.extract(html) or "")]
        if walk:
            values.append(tp_fp_fn(reference, walk.html_text_and_metadata(html)[0]))
        for row, value in zip(rows.values(), values, strict=True):
            row.append(value)
        per_page[page.name] = scores([values[0]])
    print(f"{len(pages)} real pages from {corpus / 'real-pages'}; captured on loopback in {seconds:.1f} s; "
          f"{len(texts)} captured, {len(pages) - len(texts)} failed, {len(failures)} with an error or a cut")
    for failure in failures:
        print(f"  {failure}")
    print(f"{'':58}{'F1':>7}{'precision':>11}{'recall':>8}")
    for name, values in rows.items():
        f1, precision, recall = scores(values)
        print(f"{name:58}{f1:7.3f}{precision:11.3f}{recall:8.3f}")
    if not walk:
        print(f"(the BeautifulSoup walk of {OLD_WALK} was not found in git history; its row is left out)")
    print("goal: F1 >= 0.95 and recall >= 0.97 (issue 17, on hand-made article bodies; here Readability's)")
    print(f"our {args.worst} lowest F1 (page: F1 precision recall):")
    for name, (f1, precision, recall) in sorted(per_page.items(), key=lambda kv: kv[1][0])[:args.worst]:
        print(f"  {name}: {f1:.2f} {precision:.2f} {recall:.2f}")


if __name__ == "__main__":
    main()
