"""Inline citations ([@id] and [@id, "phrase"]) turned into numbered references."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from .events import CITATION

__all__ = ["Reference", "References"]

# The white space before a citation goes too, so the marker sits against the word it supports.
_IN_TEXT = re.compile(r"\s*" + CITATION.pattern)


@dataclass
class Reference:
    """One numbered reference: a source, the phrases quoted from it, and the ids of the markers
    that cite it (for links back from the list of sources), in order."""

    number: int
    source: str
    quotes: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)

    @staticmethod
    def fragment(phrase: str) -> str:
        """A text fragment (#:~:text=) that takes a browser to the quoted passage."""
        return f"#:~:text={quote(phrase, safe='')}"


class References:
    """Numbers sources in order of first citation; a source keeps its number throughout."""

    def __init__(self) -> None:
        self.items: list[Reference] = []

    def _reference(self, source: str) -> Reference:
        for ref in self.items:
            if ref.source == source:
                return ref
        ref = Reference(len(self.items) + 1, source)
        self.items.append(ref)
        return ref

    def _marker(self, source: str, phrase: str | None) -> str:
        ref = self._reference(source)
        if phrase and phrase not in ref.quotes:
            ref.quotes.append(phrase)
        ref.markers.append(f"cite-{ref.number}-{len(ref.markers) + 1}")
        return (
            f'<sup class="ref" id="{ref.markers[-1]}"><a href="#ref-{ref.number}" '
            f'aria-label="Reference {ref.number}">[{ref.number}]</a></sup>'
        )

    def render_html(self, text: str) -> str:
        """Replace the citations in already-rendered HTML with numbered markers."""
        return _IN_TEXT.sub(lambda m: self._marker(m.group(1), m.group(2) and html.unescape(m.group(2))), text)

    def render_text(self, text: str) -> str:
        """Escape plain text (a metadata field), then number its citations."""
        return self.render_html(html.escape(text, quote=False))
