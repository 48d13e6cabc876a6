"""What is made from our own reading of the site rather than from Pelican's articles: the
timeline, the catalogue, a page per source and per capture, the 404 page, the JSON exports, the
citation downloads, and the parts of each event's page that need nothing of Pelican's article.
The build makes them in its worker process (see build_worker)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..archive.downloads import publish_capture
from ..cite.book import write_downloads
from ..content.registry import KINDS
from .axis import build_axis
from .catalogue import SORTS, catalogue_pages, page_path
from .output_files import write_if_changed
from .timeline import facets, timeline_data
from .timelinejs import timelinejs_data
from .view import SiteView

#: The parts of an event's page made by the worker, and their templates: the sources with their
#: captures, the Cite box, the metadata for reference managers, the previous and next events.
EVENT_PARTS = {"sources": "_event_sources", "cite_box": "_cite", "cite_meta": "_cite_meta",
               "prevnext": "_event_prevnext"}


class ArchivePages:
    """Writes through a Pelican generator's templates, given by the glue."""

    def __init__(self, view: SiteView, generator: Any):
        self.view = view
        self.generator = generator
        self.output = Path(generator.output_path)
        self.files: list[str] = []  # what this process wrote, inside the output folder

    def write(self, name: str, template: str, **values) -> int:
        # As Pelican's writer renders a page (its context, output_file, the values), but written
        # only if changed (see output_files).
        context = {**self.generator.context, "output_file": name, **values}
        path = self.output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(path, self.generator.get_template(template).render(context).encode("utf-8"))
        self.files.append(name)
        return 1

    def written(self) -> list[str]:
        """Every file this process has written, inside the output folder (see output_files)."""
        return self.files

    def event_parts(self) -> dict[str, dict[str, str]]:
        """For each event's page, by slug: the parts that need nothing of Pelican's article (see
        EVENT_PARTS), as its template would render them (with SITEURL as set: our pages never use
        relative URLs, which citations could not have anyway)."""
        templates = {name: self.generator.get_template(template) for name, template in EVENT_PARTS.items()}
        parts = {}
        for event in self.view.site.events:
            values = {**self.generator.context, "article": SimpleNamespace(slug=event.slug, sources=event.sources)}
            parts[event.slug] = {name: template.render(values) for name, template in templates.items()}
        return parts

    def write_archive(self) -> tuple[int, int]:
        """Every page but the timeline and the events, and the citation downloads: (pages, downloads)."""
        view, config = self.view, self.view.config
        # Every citable page's folder first, each event's among them: Pelican then writes the event
        # pages into folders that exist, instead of making them while this process makes its own
        # files (a folder took up to a third of a millisecond of the kernel's time on this machine's disk).
        citations = view.citebook.all()
        for citation in citations:
            (self.output / citation.folder).mkdir(parents=True, exist_ok=True)
        kinds = [kind for kind in KINDS if any(s.kind == kind for s in view.sources.values())]
        pages = 0
        for catalogue in catalogue_pages(view.sources, view.latest):
            pages += self.write(catalogue.path, "sources", page_name="sources", catalogue=catalogue, sorts=SORTS,
                                kinds=kinds, page_path=page_path)
        for source in view.sources.values():
            pages += self.write(f"sources/{source.id}/index.html", "source", source=source, page_name="source")
            for capture in view.captures(source.id):
                folder = f"sources/{source.id}/captures/{capture.timestamp}"
                pages += self.write(f"{folder}/index.html", "capture", source=source, capture=capture,
                                    text=view.text(capture), page_name="source")
                self._record(publish_capture(capture, self.output / folder))
        pages += self.write("404.html", "error", page_name="", heading="Page not found",
                            message="There is no page at this address.")
        self._write_json("timeline.json", timeline_data(view.site, view, config.siteurl))
        self._write_json("timeline-timelinejs.json",
                         timelinejs_data(view.site, config.sitename, config.siteurl, config.phases))
        downloads = write_downloads(citations, self.output)
        self._record(downloads)
        return pages + 2, len(downloads)

    def write_timeline(self, cards: list) -> int:
        """The timeline, from the cards of Pelican's articles in our time order (see build_worker)."""
        view = self.view
        by_year: dict[int, list] = {}
        for card in cards:
            by_year.setdefault(card.when.sort_key.year, []).append(card)
        return self.write("index.html", "timeline", events=cards, events_by_year=by_year, page_name="timeline",
                          axis=build_axis(view.site.events, view.config.phases),
                          facets=facets(view.site, view.config.phases))

    def _write_json(self, name: str, data: dict) -> None:
        # Compact separators: timeline.json is fetched by the timeline page, so every byte counts.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        write_if_changed(self.output / name, text.encode("utf-8"))
        self.files.append(name)

    def _record(self, paths: list[Path]) -> None:
        self.files += [path.relative_to(self.output).as_posix() for path in paths]
