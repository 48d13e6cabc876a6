"""Check the archive: every file of every capture against its manifest, every WARC read with its
digests, and capture.json against the WARC's own records.

result = verify_archive(archive)
result.problems   # [(path, message), ...]: each is an error, naming the capture and the file
result.unsealed   # captures made before manifests existed: checked as before, reported
result.leftovers  # temp folders of interrupted captures: reported, not errors
verify_archive(archive, seal=True)  # also adds a manifest to each unsealed capture that passes
verify_archive(archive, trust=load_trust(ca))  # and checks each time-stamp token's signature
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ArchiveError
from . import store
from .fixity import MANIFEST, TOKEN, check_manifest, file_problems, write_manifest
from .timestamps import Trust, check_token
from .warc import WarcResponse, check_warc
from .watchlog import WATCH_LOG, check_watch_log

__all__ = ["VerifyResult", "verify_archive", "verify_capture"]

logger = logging.getLogger(__name__)

Problems = list[tuple[Path, str]]


@dataclass
class VerifyResult:
    """What verify found: captures checked, problems (errors), and what is reported but not wrong."""

    checked: int = 0
    problems: Problems = field(default_factory=list)
    leftovers: list[Path] = field(default_factory=list)
    #: Captures with no manifest (made before manifests existed), verified as they were then.
    unsealed: list[Path] = field(default_factory=list)
    #: Captures given a manifest by this run (seal=True), after they passed every check.
    sealed: list[Path] = field(default_factory=list)
    #: Captures whose time-stamp token was checked (against the TSA's certificates, given trust).
    timestamped: list[Path] = field(default_factory=list)
    #: Sealed captures with no time-stamp token (`sim-archive timestamp` adds one).
    untimestamped: list[Path] = field(default_factory=list)
    #: Whether the tokens' signatures were checked, or only that each stamps its manifest.
    signatures_checked: bool = False
    #: Watch logs read (archive/<source-id>/watch.jsonl), and how many checks they hold.
    watch_checks: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _link(path: Path, what: str) -> tuple[Path, str]:
    return path, f"is a symbolic link (to {os.readlink(path)}); {what}"


def _second(moment: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).replace(microsecond=0)
    except ValueError:
        return None


def _cross_check(capture: store.Capture, responses: list[WarcResponse]) -> Problems:
    """capture.json against the WARC's response records: URLs, status, length, hash and date."""
    final = responses[-1]
    payload_changed = final.sha256 != capture.sha256  # then a length differs as a consequence
    hops = [str(r.get("url")) for r in capture.redirects] + [capture.final_url]
    said = [
        ("final_url", capture.final_url, final.uri, "the WARC's last response is for"),
        ("fetched_url", capture.fetched_url, responses[0].uri, "the WARC's first response is for"),
        ("status", capture.status, final.status, "the WARC's last response has HTTP status"),
        ("length", capture.length, capture.length if payload_changed else final.length,
         "the WARC's last payload is, in bytes,"),
        ("redirects", hops, [r.uri for r in responses], "the WARC's responses are for"),
    ]
    json_path = capture.path / store.CAPTURE_JSON
    problems = [(json_path, f"{key} is {ours!r}, but {what} {theirs!r}")
                for key, ours, theirs, what in said if ours != theirs]
    if _second(capture.captured_at) != _second(final.date) or _second(final.date) is None:
        problems.append((json_path, f"captured_at is {capture.captured_at!r}, but the WARC's last "
                                    f"response is dated {final.date!r}"))
    moment = _second(capture.captured_at)
    if moment and not capture.timestamp.startswith(store.timestamp_of(moment)):
        problems.append((capture.path, f"the folder's name is not the capture's time: capture.json's "
                                       f"captured_at is {capture.captured_at}"))
    if payload_changed:
        problems.append((capture.warc_path, f"payload SHA-256 is {final.sha256}, but capture.json "
                                            f"records {capture.sha256}: the stored copy has changed"))
    return problems


def _check_files(folder: Path) -> tuple[Problems, bool]:
    """The fixity problems of a capture folder, and whether it has a manifest."""
    sealed = (folder / MANIFEST).exists() or (folder / MANIFEST).is_symlink()
    return (check_manifest(folder) if sealed else file_problems(folder)), sealed


