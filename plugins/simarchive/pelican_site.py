"""The Pelican glue, and the only module that imports Pelican: signals and page generators."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from .archive_index import capture_day, list_captures
from .citations import References
from .config import Config
from .dates import parse_when
from .errors import ConfigError
from .events import split_list
from .search import build_index
from .search_docs import site_documents
from .timeline import timeline_data
from .validate import Site, load_site

logger = logging.getLogger(__name__)


def _config(settings: dict) -> Config:
    # pelicanconf.py makes every path absolute, so the base folder only matters for bare names.
    return Config.from_settings(settings, Path(settings["PATH"]).parent)


def check_content(pelican) -> None:
    """Validate everything before anything is written; report each problem once, then stop."""
    try:
        config = _config(pelican.settings)
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
    refs = References(instance.settings.get("SITEURL", ""))
    instance._content = refs.render_html(instance._content)
    disputed = instance.metadata.get("disputed")
    instance.disputed_html = refs.render_text(disputed) if disputed else ""
    instance.references = refs.items


def add_globals(generator) -> None:
    """Give every template the registry and the archive status, through one object: `sim`."""
    generator.env.globals["sim"] = SiteView(_config(generator.settings))
    generator.env.filters["capture_day"] = capture_day


class SiteView:
    """What templates may ask of the content and the archive."""

    def __init__(self, config: Config):
        self.config = config
        self.site: Site = load_site(config)
        self.sources = self.site.sources
        self._captures = {sid: list_captures(config.archive, sid) for sid in self.sources}

    def captures(self, source_id: str):
        return self._captures.get(source_id, [])

    def latest(self, source_id: str):
        captures = self.captures(source_id)
        return captures[-1] if captures else None

    def captured_ids(self) -> list[str]:
        return [sid for sid, captures in self._captures.items() if captures]

    def quote_status(self, slug: str, source_id: str, quote: str):
        """The QuoteResult of one quoted citation: .found, and .capture where it was found."""
        return self.site.quotes.status(slug, source_id, quote)

    def events_citing(self, source_id: str):
        return self.site.events_citing(source_id)


class SimGenerator(Generator):
    """Writes the timeline, the archive's catalogue, a page per source and timeline.json."""

    def generate_output(self, writer) -> None:
        config = _config(self.settings)
        view = SiteView(config)
        articles = {a.slug: a for a in self.context.get("articles", [])}
        events = [articles[e.slug] for e in view.site.events if e.slug in articles]
        write = writer.write_file
        write("index.html", self.get_template("timeline"), self.context, events=events, page_name="timeline")
        write("sources/index.html", self.get_template("sources"), self.context, page_name="sources")
        for source in view.sources.values():
            write(f"sources/{source.id}/index.html", self.get_template("source"), self.context,
                  source=source, page_name="source")
        write("404.html", self.get_template("error"), self.context, page_name="",
              heading="Page not found", message="There is no page at this address.")
        data = timeline_data(view.site, view, config.siteurl)
        (Path(self.output_path) / "timeline.json").write_text(
            json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def get_generators(pelican):
    return SimGenerator


def index_site(pelican) -> None:
    """Build the search index after the site, outside output/."""
    config = _config(pelican.settings)
    count = build_index(config.index, site_documents(load_site(config), config))
    logger.info("simarchive: indexed %d documents into %s", count, config.index)


def register() -> None:
    signals.initialized.connect(check_content)
    signals.article_generator_context.connect(event_metadata)
    signals.content_object_init.connect(number_citations)
    signals.generator_init.connect(add_globals)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_site)
