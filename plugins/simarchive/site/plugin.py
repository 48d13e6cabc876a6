"""The Pelican glue, and the only module that imports Pelican: signals and our generator."""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import tempfile
import time
from pathlib import Path

from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from ..cite.styles import Renderings
from ..config import Config
from ..content.dates import parse_when
from ..content.events import split_list
from ..content.references import References
from ..content.site import Site, load_site
from ..errors import ConfigError
from .assets import Assets
from .pages import SitePages
from .view import SiteView, install

logger = logging.getLogger(__name__)
#: The build's SiteView, in the context Pelican shares between the generators of one run.
VIEW = "SIMARCHIVE_VIEW"
RENDERINGS = "simarchive-citations.json"
#: The build's fingerprinted theme assets, likewise.
ASSETS = "SIMARCHIVE_ASSETS"


def _config(settings: dict) -> Config:
    # pelicanconf.py makes every path absolute, so the base folder only matters for bare names.
    return Config.from_settings(settings, Path(settings["PATH"]).parent)


def _inside(folder: Path, path: Path) -> bool:
    folder, path = Path(os.path.realpath(folder)), Path(os.path.realpath(path))
    return path == folder or folder in path.parents


def check_output(settings: dict, config: Config) -> None:
    """Refuse to build into a folder that Pelican would empty while it holds the evidence (or
    the content, the index or the theme): DELETE_OUTPUT_DIRECTORY deletes everything in it."""
    if not settings["DELETE_OUTPUT_DIRECTORY"]:
        return
    held = [f"{name} {path}" for name, path in (("PATH", config.content), ("SIMARCHIVE_ARCHIVE", config.archive),
                                                 ("SIMARCHIVE_INDEX", config.index), ("THEME", config.theme))
            if _inside(config.output, path)]
    if held:
        raise ConfigError(f"OUTPUT_PATH {config.output} holds {', '.join(held)}, and DELETE_OUTPUT_DIRECTORY "
                          "empties it before each build; set OUTPUT_PATH to a folder of its own")


def checked_site(settings: dict) -> tuple[Config, Site]:
    """Read and validate everything before anything is written; report each problem once, then
    stop the build."""
    try:
        config = _config(settings)
        check_output(settings, config)
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
    # generators of one run (not in module state, so each autoreload run reads the site afresh).
    # It is made when the first generator is, before Pelican empties the output folder, so
    # content with a problem stops the build with the previous output still in place.
    view = generator.context.get(VIEW)
    if view is None:
        saved = _renderings_file(generator.settings)
        renderings = Renderings(saved.read_text(encoding="utf-8") if saved.is_file() else None)
        view = generator.context[VIEW] = SiteView(*checked_site(generator.settings), renderings)
        if not view.config.siteurl:
            logger.warning("simarchive: SITEURL is not set, so citations, the feed and the canonical links carry "
                           "relative links (/events/...), which do not work once pasted; this build is a local "
                           "preview. Set SITEURL for a public build (publishconf.py reads it from the environment; "
                           "make serve sets it to the address it serves on)")
    return view


def _renderings_file(settings: dict) -> Path:
    """Where the citations rendered by the last build are kept: in Pelican's cache folder."""
    return Path(settings["CACHE_PATH"]) / RENDERINGS


def _save_renderings(settings: dict, renderings: Renderings) -> None:
    # Only a cache: written whole or not at all, never read as evidence.
    path = _renderings_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{RENDERINGS}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(renderings.to_json())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _assets(generator) -> Assets:
    # Read once per build, so every page and the files written name the same content.
    assets = generator.context.get(ASSETS)
    if assets is None:
        settings = generator.settings
        static = [Path(generator.theme) / folder for folder in settings["THEME_STATIC_PATHS"]]
        prefix = "/" + settings["THEME_STATIC_DIR"].strip("/")
        assets = generator.context[ASSETS] = Assets.from_folder(static[0], prefix) if static else Assets({}, {}, prefix)
    return assets


def add_globals(generator) -> None:
    """Give every template the registry, the archive status and the citations: `sim` and
    `citebook`; and `asset(name)`, a theme file's fingerprinted URL."""
    install(generator.env, _view(generator))
    _assets(generator).install(generator.env)


class ArchiveGenerator(Generator):
    """Writes what comes from our reading of the site: the timeline, the archive's pages, the
    JSON exports, the citation files and the copies of the captures (see pages.py)."""

    def generate_context(self) -> None:
        # Pelican's articles are read by now (its generators run first). The timeline lists them
        # in the site's time order, the order of timeline.json and of the previous/next links.
        articles = {a.slug: a for a in self.context.get("articles", [])}
        self.events = [articles[e.slug] for e in _view(self).site.events if e.slug in articles]

    def generate_output(self, writer) -> None:
        pages = SitePages(_view(self), self.context, self.get_template, writer.write_file, Path(self.output_path))
        pages.write_all(self.events)
        # Every page that cites is written by now (Pelican's generators run before this one).
        _save_renderings(self.settings, _view(self).renderings)
        _assets(self).write(Path(self.output_path) / self.settings["THEME_STATIC_DIR"])
        logger.info("simarchive: wrote %d pages, timeline.json, timeline-timelinejs.json, %d citation files and "
                    "%d capture files", pages.pages, pages.citation_files, pages.capture_files)


def date_feed_entries(context, feed) -> None:
    """Date each entry of the events' Atom feed by its event's last revision, never by a day the
    event's own date does not give (Pelican's article date is the earliest day it may fall on),
    and say in the entry which date is the event's. Atom requires `updated`; the entry's id is
    its permalink, which does not change when the event is revised."""
    view = context.get(VIEW)
    if view is None:
        return
    book = view.citebook
    for entry in feed.items:
        slug = entry["link"].rstrip("/").rsplit("/", 1)[-1]
        if slug not in book.events:
            continue
        entry["unique_id"] = entry["link"]
        day, when = book.revised[slug], book.events[slug].when.display
        if day:
            entry["pubdate"] = None
            entry["updateddate"] = dt.datetime.combine(day, dt.time(), dt.UTC)
            note = f"Event date: {when}. This entry was last revised on {day.day} {day:%B %Y}."
        else:
            note = (f"Event date: {when}. This copy of the record has no revision history, so this entry is "
                    "dated by the first day the event may fall on.")
        entry["description"] = f"<p>{html.escape(note)}</p>{entry['description'] or ''}"
    feed.items.sort(key=lambda e: e["updateddate"] or e["pubdate"], reverse=True)


def get_generators(pelican):
    return ArchiveGenerator


def index_site(pelican) -> None:
    """Build the search index after the site, outside output/."""
    started = time.perf_counter()  # the time logged includes loading the search modules
    from ..search.searcher import index_site as update_search_index  # Whoosh and numpy: only for the index

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
    signals.feed_generated.connect(date_feed_entries)
    signals.finalized.connect(index_site)
