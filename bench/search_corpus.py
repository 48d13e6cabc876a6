"""A deterministic synthetic archive for the search benchmark: a registry, events and captures.

Each source gets about 30 KB of text drawn from a Zipf-distributed vocabulary of made-up words,
with English stop words, a few real phrases and surnames planted at fixed rates, so that the
benchmark's queries have common terms, rare terms, phrases and misspellable names to find.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from pathlib import Path

SEED = 20261126
TEXT_BYTES = 30_000
KINDS = ("news", "official", "campaign", "report", "foi", "parliament", "encyclopedia", "promotional")
PUBLISHERS = [f"{a} {b}" for a, b in itertools.product(
    ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Theta", "Kappa"),
    ("Press", "Gazette", "Herald", "Review", "Journal"))]
SURNAMES = ("Jennings", "Okafor", "Lindqvist", "Marchetti", "Fairbrother", "Kowalczyk")
PHRASES = ("mental health", "street triage", "high intensity", "police officer",
           "crisis team", "community mental health team", "frequent attender")
STOP = ("the", "of", "and", "to", "in", "a", "that", "is", "was", "for", "on", "with", "as", "by")
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "gri", "ston", "mar",
             "bel", "fen", "hol", "quin", "tor", "ul", "wex", "yar", "zem", "cor", "dil")


def vocabulary(size: int = 30_000) -> list[str]:
    rng = random.Random(SEED)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words, key=lambda w: (hashlib.md5(w.encode()).hexdigest()))  # a fixed rank order


def _weights(size: int) -> list[float]:
    total, cum = 0.0, []
    for rank in range(1, size + 1):
        total += 1.0 / rank ** 1.05
        cum.append(total)
    return cum


class Corpus:
    """Texts and metadata for source number i, the same on every run."""

    def __init__(self) -> None:
        self.vocab = vocabulary()
        self.cum = _weights(len(self.vocab))

    def text(self, i: int) -> str:
        rng = random.Random(SEED * 7 + i)
        lines, size = [], 0
        while size < TEXT_BYTES:
            words = rng.choices(self.vocab, cum_weights=self.cum, k=rng.randint(8, 18))
            for _ in range(rng.randint(1, 4)):
                words.insert(rng.randrange(len(words)), rng.choice(STOP))
            if rng.random() < 0.08:
                words.insert(rng.randrange(len(words)), rng.choice(PHRASES))
            if rng.random() < 0.004:
                words.insert(rng.randrange(len(words)), rng.choice(SURNAMES))
            line = " ".join(words).capitalize() + "."
            lines.append(line)
            size += len(line) + 1
        return "\n".join(lines) + "\n"

    def source(self, i: int) -> dict:
        rng = random.Random(SEED * 13 + i)
        year = 2012 + i % 12
        return {"id": f"src-{i:05d}", "title": " ".join(rng.choices(self.vocab[:3000], k=6)).capitalize(),
                "publisher": PUBLISHERS[i % len(PUBLISHERS)], "kind": KINDS[i % len(KINDS)],
                "published": f"{year}-{1 + i % 12:02d}"}


def _toml(src: dict) -> str:
    return (f'[{src["id"]}]\nurl = "https://example.org/{src["id"]}"\ntitle = "{src["title"]}"\n'
            f'publisher = "{src["publisher"]}"\nkind = "{src["kind"]}"\npublished = "{src["published"]}"\n\n')


def write_capture(archive: Path, source_id: str, text: str, timestamp: str = "20260101T000000Z") -> int:
    folder = archive / source_id / timestamp
    folder.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    (folder / "text.txt").write_bytes(data)
    url = f"https://example.org/{source_id}"
    meta = {"source_id": source_id, "original_url": url, "fetched_url": url, "final_url": url,
            "redirects": [], "status": 200, "content_type": "text/html", "length": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "captured_at": "2026-01-01T00:00:00Z",
            "via": "live", "wayback_timestamp": None, "tool_version": "bench",
            "extraction": {"method": "html"}, "metadata": {}, "warnings": []}
    (folder / "capture.json").write_text(json.dumps(meta))
    return len(data)


def write_site(root: Path, count: int, corpus: Corpus) -> int:
    """content/ (registry + 50 events) and archive/ for `count` sources; returns text bytes."""
    content, archive = root / "content", root / "archive"
    (content / "events").mkdir(parents=True)
    total = 0
    with open(content / "sources.toml", "w", encoding="utf-8") as registry:
        for i in range(count):
            src = corpus.source(i)
            registry.write(_toml(src))
            total += write_capture(archive, src["id"], corpus.text(i))
    for e in range(50):
        cited = ", ".join(f"src-{(e * 37 + k) % count:05d}" for k in range(3))
        (content / "events" / f"event-{e:02d}.md").write_text(
            f"Title: Synthetic event {e} about {PHRASES[e % len(PHRASES)]}\nSlug: event-{e:02d}\n"
            f"When: {2012 + e % 12}\nSummary: A synthetic event for the benchmark.\nPhase: Origins\n"
            f"Actors: {SURNAMES[e % len(SURNAMES)]}; Test Trust\nSources: {cited}\n\n"
            f"Body of synthetic event {e}, citing its sources.\n", encoding="utf-8")
    return total


def add_source(root: Path, i: int, corpus: Corpus) -> None:
    """Add one more source (registry entry and capture), as a curator would."""
    src = corpus.source(i)
    with open(root / "content" / "sources.toml", "a", encoding="utf-8") as registry:
        registry.write(_toml(src))
    write_capture(root / "archive", src["id"], corpus.text(i))
