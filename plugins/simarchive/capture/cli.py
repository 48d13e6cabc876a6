"""The `capture` and `verify` subcommands of sim-archive, each handing off to one core function."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..errors import SelectionError

if TYPE_CHECKING:
    from ..archive.verify import VerifyResult
    from .pipeline import CaptureReport, Outcome

__all__ = ["add_capture_parsers", "add_path_options", "cmd_capture", "cmd_timestamp", "cmd_verify", "whole_number",
           "with_paths"]

OK, ERROR = 0, 1
# The same as capture.VIAS, written out so that building the parser imports no capture code:
# every sim-archive command builds it, and the capture modules take a third of a second to load.
VIAS = ("auto", "live", "wayback", "both")


def _timestamp(value: str) -> str:
    if not re.fullmatch(r"\d{8}(\d{6})?", value):
        raise argparse.ArgumentTypeError(f"'{value}' is not a date as YYYYMMDD")
    return value


def whole_number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of at least 1")
    return int(value)


def with_paths(args: argparse.Namespace, config: Config) -> Config:
    """--sources and --archive override the settings file for this run."""
    changes = {k: v.resolve() for k in ("sources", "archive") if (v := getattr(args, k))}
    return dataclasses.replace(config, **changes)


def _size(length: int | None) -> str:
    if length is None:
        return ""
    return f"{length / 1e6:.1f} MB" if length >= 1e6 else f"{length / 1e3:.1f} kB"


def _row(outcome: Outcome) -> str:
    if outcome.state == "captured":
        detail = f"{outcome.route or outcome.via}, {_size(outcome.length)}, sha256 {outcome.sha256[:12]}"
    else:
        detail = outcome.reason or ""
    return f"{outcome.source_id}\t{outcome.state}\t{detail}"


def _notes(outcome: Outcome) -> list[str]:
    """The lines under a source's row: the way its capture went and why, then its warnings."""
    notes = []
    if outcome.state == "captured" and outcome.why:
        notes.append(f"path: {outcome.route}, because {outcome.why}")
    elif outcome.state == "failed" and outcome.route:
        notes.append(f"path: {outcome.route} tried")
    return notes + [f"warning: {warning}" for warning in outcome.warnings]


def print_report(report: CaptureReport) -> None:
    """A table of every source, the way each capture went and why, then a summary line.

    With --via both a source has two rows, its live capture and its Wayback one."""
    outcomes = [o for outcome in report.outcomes for o in (outcome, outcome.also) if o is not None]
    rows = [_row(o).split("\t") for o in outcomes]
    width = [max((len(r[i]) for r in rows), default=0) for i in range(2)]
    for outcome, (sid, state, detail) in zip(outcomes, rows, strict=True):
        print(f"{sid:<{width[0]}}  {state:<{width[1]}}  {detail}")
        for note in _notes(outcome):
            print(f"{'':<{width[0]}}  {'':<{width[1]}}  {note}")
    print(
        f"{report.count('captured')} captured, {report.count('skipped')} skipped, "
        f"{report.count('failed')} failed."
    )


def cmd_capture(args: argparse.Namespace, config: Config) -> int:
    """Capture the chosen sources into the archive; exit 0 only if none failed."""
    from tqdm import tqdm

    from ..content.registry import load_sources
    from .pipeline import capture_sources, select_sources

    config = with_paths(args, config)
    registry, problems = load_sources(config.sources)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the registry; nothing captured.", file=sys.stderr)
        return ERROR
    if args.all and args.ids:
        raise SelectionError("give source ids or --all, not both")
    sources = select_sources(
        registry, args.ids, everything=args.all or (args.missing and not args.ids)
    )
    if not re.search(r"https?://", config.user_agent):
        print("note: the User-Agent names no contact URL; set SITEURL or SIMARCHIVE_USER_AGENT in "
              "pelicanconf.py so that the owners of the sites captured can reach you", file=sys.stderr)
    with tqdm(
        total=len(sources), unit="source", file=sys.stderr, disable=not sys.stderr.isatty()
    ) as bar:
        report = capture_sources(
            sources,
            config.archive,
            config,
            processes=args.processes,
            missing=args.missing,
            via=args.via,
            timestamp=args.timestamp,
            jobs=args.jobs,
            allow_private=args.allow_private,
            on_done=lambda outcome: bar.update(1),
        )
    print_report(report)
    return OK if report.ok else ERROR


def _print_verify_notes(result: VerifyResult, config: Config) -> None:
    for path in result.leftovers:
        print(
            f"note: {path}: left by an interrupted capture; not part of the archive, safe to delete"
        )
    for path in result.unsealed:
        print(f"note: {path}: no manifest (captured before manifests existed), so only its WARC, "
              "text and capture.json were checked; `sim-archive verify --seal` adds one")
    for path in result.sealed:
        print(f"sealed: {path}: manifest-sha256.txt written")
    if config.tsa_url:
        for path in result.untimestamped:
            print(f"note: {path}: no time-stamp token; `sim-archive timestamp` asks {config.tsa_url} for one")
    if result.timestamped and not result.signatures_checked:
        print(f"note: {len(result.timestamped)} time-stamp token(s) checked against their manifests only; set "
              "SIMARCHIVE_TSA_CERT to the TSA's CA certificate to check their signatures too")


