"""The `sim-archive` command: a table of subcommands over the core."""

from __future__ import annotations

import argparse
import errno
import html
import json
import logging
import re
import sys
import traceback
from enum import IntEnum
from pathlib import Path

from . import __version__
from .capture.cli import add_capture_parsers
from .config import Config, load_config
from .content.site import load_site
from .errors import SimArchiveError
from .search.api import MAX_PAGE, MAX_PER_PAGE, PER_PAGE, SORTS, whole_number
from .watch.cli import add_watch_parser

__all__ = ["ExitStatus", "main"]


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    """Validate the registry, every event and every quote without building; report every problem."""
    site = load_site(config, strict=args.strict)
    for note in site.notes:
        print(f"note: {note}")
    for problem in site.errors:
        print(problem, file=sys.stderr)
    if site.errors:
        print(f"{len(site.errors)} problem(s) found.", file=sys.stderr)
        return ExitStatus.ERROR
    quotes = site.quotes
    print(f"OK: {len(site.events)} events, {len(site.sources)} sources; "
          f"{len(quotes.verified)} quotes verified, {len(quotes.unverified)} not yet verifiable.")
    return ExitStatus.OK


def _terminal(snippet: str) -> str:
    marked = re.sub(r'<mark[^>]*>(.*?)</mark>', "\x1b[1m\\1\x1b[0m" if sys.stdout.isatty() else "[\\1]", snippet)
    return html.unescape(re.sub(r"<[^>]+>", "", marked))


def cmd_search(args: argparse.Namespace, config: Config) -> int:
    """Search the index and print the hits, readably or as the API's JSON."""
    from .search.api import SearchRequest, results_json
    from .search.searcher import run_query

    request = SearchRequest(q=args.query, per_page=args.limit, page=args.page, sort=args.sort,
                            all_captures=args.all_captures)
    results = run_query(config, request)
    if args.json:
        print(json.dumps(results_json(results), ensure_ascii=False, indent=1))
        return ExitStatus.OK
    print(f"{results.total} result(s) for {args.query!r} ({results.seconds * 1000:.0f} ms)")
    if results.suggestion:
        print(f"Did you mean: {results.suggestion}")
    for number, hit in enumerate(results.hits, start=(args.page - 1) * args.limit + 1):
        kind = {"event": "event", "source": "source", "capture": "older capture"}[hit.kind]
        captured = f"captured {hit.captured}" if hit.captured else ""
        meta = ", ".join(filter(None, [kind, hit.source_kind, hit.publisher, hit.date, captured]))
        print(f"\n{number}. {_terminal(hit.title_html)} ({meta})\n   {hit.url}")
        for passage in hit.passages[:2]:
            print(f"   {_terminal(passage.html)}")
    if results.pages > args.page:
        print(f"\nPage {args.page} of {results.pages}; --page {args.page + 1} shows more.")
    return ExitStatus.OK


def cmd_index(args: argparse.Namespace, config: Config) -> int:
    """Build or update the search index without building the site."""
    from .search.searcher import index_site

    report = index_site(config, rebuild=args.rebuild)
    print(f"Indexed into {config.index}: {report.added} added, {report.updated} updated, "
          f"{report.deleted} deleted, {report.unchanged} unchanged ({report.seconds:.1f} s).")
    return ExitStatus.OK


def cmd_build(args: argparse.Namespace, config: Config) -> int:
    """Build the site and the search index into a new folder, then publish it in one switch."""
    from .site.publish import build_and_publish

    extra = []
    if args.siteurl is not None:  # the feeds' absolute links too (Pelican's FEED_DOMAIN)
        url = json.dumps(args.siteurl.rstrip("/"))
        extra = ["--extra-settings", f"SITEURL={url}", f"FEED_DOMAIN={url}"]
    return build_and_publish(args.settings, extra)


def cmd_serve(args: argparse.Namespace, config: Config) -> int:
    """Serve the built site and search with waitress."""
    from waitress.server import create_server

    from .web import WAITRESS, create_app

    if not (config.output / "index.html").is_file():
        raise SimArchiveError(f"{config.output}: no built site; run `make html` first")
    try:
        server = create_server(create_app(config), host=args.host, port=args.port, threads=args.threads,
                               **WAITRESS)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise SimArchiveError(f"port {args.port} on {args.host} is in use by another program; stop it, or "
                                  "choose another port with --port (make serve: PORT=8080 make serve)") from None
        raise SimArchiveError(f"cannot listen on {args.host}:{args.port} ({e.strerror})") from None
    print(f"Serving {config.output} with search on http://{args.host}:{server.effective_port}/ (Ctrl-C stops)",
          flush=True)
    server.run()
    return ExitStatus.OK


