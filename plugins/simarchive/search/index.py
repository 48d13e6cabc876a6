"""The Whoosh schema and the incremental, generation-switched build of the search index.

How an incremental build fits the atomic switch: copy-on-write of the generation. A build
hard-links every file of the live generation into a new folder (cheap: no bytes are copied),
opens a writer there, re-indexes only the documents whose content hash changed, adds the new
ones, deletes the gone ones, commits, and then points the `current` symlink at the new folder
with one atomic rename. This works because Whoosh never rewrites a file in place: segment files
are immutable once written, and deletions and the segment list live in a new TOC file written
per commit. So the live generation is never touched while a build runs; a crashed build leaves
the live index exactly as it was; and the server sees either the old index or the new one,
never a half-written one. Writing incrementally into the live folder would also survive
Whoosh's atomic TOC commits, but it would let a reader open a generation mid-merge, and it
would make `--rebuild` and an incremental build behave differently. The previous generation
is kept until the next build, so a server still holding it can finish its requests.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index
from whoosh.analysis import STOP_WORDS, CharsetFilter, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

from ..errors import SearchError
from .documents import Doc

logger = logging.getLogger(__name__)

__all__ = ["ANALYZER", "CURRENT", "SCHEMA", "STOPS", "IndexReport", "current_generation", "update_index"]

CURRENT = "current"
SCHEMA_VERSION = "13"  # bump when SCHEMA changes: a build then starts a fresh generation
# The words the analyzer drops: never indexed, so never suggested ("did you mean") either.
STOPS = STOP_WORDS
# Whoosh's English stemming analyzer (stop words, stems), then accent folding: "Café" finds "cafe".
ANALYZER = StemmingAnalyzer(stoplist=STOPS) | CharsetFilter(accent_map)
# Segments as separate files: Whoosh reads each part of a compound segment into memory (a
# BytesIO copy of its memory map) every time a reader opens it, and the server opens one per search.
COMPOUND = False

_WORDS = KEYWORD(lowercase=True, commas=True, scorable=False)
SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    hash=STORED(),
    type=ID(stored=True, sortable=True),  # event | source | capture (an older capture)
    kinds=KEYWORD(lowercase=True),  # what kind: filters: "event", or "source news"
    # 0 for the record (events, archived text), 1 for a source known only by its registry entry.
    tier=NUMERIC(sortable=True),
    title=TEXT(stored=True, analyzer=ANALYZER, field_boost=3.0),
    body=TEXT(analyzer=ANALYZER),  # not stored: passages are read from text.txt
    # A web page's full visible text (fulltext.txt), searched at a lower weight than its main text.
    fulltext=TEXT(analyzer=ANALYZER),
    actors=TEXT(stored=True, analyzer=ANALYZER, field_boost=1.5),
    publisher=TEXT(stored=True, analyzer=ANALYZER, field_boost=1.5),
    publisher_facet=ID(sortable=True),
    source_kind=ID(stored=True, sortable=True),
    phase=KEYWORD(stored=True, lowercase=True, commas=True, scorable=False),
    source=_WORDS,  # source ids: its own, or those an event cites
    event=_WORDS,  # event slugs: its own, or those of the events that cite a source
    # Searched by default in place of actors, publisher and the citing events' titles: one
    # field instead of three keeps Whoosh's union of per-field matchers shallow.
    meta=TEXT(analyzer=ANALYZER),
    spell=KEYWORD(lowercase=True, scorable=False),  # unstemmed words for "did you mean"
    sounds=KEYWORD(lowercase=True, scorable=False),  # "<double metaphone>:<word>" of those words
    year=NUMERIC(stored=True, sortable=True),
    day=NUMERIC(stored=True, sortable=True),  # earliest possible day, as YYYYMMDD
    date=STORED(),  # as people write it
    captured=STORED(),  # the capture's ISO time
    url=STORED(),
    text_path=STORED(),  # relative to the archive, for highlighting
    fulltext_path=STORED(),  # the same for fulltext.txt: passages a word found only there
    text_url=STORED(),  # the page showing that text, where passage links point
    plain=STORED(),  # its own plain text (an event's, a source's note), for highlighting
)


@dataclass
class IndexReport:
    """What a build did, counted per document."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    generation: str = ""
    seconds: float = 0.0
    bytes_read: int = 0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.deleted


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when no index was built yet."""
    link = index_dir / CURRENT
    if not link.is_symlink():
        return None
    target = index_dir / os.readlink(link)
    return target if target.is_dir() else None


@contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder (two builds would race on the switch)."""
    with open(index_dir / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SearchError(f"{index_dir}: another build is running; wait for it to finish") from None
        yield


def _new_generation(index_dir: Path, live: Path | None, rebuild: bool) -> index.Index:
    generation = index_dir / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    generation.mkdir()
    reuse = live is not None and not rebuild and (live / "schema-version").is_file() and (
        (live / "schema-version").read_text().strip() == SCHEMA_VERSION
    )
    if reuse:
        for item in live.iterdir():
            if item.is_file() and not item.name.endswith("LOCK"):
                os.link(item, generation / item.name)  # copy-on-write: Whoosh never edits a file
        return index.open_dir(str(generation))
    (generation / "schema-version").write_text(SCHEMA_VERSION + "\n")
    return index.create_in(str(generation), SCHEMA)


def _switch(index_dir: Path, generation: Path, live: Path | None) -> None:
    link = index_dir / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    link.symlink_to(generation.name)
    os.replace(link, index_dir / CURRENT)  # atomic: readers see the old or the new, never neither
    _remove_stale(index_dir, keep={generation.name, live.name if live else ""})


def _remove_stale(index_dir: Path, keep: set[str]) -> None:
    for stale in index_dir.glob("gen-*"):
        if stale.name not in keep:
            shutil.rmtree(stale, ignore_errors=True)


def _read(archive: Path, relative: str | None) -> bytes:
    if relative is None:
        return b""
    try:
        return (archive / relative).read_bytes()
    except OSError as e:
        logger.warning("simarchive: %s: cannot read (%s); indexed without it", archive / relative, e)
        return b""


def _fields(doc: Doc, archive: Path) -> tuple[dict, int]:
    main, full = _read(archive, doc.text_path), _read(archive, doc.fulltext_path)
    body = " ".join(filter(None, [doc.plain, main.decode("utf-8", errors="replace")]))
    return doc.index_fields(body, full.decode("utf-8", errors="replace")), len(main) + len(full)


def _apply(writer, docs: Iterable[Doc], known: dict[str, str], archive: Path, report: IndexReport) -> None:
    """Add the new documents, replace the changed ones, delete the gone ones; count each."""
    seen = set()
    for doc in docs:
        seen.add(doc.id)
        if known.get(doc.id) == doc.fingerprint:
            report.unchanged += 1
            continue
        fields, size = _fields(doc, archive)
        report.bytes_read += size
        if doc.id in known:
            writer.update_document(**fields)
            report.updated += 1
        else:
            writer.add_document(**fields)
            report.added += 1
    for gone in known.keys() - seen:
        writer.delete_by_term("id", gone)
        report.deleted += 1


def update_index(index_dir: Path, docs: Iterable[Doc], archive: Path, *, rebuild: bool = False) -> IndexReport:
    """Re-index what is new or changed, drop what is gone, and switch to the result atomically.

    >>> update_index(Path("var/search-index"), docs, Path("archive")).changed
    """
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    report = IndexReport()
    with _build_lock(index_dir):
        live = current_generation(index_dir)
        _remove_stale(index_dir, keep={live.name if live else ""})  # left by a crashed build
        ix = _new_generation(index_dir, live, rebuild)
        generation = Path(ix.storage.folder)
        with ix.reader() as reader:
            known = {fields["id"]: fields.get("hash") for fields in reader.all_stored_fields()}
        writer = ix.writer(limitmb=256, compound=COMPOUND)
        try:
            _apply(writer, docs, known, archive, report)
        except BaseException:
            writer.cancel()
            shutil.rmtree(generation, ignore_errors=True)
            raise
        if report.changed == 0 and live is not None:
            writer.cancel()  # nothing to do: keep serving the live generation as it is
            shutil.rmtree(generation, ignore_errors=True)
            report.generation = live.name
        else:
            writer.commit()
            _switch(index_dir, generation, live)
            report.generation = generation.name
    report.seconds = time.perf_counter() - started
    return report
