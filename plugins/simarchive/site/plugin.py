"""The Pelican glue, and the only module that imports Pelican: signals, a generator, and the
worker's pages."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from ..config import Config
from ..content.dates import parse_when
from ..content.events import split_list
from ..content.references import References
from ..content.site import Site, load_site
from ..errors import ConfigError
from .output_files import OutputFiles, theme_static_files
from .view import SiteView, install
from .worker import ArchiveWorker

if TYPE_CHECKING:
    from .pages import ArchivePages

logger = logging.getLogger(__name__)
#: Where a build that writes over the previous one keeps what it wrote (see output_files).
OUTPUT_FILES = "SIMARCHIVE_OUTPUT_FILES"


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


def add_globals(generator) -> None:
    """Give every template the registry and the archive status, through one object: `sim`; and
    start the build's worker, now that the content is known to be sound."""
    install(generator.env, _view(generator))
    _worker(generator)
    settings = generator.settings
    if OUTPUT_FILES not in generator.context and not settings["DELETE_OUTPUT_DIRECTORY"]:
        generator.context[OUTPUT_FILES] = OutputFiles(generator.output_path, settings["OUTPUT_RETENTION"])


def record_written(path: str, context: dict | None = None, **_) -> None:
    """Pelican wrote a page or a feed (its writer is given the generators' shared context)."""
    files = (context or {}).get(OUTPUT_FILES)
    if files is not None:
        files.add(path)


def archive_pages(settings: dict) -> ArchivePages:
    """In the worker process: Pelican's template environment over our own reading of the site,
    which the main process has already checked and reported on."""
    from .pages import ArchivePages  # only the worker writes these pages

    config = _config(settings)
    view = SiteView(config, load_site(config))
    generator = Generator(context=settings.copy(), settings=settings, path=settings["PATH"],
                          theme=settings["THEME"], output_path=settings["OUTPUT_PATH"])
    install(generator.env, view)
    return ArchivePages(view, generator)


def _worker(generator) -> ArchiveWorker:
    # One worker per build, in the run's shared context like the view.
    worker = generator.context.get("SIMARCHIVE_WORKER")
    if worker is None:
        worker = generator.context["SIMARCHIVE_WORKER"] = ArchiveWorker(archive_pages, generator.settings)
    return worker


def start_archive(generator) -> None:
    """Start the worker on the archive's pages as soon as Pelican is past emptying the output
    (publishconf.py asks for that): at the first event read (Pelican sends this before each one).
    With no event, it starts later."""
    _worker(generator).write_archive()


class SimGenerator(Generator):
    """Hands the timeline to the build's worker and waits for it (see build_worker)."""

    def refresh_metadata_intersite_links(self) -> None:
        # Pelican calls this on each generator once every article is final (its links resolved)
        # and before any page is written: the worker draws the timeline while Pelican writes the
        # event pages, with the parts of them the worker has made meanwhile.
        worker = _worker(self)
        articles = {a.slug: a for a in self.context.get("articles", [])}
        worker.write_timeline([articles[e.slug] for e in _view(self).site.events if e.slug in articles])
        for slug, parts in worker.event_parts().items():
            if slug in articles:
                articles[slug].parts = parts

    def generate_output(self, writer) -> None:
        pages, downloads, files = _worker(self).result()
        logger.info("simarchive: the worker wrote %d pages and %d citation downloads", pages, downloads)
        output = self.context.get(OUTPUT_FILES)
        if output is not None:
            output.update(files)
            self.prune_output(output)

    def prune_output(self, output: OutputFiles) -> None:
        """Remove from the output what this build no longer makes. Pelican's pages are written by
        now; its static files are copied after this, so they are kept by name."""
        settings, config = self.settings, _view(self).config
        held = [str(p) for p in (config.content, config.archive, config.index, self.theme) if output.holds(p)]
        if held:
            # Pelican's own DELETE_OUTPUT_DIRECTORY stops short of a folder holding the content, likewise.
            logger.warning("simarchive: the output folder %s holds %s, so nothing is removed from it; "
                           "set OUTPUT_PATH to a folder of its own", output.output, ", ".join(held))
            return
        if settings["OUTPUT_SOURCES"]:
            logger.warning("simarchive: OUTPUT_SOURCES is on, so files this build no longer makes are left "
                           "in the output; set DELETE_OUTPUT_DIRECTORY = True to start from an empty folder")
            return
        output.update(static.save_as for static in self.context.get("staticfiles", []))
        output.update(theme_static_files(self.theme, settings["THEME_STATIC_PATHS"], settings["THEME_STATIC_DIR"],
                                         settings["IGNORE_FILES"]))
        removed = output.prune()
        if removed:
            logger.info("simarchive: removed %d file(s) this build no longer makes, such as %s",
                        len(removed), removed[0])


def get_generators(pelican):
    return SimGenerator


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
    signals.article_generator_preread.connect(start_archive)
    signals.get_generators.connect(get_generators)
    signals.content_written.connect(record_written)
    signals.feed_written.connect(record_written)
    signals.finalized.connect(index_site)