def verify_capture(folder: Path, trust: Trust | None = None) -> Problems:
    """The problems of one capture folder, each with the file it is in; its time-stamp token is
    checked against its manifest, and against the TSA's certificates when trust is given."""
    if folder.is_symlink():
        return [_link(folder, "a capture folder must be a real folder inside the archive")]
    if not folder.is_dir():
        return [(folder, "is not a folder; a capture is a folder of files")]
    problems, _ = _check_files(folder)
    problems += check_token(folder, trust)
    reported = {path for path, _ in problems}
    try:
        capture = store.load_capture(folder)
    except ArchiveError as e:
        linked = Path(e.path) in reported and Path(e.path).is_symlink()  # said once is enough
        return problems if linked else [*problems, (Path(e.path), e.message)]
    if capture.source_id != folder.parent.name:
        problems.append((folder / store.CAPTURE_JSON,
                         f"source_id '{capture.source_id}' does not match its folder '{folder.parent.name}'"))
    if not capture.text_path.is_file() and capture.text_path not in reported:
        problems.append((capture.text_path, "missing"))
    if not capture.warc_path.is_file():
        return problems if capture.warc_path in reported else [*problems, (capture.warc_path, "missing")]
    warc_problems, responses = check_warc(capture.warc_path)
    problems += [(capture.warc_path, p) for p in warc_problems]
    if responses:
        problems += _cross_check(capture, responses)
    elif not warc_problems:
        problems.append((capture.warc_path, "has no response record"))
    return problems


def _note_token(entry: Path, result: VerifyResult) -> None:
    if (entry / TOKEN).is_file():
        result.timestamped.append(entry)
    elif (entry / MANIFEST).is_file():
        result.untimestamped.append(entry)


def _verify_source(folder: Path, result: VerifyResult, seal: bool, trust: Trust | None) -> None:
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(store.TMP_PREFIX) and entry.is_dir() and not entry.is_symlink():
            continue  # a leftover, reported apart
        if entry.name == WATCH_LOG:  # not a capture: an append-only log, checked as one
            names = {p.name for p in store.capture_dirs(folder.parent, folder.name)}
            problems, checks = check_watch_log(entry, names)
            result.problems += problems
            result.watch_checks += checks
            continue
        if not store.is_capture_name(entry.name):
            kind = "folder" if entry.is_dir() else "file"
            result.problems.append((entry, f"not a capture: a {kind} whose name is not a capture "
                                           "timestamp (YYYYMMDDTHHMMSSZ), so the site never shows it; "
                                           "give it back its name, or move it out of the archive"))
            continue
        result.checked += 1
        problems = verify_capture(entry, trust)
        result.problems += problems
        if not problems and not entry.is_symlink():
            _note_token(entry, result)
        if problems or entry.is_symlink() or (entry / MANIFEST).exists():
            continue
        if seal:
            write_manifest(entry)
            result.sealed.append(entry)
        else:
            result.unsealed.append(entry)


def verify_archive(archive: Path, *, seal: bool = False, trust: Trust | None = None) -> VerifyResult:
    """Re-read and re-hash every capture of every source in the archive.

    With seal, a capture with no manifest (made before manifests existed) that passes every
    check is given one, so from then on every one of its files is checked. With trust (the TSA's
    certificates), each time-stamp token's signature is checked too, not only its manifest hash.
    """
    result = VerifyResult(signatures_checked=trust is not None)
    if not archive.is_dir():
        result.problems.append((archive, "no such archive folder (check --archive or SIMARCHIVE_ARCHIVE)"))
        return result
    result.leftovers = store.leftovers(archive)
    for entry in sorted(archive.iterdir()):
        if entry.name.startswith("."):  # .gitkeep, an editor's or a file manager's files
            continue
        if entry.is_symlink():
            result.problems.append(_link(entry, "a source folder must be a real folder inside the archive"))
        elif not entry.is_dir():
            result.problems.append((entry, "not a source folder: the archive holds only "
                                           "<source-id>/<timestamp>/ folders"))
        else:
            _verify_source(entry, result, seal, trust)
    logger.info(
        "simarchive: verified %d capture(s): %d problem(s), %d leftover(s), %d with no manifest",
        result.checked, len(result.problems), len(result.leftovers), len(result.unsealed),
    )
    return result
