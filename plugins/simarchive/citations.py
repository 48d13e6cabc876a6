"""Inline citations ([@id] and [@id, "phrase"]) turned into numbered references."""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

from .events import CITATION

__all__ = ["Reference", "References"]


@dataclass(frozen=True)
class Reference:
    """One numbered reference: a source, and the phrase quoted from it if any."""

    number: int
    source: str
    quote: str | None

    def fragment(self) -> str:
        """A text fragment (#:~:text=) that takes a browser to the quoted passage."""
        return f"#:~:text={quote(self.quote, safe='')}" if self.quote else ""


class References:
    """Numbers citations in order of first appearance, one number per (source, phrase)."""

    def __init__(self, siteurl: str = ""):
        self.siteurl = siteurl
        self.items: list[Reference] = []

    def _number(self, source: str, phrase: str | None) -> Reference:
        for ref in self.items:
            if (ref.source, ref.quote) == (source, phrase):
                return ref
        ref = Reference(len(self.items) + 1, source, phrase)
        self.items.append(ref)
        return ref

    def _marker(self, source: str, phrase: str | None) -> str:
        ref = self._number(source, phrase)
        quoted = f"“{html.escape(phrase)}”" if phrase else ""
        return (
            f'{quoted}<sup class="ref"><a href="#ref-{ref.number}" '
            f'aria-label="Reference {ref.number}">[{ref.number}]</a></sup>'
        )

    def render_html(self, text: str) -> str:
        """Replace the citations in already-rendered HTML with numbered markers."""
        return CITATION.sub(lambda m: self._marker(m.group(1), m.group(2) and html.unescape(m.group(2))), text)

    def render_text(self, text: str) -> str:
        """Escape plain text (a metadata field), then number its citations."""
        return self.render_html(html.escape(text, quote=False))