def cmd_verify(args: argparse.Namespace, config: Config) -> int:
    """Re-read and re-hash every capture; exit 0 only if nothing is wrong."""
    from ..archive.timestamps import load_trust
    from ..archive.verify import verify_archive

    config = with_paths(args, config)
    trust = load_trust(config.tsa_cert) if config.tsa_cert else None
    result = verify_archive(config.archive, seal=args.seal, trust=trust)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": result.ok,
                    "checked": result.checked,
                    "problems": [{"path": str(p), "message": m} for p, m in result.problems],
                    "leftovers": [str(p) for p in result.leftovers],
                    "unsealed": [str(p) for p in result.unsealed],
                    "sealed": [str(p) for p in result.sealed],
                    "timestamped": [str(p) for p in result.timestamped],
                    "untimestamped": [str(p) for p in result.untimestamped],
                    "signatures_checked": result.signatures_checked,
                    "watch_checks": result.watch_checks,
                },
                indent=1,
            )
        )
        return OK if result.ok else ERROR
    _print_verify_notes(result, config)
    for path, message in result.problems:
        print(f"{path}: {message}", file=sys.stderr)
    if not result.ok:
        print(f"{len(result.problems)} problem(s) in {result.checked} capture(s).", file=sys.stderr)
        return ERROR
    stamps = f", {len(result.timestamped)} time-stamp token(s)" if result.timestamped else ""
    watched = f", {result.watch_checks} watch check(s)" if result.watch_checks else ""
    print(f"OK: {result.checked} capture(s){stamps}{watched} verified in {config.archive}.")
    return OK


def cmd_timestamp(args: argparse.Namespace, config: Config) -> int:
    """Ask the TSA for a token over each sealed capture that has none; exit 0 only if none failed."""
    from .timestamping import timestamp_archive

    config = with_paths(args, config)
    if not config.tsa_url:
        print(f"sim-archive: SIMARCHIVE_TSA_URL is not set in {args.settings}; name an RFC 3161 Time-Stamp "
              "Authority there to timestamp captures", file=sys.stderr)
        return ERROR
    report = timestamp_archive(config.archive, args.ids, config)
    for path in report.stamped:
        print(f"timestamped: {path}")
    for path, reason in report.skipped:
        if args.verbose:
            print(f"skipped: {path.parent}: {reason}")
    for path, reason in report.failed:
        print(f"failed: {path}: {reason}", file=sys.stderr)
    print(f"{len(report.stamped)} timestamped, {len(report.skipped)} skipped, {len(report.failed)} failed.")
    return ERROR if report.failed else OK


def add_path_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sources",
        type=Path,
        metavar="PATH",
        help="the source registry (default: SIMARCHIVE_SOURCES from the settings)",
    )
    parser.add_argument(
        "--archive",
        type=Path,
        metavar="PATH",
        help="the archive folder (default: SIMARCHIVE_ARCHIVE from the settings)",
    )


def add_capture_parsers(sub: argparse._SubParsersAction) -> None:
    """Add `capture` and `verify` to the sim-archive subcommands."""
    p = sub.add_parser(
        "capture", help="capture sources into the archive (live or from the Wayback Machine)"
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="source ids from the registry")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="capture every source in the registry")
    which.add_argument("--missing", action="store_true", help="only sources not captured yet")
    p.add_argument(
        "--via",
        choices=VIAS,
        default="auto",
        help="live, wayback, both (two captures: live and Wayback), or auto (default): live, then "
        "Wayback if the page is gone, refuses us, or looks like a paywall or a teaser",
    )
    p.add_argument(
        "--timestamp",
        type=_timestamp,
        metavar="YYYYMMDD",
        help="the Wayback snapshot date wanted (default: the source's published date)",
    )
    p.add_argument(
        "--jobs", type=whole_number, default=4, metavar="N", help="captures at once (default 4)"
    )
    p.add_argument(
        "--processes", type=whole_number, default=1, metavar="N",
        help="processes reading the pages' text, one core each (default 1): the --jobs threads "
        "fetch and write, and hand each page to the first one free",
    )
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow URLs on loopback or private addresses (refused by default)",
    )
    add_path_options(p)
    p.set_defaults(func=cmd_capture)

    p = sub.add_parser("verify", help="re-read and re-hash every capture in the archive")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--seal",
        action="store_true",
        help="give each capture made before manifests existed a manifest, once it passes every check",
    )
    add_path_options(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("timestamp",
                       help="ask the Time-Stamp Authority for a token over each sealed capture without one")
    p.add_argument("ids", nargs="*", metavar="ID", help="source ids (default: every source in the archive)")
    p.add_argument("-v", "--verbose", action="store_true", help="also list the captures skipped")
    add_path_options(p)
    p.set_defaults(func=cmd_timestamp)
