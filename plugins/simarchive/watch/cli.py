"""The `watch` subcommand of sim-archive: check the originals, print a table, exit with a status a
scheduled job can act on (0 all the same, 1 the watch failed somewhere, 3 something was found)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..capture.cli import add_path_options, whole_number, with_paths
from ..config import Config
from ..errors import SelectionError

if TYPE_CHECKING:
    from .check import Check, WatchReport

__all__ = ["FOUND", "add_watch_parser", "cmd_watch"]

OK, ERROR, FOUND = 0, 1, 3
RESULTS = ("same", "changed", "moved", "gone", "blocked", "error", "skipped")


def _detail(check: Check) -> str:
    record = check.record
    if record is None:
        return check.skipped or ""
    if record["result"] == "same":
        text = f"as our copy of {record['capture']}"
    elif record["result"] == "changed":
        text = (f"{record['similarity']:.1%} of the main text the same: {record.get('removed', 0)} line(s) "
                f"gone, {record.get('added', 0)} new")
    else:
        text = record.get("reason") or ""
    if record.get("captured"):
        text += f"; captured again as {record['captured']}"
    elif record.get("capture_failed"):
        text += f"; capturing it again failed: {record['capture_failed']}"
    return text


def print_report(report: WatchReport) -> None:
    """A table of every source and what its check found, then a summary line."""
    width = [max((len(c.source_id) for c in report.checks), default=0),
             max((len(c.result) for c in report.checks), default=0)]
    for check in report.checks:
        print(f"{check.source_id:<{width[0]}}  {check.result:<{width[1]}}  {_detail(check)}".rstrip())
    counts = [f"{report.count(r)} {r}" for r in RESULTS if report.count(r) or r == "same"]
    print(", ".join(counts) + ".")


def exit_status(report: WatchReport) -> int:
    """3 when a page changed, moved, is gone or blocked (even if other checks failed: what was found
    is logged and must be seen); else 1 when a check failed; else 0."""
    if any(report.count(r) for r in ("changed", "moved", "gone", "blocked")):
        return FOUND
    return ERROR if report.count("error") else OK


def cmd_watch(args: argparse.Namespace, config: Config) -> int:
    """Check the chosen sources' originals (all by default) against their latest captures."""
    from tqdm import tqdm

    from ..content.registry import load_sources
    from .check import watch_sources

    config = with_paths(args, config)
    registry, problems = load_sources(config.sources)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the registry; nothing checked.", file=sys.stderr)
        return ERROR
    unknown = [i for i in args.ids if i not in registry]
    if unknown:
        raise SelectionError(f"unknown source id {', '.join(map(repr, unknown))} (not in the registry)")
    sources = [registry[i] for i in dict.fromkeys(args.ids)] or list(registry.values())
    with tqdm(total=len(sources), unit="source", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        report = watch_sources(sources, config.archive, config, jobs=args.jobs, allow_private=args.allow_private,
                               capture_changed=args.capture_changed, on_done=lambda check: bar.update(1))
    print_report(report)
    return exit_status(report)


def add_watch_parser(sub: argparse._SubParsersAction) -> None:
    """Add `watch` to the sim-archive subcommands."""
    p = sub.add_parser("watch", help="check each original against its latest capture: same, changed, moved, "
                                     "gone or blocked (exit 3 if any is not the same)")
    p.add_argument("ids", nargs="*", metavar="ID", help="source ids (default: every source in the registry)")
    p.add_argument("--capture-changed", action="store_true",
                   help="capture again each page found changed or moved")
    p.add_argument("--jobs", type=whole_number, default=4, metavar="N", help="checks at once (default 4)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow URLs on loopback or private addresses (refused by default)")
    add_path_options(p)
    p.set_defaults(func=cmd_watch)
