"""The Pelican glue, and the only module that imports Pelican: signals and page generators."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from .archive_index import capture_day, list_captures
from .axis import build_axis
from .catalogue import SORTS, catalogue_pages, page_path
from .citations import References
from .cite import CiteBook, write_downloads
from .config import Config
from .dates import parse_when
from .errors import ConfigError
from .events import split_list
from .publish import capture_files, publish_capture
from .registry import KINDS
from .timeline import archive_status, facets, timeline_data
from .timelinejs import timelinejs_data
from .validate import Site, load_site

logger = logging.getLogger(__name__)
_BACKGROUND = ThreadPoolExecutor(1, thread_name_prefix="simarchive")


def _config(settings: dict) -> Config:
    # pelicanconf.py makes every path absolute, so the base folder only matters for bare names.
    return Config.from_settings(settings, Path(settings["PATH"]).parent)


def checked_site(settings: dict) -> tuple[Config, Site]:
    """Read and validate everything before anything is written; report each problem once, then
    stop the build."""
    try:
        config = _config(settings)
    except ConfigError as e:
        logger.error("simarchive: %s", e)
        raise SystemExit(1) from None
    site = load_site(config)
    for note in site.notes:
        logger.info("simarchive: %s", note)
    for problem in site.errors:
        logger.error("simarchive: %s", problem)
    if site.errors:
        logger.error("simarchive: %d problem(s) in the content; nothing was built", len(site.errors))
        raise SystemExit(1)
    return config, site


def event_metadata(generator, metadata: dict) -> None:
    """Own the event's date: Pelican's parser would invent a month and day for "2012"."""
    if "when" not in metadata:
        return
    when = parse_when(str(metadata["when"]))
    metadata["when"] = when
    metadata["date"] = dt.datetime.combine(when.sort_key, dt.time())
    metadata["sources"] = split_list(str(metadata.get("sources", "")), ",")
    metadata["actors"] = split_list(str(metadata.get("actors", "")), ";")


def number_citations(instance) -> None:
    """Turn [@id] and [@id, "phrase"] into numbered references, in the body and Disputed."""
    if not isinstance(instance, Article):
        return
    refs = References()
    # Disputed is shown above the body, so its citations are numbered first.
    disputed = instance.metadata.get("disputed")
    instance.disputed_html = refs.render_text(disputed) if disputed else ""
    instance._content = refs.render_html(instance._content)
    instance.references = refs.items


def _view(generator) -> SiteView:
    # One SiteView per build, kept in the context dict that Pelican shares between the
    # generators of one run (not in module state): reading the content and the archive once
    # instead of once per generator saves a fifth of the build on 1,000 events. It is made
    # when the first generator is, before any content is read or output written, so the
    # content is also validated there, once per run (autoreload included).
    view = generator.context.get("SIMARCHIVE_VIEW")
    if view is None:
        view = generator.context["SIMARCHIVE_VIEW"] = SiteView(*checked_site(generator.settings))
    return view


def _citebook(generator) -> CiteBook:
    book = generator.context.get("SIMARCHIVE_CITEBOOK")
    if book is None:  # once per build too, like the view
        view = _view(generator)
        book = generator.context["SIMARCHIVE_CITEBOOK"] = CiteBook(view.config, view.site, view.captures)
    return book


def add_globals(generator) -> None:
    """Give every template the registry and the archive status, through one object: `sim`."""
    generator.env.globals["sim"] = _view(generator)
    generator.env.globals["citebook"] = _citebook(generator)
    generator.env.filters["capture_day"] = capture_day


class SiteView:
    """What templates may ask of the content and the archive."""

    def __init__(self, config: Config, site: Site):
        self.config = config
        self.site = site
        self.sources = self.site.sources
        self._captures = {sid: list_captures(config.archive, sid) for sid in self.sources}
        self._positions: dict[str, int] | None = None

    def captures(self, source_id: str):
        return self._captures.get(source_id, [])

    def latest(self, source_id: str):
        captures = self.captures(source_id)
        return captures[-1] if captures else None

    def text(self, capture) -> str:
        """The extracted text of a capture, as stored (templates escape it)."""
        try:
            return capture.text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            logger.warning("simarchive: %s: cannot read (%s); run sim-archive verify", capture.text_path, e)
            return ""

    def files(self, capture) -> dict[str, str]:
        return capture_files(capture)

    def captured_ids(self) -> list[str]:
        return [sid for sid, captures in self._captures.items() if captures]

    def quote_status(self, slug: str, source_id: str, quote: str):
        """The QuoteResult of one quoted citation: .found, and .capture where it was found."""
        return self.site.quotes.status(slug, source_id, quote)

    def events_citing(self, source_id: str):
        return self.site.events_citing(source_id)

    def status(self, source_id: str) -> str:
        """archived, wayback or not-captured: what a source's badge says."""
        return archive_status(self.latest(source_id))

    def neighbours(self, slug: str):
        """The events before and after this one in time order (None at either end)."""
        if self._positions is None:
            self._positions = {e.slug: i for i, e in enumerate(self.site.events)}
        i = self._positions.get(slug)
        if i is None:
            return None, None
        events = self.site.events
        return (events[i - 1] if i > 0 else None), (events[i + 1] if i + 1 < len(events) else None)


