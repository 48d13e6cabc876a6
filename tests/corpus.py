"""The shared corpus of real web pages (../shared/corpus/real-pages/), for tests and benchmarks.

Found at $SIM_CORPUS, else beside the repository (../shared/corpus), else /work/shared/corpus;
read where it is, never copied into the project.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

from support import REPO

__all__ = ["RealPage", "corpus_dir", "real_pages"]


def corpus_dir() -> Path | None:
    """The corpus folder (the one holding real-pages/), or None if it is nowhere to be found."""
    if os.environ.get("SIM_CORPUS"):  # named, so nothing else is looked for
        candidates = [Path(os.environ["SIM_CORPUS"])]
    else:
        candidates = [REPO.parent / "shared" / "corpus", Path("/work/shared/corpus")]
    return next((c for c in candidates if (c / "real-pages").is_dir()), None)


@dataclass(frozen=True)
class RealPage:
    """One page of the corpus: the page as its publisher served it, and Readability.js's article."""

    name: str
    folder: Path

    @property
    def source(self) -> bytes:
        return gzip.decompress((self.folder / "source.html.gz").read_bytes())

    @property
    def expected(self) -> str:
        return gzip.decompress((self.folder / "expected.html.gz").read_bytes()).decode("utf-8")

    @property
    def metadata(self) -> dict:
        return json.loads((self.folder / "expected-metadata.json").read_text(encoding="utf-8"))


def real_pages(corpus: Path) -> list[RealPage]:
    """Every page of the corpus, by name."""
    root = corpus / "real-pages"
    return [RealPage(p.name, p) for p in sorted(root.iterdir()) if (p / "source.html.gz").is_file()]