def _port(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: a whole number from 1 to 65535, or 0 for any")
    return int(value)


def _up_to(high: int):
    """An argparse type: a whole number from 1 to `high`."""
    def whole(value: str) -> int:
        try:
            return whole_number("the value", value, high)
        except SimArchiveError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to {high:,}") from None
    return whole


def cmd_cite(args: argparse.Namespace, config: Config) -> int:
    """Print the citation of an event or a source (its latest capture, or --capture)."""
    from .archive.store import list_captures
    from .cite.book import EXPORT_KEYS, CiteBook

    site = load_site(config)
    if site.errors:
        raise SimArchiveError(f"{len(site.errors)} problem(s) in the content; run `sim-archive check`")
    book = CiteBook(config, site, lambda sid: list_captures(config.archive, sid))
    citation = book.lookup(args.id, args.capture)
    if not config.siteurl:
        print(f"sim-archive: SITEURL is empty in {args.settings}, so the URLs below are relative; "
              "set it (as publishconf.py does) for citations to publish", file=sys.stderr)
    ext = EXPORT_KEYS.get(args.style)
    print(citation.export(ext) if ext else citation.style(args.style).text(), end="" if ext else "\n")
    return ExitStatus.OK


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    """Write the captures of the chosen sources (or of all) into one WACZ."""
    from .archive.store import list_captures
    from .archive.wacz import write_wacz
    from .content.registry import load_sources
    from .errors import SelectionError

    registry, problems = load_sources(config.sources)
    if problems:
        raise SimArchiveError(f"{len(problems)} problem(s) in {config.sources}; run `sim-archive check`")
    unknown = [i for i in args.ids if i not in registry]
    if unknown:
        raise SelectionError(f"unknown source id {', '.join(map(repr, unknown))} (not in {config.sources})")
    ids = list(dict.fromkeys(args.ids)) or list(registry)
    captures = [c for sid in ids for c in list_captures(config.archive, sid)]
    if not captures:
        raise SelectionError(f"no captures of {', '.join(args.ids) or 'any source'} in {config.archive}; "
                             "capture them first")
    exported = list(dict.fromkeys(c.source_id for c in captures))
    out = args.output or Path(f"{ids[0]}.wacz" if len(ids) == 1 else "sim-archive.wacz")
    titles = {sid: source.title for sid, source in registry.items()}
    what = registry[exported[0]].title if len(exported) == 1 else f"{config.sitename}: every capture"
    site = f" ({config.siteurl}/)" if config.siteurl else ""
    write_wacz(out, captures, titles=titles, title=what,
               description=f"Captures of {len(exported)} source(s) by {config.sitename}{site}")
    print(f"Wrote {out}: {len(captures)} capture(s) of {len(exported)} source(s).")
    return ExitStatus.OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sim-archive", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--settings", type=Path, default=Path("pelicanconf.py"),
                        help="the Pelican settings file (default: ./pelicanconf.py)")
    parser.add_argument("--traceback", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", help="validate the registry, every event and every quote")
    p.add_argument("--strict", action="store_true",
                   help="also fail on sources never captured and quotes not yet verified (before publishing)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("index", help="build or update the search index (no site build)")
    p.add_argument("--rebuild", action="store_true", help="re-index every document, not only changes")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search the archive from the terminal")
    p.add_argument("query")
    p.add_argument("--limit", type=_up_to(MAX_PER_PAGE), default=PER_PAGE, help=f"hits per page (1 to {MAX_PER_PAGE})")
    p.add_argument("--page", type=_up_to(MAX_PAGE), default=1)
    p.add_argument("--sort", choices=tuple(SORTS), default="relevance")
    p.add_argument("--all-captures", action="store_true", help="search older captures too")
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.set_defaults(func=cmd_search)

    from .cite.book import EXPORT_KEYS, STYLE_KEYS

    p = sub.add_parser("cite", help="print the citation of an event or a source")
    p.add_argument("id", help="an event slug or a source id")
    p.add_argument("--style", choices=[*STYLE_KEYS, *EXPORT_KEYS], default="apa")
    p.add_argument("--capture", metavar="TIMESTAMP", help="cite this capture of a source (default: the latest)")
    p.set_defaults(func=cmd_cite)

    p = sub.add_parser("build", help="build the site and the index, then publish the site in one switch")
    p.add_argument("--siteurl", metavar="URL", help="SITEURL for this build (default: the settings' own)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="serve the built site with search")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=8000, help="1 to 65535, or 0 for any free port (default 8000)")
    p.add_argument("--threads", type=_up_to(1000), default=32,
                   help="waitress threads, each answering one request at a time (default 32)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export", help="export captures as a WACZ, for ReplayWeb.page, pywb and other tools")
    p.add_argument("ids", nargs="*", metavar="ID", help="source ids (default: every source with a capture)")
    p.add_argument("--wacz", action="store_true", required=True,
                   help="as a WACZ (Web Archive Collection Zipped, the one format so far)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="the file to write (default: ID.wacz for one source, else sim-archive.wacz)")
    p.set_defaults(func=cmd_export)

    add_capture_parsers(sub)
    add_watch_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; errors become one sentence on stderr and a non-zero status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        return int(args.func(args, load_config(args.settings)))
    except SimArchiveError as e:
        if args.traceback:
            traceback.print_exc()
        print(f"sim-archive: {e}", file=sys.stderr)
        return ExitStatus.ERROR
    except KeyboardInterrupt:
        print("sim-archive: interrupted", file=sys.stderr)
        return ExitStatus.ERROR


if __name__ == "__main__":
    sys.exit(main())
