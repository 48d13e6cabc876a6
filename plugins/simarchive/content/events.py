"""Event files (content/events/*.md): read their metadata with line numbers, and validate."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError
from .dates import DateError, EventDate, parse_when

__all__ = ["CITATION", "Citation", "Event", "read_event"]

REQUIRED = ("title", "slug", "when", "summary", "phase", "sources")
OPTIONAL = ("actors", "disputed", "modified", "turning")
#: A turning point's label is drawn beside its mark on the axis and listed under the story, so it stays short.
TURNING_MAX = 40
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# [@source-id] or [@source-id, "a short quoted phrase"]; curly quotes are accepted too.
CITATION = re.compile(r"\[@([A-Za-z0-9][\w-]*)(?:\s*,\s*[\"“]([^\"”\]]+)[\"”])?\s*\]")


@dataclass(frozen=True)
class Citation:
    """One inline citation: the source id, an optional quoted phrase, and its line."""

    source: str
    quote: str | None
    line: int


@dataclass
class Event:
    """An event's validated metadata. Pelican renders the body; we only check it."""

    path: Path
    title: str
    slug: str
    when: EventDate
    summary: str
    phase: str
    sources: list[str]
    actors: list[str] = field(default_factory=list)
    disputed: str | None = None
    modified: str | None = None  # the day of the last revision, when the curator records it
    turning: str | None = None  # a turning point of the story: its short label
    citations: list[Citation] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""  # the Markdown after the metadata


def split_list(value: str, sep: str) -> list[str]:
    return [item.strip() for item in value.split(sep) if item.strip()]


def _read_header(text: str) -> tuple[dict[str, str], dict[str, int], int, list[tuple[str, int]]]:
    """Pelican's Markdown metadata: "Key: value" lines up to the first blank line.

    Returns the values, the line of each key, the line where the body starts, and (key, line) for
    each key given again (Pelican would keep one value, and our checks the other).
    """
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    repeated: list[tuple[str, int]] = []
    last = None
    body_start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        body_start = number
        if not raw.strip():
            break
        if last and raw[:1] in (" ", "\t"):  # a continuation line, as in Python-Markdown's meta
            meta[last] += " " + raw.strip()
            continue
        key, sep, value = raw.partition(":")
        if not sep or not re.match(r"^[A-Za-z][\w-]*$", key.strip()):
            lines.setdefault("", number)
            continue
        last = key.strip().lower()
        if last in meta:
            repeated.append((last, number))
            continue
        meta[last] = value.strip()
        lines[last] = number
    return meta, lines, body_start, repeated


def _citations(text: str, first_line: int) -> list[Citation]:
    found = []
    for number, line in enumerate(text.splitlines()[first_line - 1 :], start=first_line):
        for m in CITATION.finditer(line):
            found.append(Citation(m.group(1), m.group(2), number))
    return found


def _is_day(text: str) -> bool:
    try:
        return parse_when(text).precision == "day"
    except DateError:
        return False


def _check_fields(meta, lines, where, phases) -> list[ContentError]:
    def err(key: str, message: str) -> ContentError:
        return ContentError(where, lines.get(key, 1), key.capitalize(), message)

    problems = []
    if "" in lines:
        problems.append(ContentError(where, lines[""], None, "expected 'Key: value' metadata"))
    problems += [
        err(k, f"missing; every event needs a '{k.capitalize()}:' line before the first blank line")
        for k in REQUIRED
        if not meta.get(k)
    ]
    problems += [
        err(k, f"unknown field; known fields are {', '.join(f.capitalize() for f in REQUIRED + OPTIONAL)}")
        for k in meta
        if k not in REQUIRED + OPTIONAL
    ]
    if meta.get("slug") and not SLUG.match(meta["slug"]):
        problems.append(err("slug", f"'{meta['slug']}' must be lowercase words joined by hyphens"))
    if meta.get("phase") and meta["phase"] not in phases:
        problems.append(err("phase", f"unknown phase '{meta['phase']}'; expected one of {', '.join(phases)}"))
    if meta.get("modified") and not _is_day(meta["modified"]):
        problems.append(err("modified", f"'{meta['modified']}' must be the day of the last revision, e.g. 2024-05-01"))
    if len(meta.get("turning", "")) > TURNING_MAX:
        problems.append(err("turning", f"a turning point's label is at most {TURNING_MAX} characters, "
                                       f"not {len(meta['turning'])}; say it in a few words"))
    return problems


def read_event(path: Path, where: str, phases: tuple[str, ...]) -> tuple[Event | None, list[ContentError]]:
    """Read one event file; return the event (None if unusable) and its own problems.

    Cross-file checks (source ids, duplicate slugs) are the caller's: see validate.py.
    """
    try:
        # utf-8-sig: a byte order mark some editors put first is accepted, as Pelican accepts it
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return None, [ContentError(where, None, None, f"cannot be read as UTF-8 ({e})")]
    meta, lines, body_start, repeated = _read_header(text)
    problems = [
        ContentError(where, again, key.capitalize(),
                     f"given twice, at lines {lines[key]} and {again}; keep one '{key.capitalize()}:' line")
        for key, again in repeated
    ]
    problems += _check_fields(meta, lines, where, phases)
    when = None
    if meta.get("when"):
        try:
            when = parse_when(meta["when"])
        except DateError as e:
            problems.append(ContentError(where, lines["when"], "When", str(e)))
    if problems or when is None:
        return None, problems
    return Event(
        path=path,
        title=meta["title"],
        slug=meta["slug"],
        when=when,
        summary=meta["summary"],
        phase=meta["phase"],
        sources=split_list(meta["sources"], ","),
        actors=split_list(meta.get("actors", ""), ";"),
        disputed=meta.get("disputed") or None,
        modified=meta.get("modified") or None,
        turning=meta.get("turning") or None,
        citations=_citations(text, 1),
        lines=lines,
        body="\n".join(text.splitlines()[body_start:]),
    ), []