class SimGenerator(Generator):
    """Writes the timeline, the archive's catalogue, a page per source and timeline.json."""

    _downloads: Future | None = None

    def refresh_metadata_intersite_links(self) -> None:
        # Pelican calls this on each generator once every page's content is final and before any
        # page is written. The citation downloads (three small files per page: 3,180 for 1,000
        # events) start here, in threads: creating a file is mostly the kernel's work, which
        # runs beside Pelican writing the event pages instead of after it.
        self._downloads = _BACKGROUND.submit(write_downloads, _citebook(self), Path(self.output_path))

    def generate_output(self, writer) -> None:
        self.write_pages(writer)
        downloads = self._downloads or _BACKGROUND.submit(write_downloads, _citebook(self), Path(self.output_path))
        logger.info("simarchive: wrote %d citation downloads", downloads.result())

    def write_pages(self, writer) -> None:
        view = _view(self)
        config = view.config
        articles = {a.slug: a for a in self.context.get("articles", [])}
        events = [articles[e.slug] for e in view.site.events if e.slug in articles]
        write = writer.write_file
        write("index.html", self.get_template("timeline"), self.context, events=events, page_name="timeline",
              axis=build_axis(view.site.events, config.phases), facets=facets(view.site, config.phases))
        for catalogue in catalogue_pages(view.sources, view.latest):
            write(catalogue.path, self.get_template("sources"), self.context, page_name="sources",
                  catalogue=catalogue, sorts=SORTS, kinds=catalogue_kinds(view.sources), page_path=page_path)
        for source in view.sources.values():
            write(f"sources/{source.id}/index.html", self.get_template("source"), self.context,
                  source=source, page_name="source")
        for source in view.sources.values():
            for capture in view.captures(source.id):
                folder = f"sources/{source.id}/captures/{capture.timestamp}"
                write(f"{folder}/index.html", self.get_template("capture"), self.context, source=source,
                      capture=capture, text=view.text(capture), page_name="source")
                publish_capture(capture, Path(self.output_path) / folder)
        write("404.html", self.get_template("error"), self.context, page_name="",
              heading="Page not found", message="There is no page at this address.")
        _write_json(Path(self.output_path) / "timeline.json", timeline_data(view.site, view, config.siteurl))
        _write_json(Path(self.output_path) / "timeline-timelinejs.json",
                    timelinejs_data(view.site, config.sitename, config.siteurl, config.phases))


def _write_json(path: Path, data: dict) -> None:
    # Compact separators: timeline.json is fetched by the timeline page, so every byte counts.
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def catalogue_kinds(sources) -> list[str]:
    return [kind for kind in KINDS if any(s.kind == kind for s in sources.values())]


def get_generators(pelican):
    return SimGenerator


def index_site(pelican) -> None:
    """Build the search index after the site, outside output/."""
    from .search import index_site as update_search_index  # Whoosh and numpy: only for the index

    started = time.perf_counter()
    config = _config(pelican.settings)
    report = update_search_index(config)
    logger.info("simarchive: search index %s: %d added, %d updated, %d deleted, %d unchanged, in %.2f s",
                config.index, report.added, report.updated, report.deleted, report.unchanged,
                time.perf_counter() - started)


def register() -> None:
    signals.article_generator_context.connect(event_metadata)
    signals.content_object_init.connect(number_citations)
    signals.generator_init.connect(add_globals)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_site)
