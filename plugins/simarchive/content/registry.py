"""The source registry (content/sources.toml): load, validate, look up."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from .dates import DateError, EventDate, parse_when
from .urls import url_problem

__all__ = ["KINDS", "Source", "load_sources"]

KINDS = (
    "news",
    "official",
    "campaign",
    "report",
    "foi",
    "parliament",
    "encyclopedia",
    "promotional",
)
REQUIRED = ("url", "title", "publisher", "kind")
OPTIONAL = ("published", "author", "language", "note")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Source:
    """One source in the registry, keyed by a stable id."""

    id: str
    url: str
    title: str
    publisher: str
    kind: str
    published: EventDate | None = None
    author: str | None = None
    language: str = "en"
    note: str | None = None
    line: int | None = None


_HEADER = re.compile(r"^\[\s*\"?([^\]\"]+?)\"?\s*\]$")
_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*=")
# What can hide a line break or a bracket from a line-by-line reading: strings (multi-line ones
# first, so that """ is not read as "" then "), comments, brackets, and the line breaks themselves.
_TOKEN = re.compile(
    r'"""(?:\\.|[^\\])*?"""' r"|'''[\s\S]*?'''" r'|"(?:\\.|[^"\\\n])*"' r"|'[^'\n]*'|#[^\n]*|[\[\]{}]|\n"
)


def _table_lines(text: str) -> dict[str, int]:
    """Map each [table] id to the line of its header, and "id.key" to the key's line.

    Lines inside a multi-line string or a bracket left open (an array over several lines) are
    neither headers nor keys, so they are skipped. Lines are counted as TOML counts them, at each
    LF only: str.splitlines() would also break at characters a string may hold (U+2028, a form feed).
    """
    lines: dict[str, int] = {}
    current: str | None = None

    def read(start: int, number: int) -> None:
        nonlocal current
        end = text.find("\n", start)
        line = text[start : end if end >= 0 else len(text)].strip()
        if m := _HEADER.match(line):
            current = m.group(1)
            lines.setdefault(current, number)
        elif current and (m := _KEY.match(line)):
            lines.setdefault(f"{current}.{m.group(1)}", number)

    read(0, 1)
    number, depth = 1, 0
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token == "\n":
            number += 1
            if depth == 0:
                read(m.end(), number)
        elif token in ("[", "{"):
            depth += 1
        elif token in ("]", "}"):
            depth = max(0, depth - 1)
        else:  # a string or a comment: the lines a multi-line string spans are not read
            number += token.count("\n")
    return lines


def _toml_problem(error: tomllib.TOMLDecodeError, where: str, text: str) -> ContentError:
    m = re.search(r"\(at line (\d+)", str(error))
    line = int(m.group(1)) if m else None
    if dup := re.match(r"Cannot declare \('([^']+)',\) twice", str(error)):
        first = _table_lines(text).get(dup.group(1))
        return ContentError(where, line, dup.group(1), f"duplicate id; it is already declared at line {first}")
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
    return ContentError(where, line, None, f"invalid TOML: {message}")


def _check_entry(sid: str, entry: object, where: str, lines: dict[str, int]) -> list[ContentError]:
    def err(key: str | None, message: str) -> ContentError:
        line = lines.get(f"{sid}.{key}") if key else None
        return ContentError(where, line or lines.get(sid), key or sid, message)

    if not isinstance(entry, dict):
        return [err(None, "expected a table of url, title, publisher, kind")]
    problems = [
        err(k, f"missing in [{sid}]; every source needs {', '.join(REQUIRED)}")
        for k in REQUIRED
        if k not in entry
    ]
    problems += [
        err(k, f"unknown field; known fields are {', '.join(REQUIRED + OPTIONAL)}")
        for k in entry
        if k not in REQUIRED + OPTIONAL
    ]
    problems += [
        err(k, "expected a non-empty string")
        for k, v in entry.items()
        if k in REQUIRED + OPTIONAL and (not isinstance(v, str) or not v.strip())
    ]
    if problems:
        return problems
    if not ID.match(sid):
        problems.append(err(None, "ids use lowercase letters, digits and hyphens only"))
    if problem := url_problem(entry["url"]):
        problems.append(err("url", f"'{entry['url']}' {problem}"))
    if entry["kind"] not in KINDS:
        problems.append(err("kind", f"unknown kind '{entry['kind']}'; expected one of {', '.join(KINDS)}"))
    if "published" in entry:
        try:
            parse_when(entry["published"])
        except DateError as e:
            problems.append(err("published", str(e)))
    return problems


def load_sources(path: Path, display: str | None = None) -> tuple[dict[str, Source], list[ContentError]]:
    """Read the registry; return the valid sources and every problem found, with its line."""
    where = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, [ContentError(where, None, None, "no such file; the source registry is required")]
    except (OSError, UnicodeDecodeError) as e:
        return {}, [ContentError(where, None, None, f"cannot be read ({e})")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return {}, [_toml_problem(e, where, text)]
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        return {}, [ContentError(where, None, None, "invalid TOML: arrays or tables nested too deeply to read")]
    lines = _table_lines(text)
    sources: dict[str, Source] = {}
    problems: list[ContentError] = []
    for sid, entry in data.items():
        entry_problems = _check_entry(sid, entry, where, lines)
        if entry_problems:
            problems += entry_problems
            continue
        published = entry.get("published")
        sources[sid] = Source(
            id=sid,
            url=entry["url"],
            title=entry["title"],
            publisher=entry["publisher"],
            kind=entry["kind"],
            published=parse_when(published) if published else None,
            author=entry.get("author"),
            language=entry.get("language", "en"),
            note=entry.get("note"),
            line=lines.get(sid),
        )
    return sources, problems
