"""The SHA-256 of every file of a capture, in BagIt's manifest-sha256.txt, written and checked.

write_manifest(folder)          # the last file written into a capture, atomically
check_manifest(folder)          # [(path, problem), ...]: changed, missing, added or linked files

The format is BagIt's (RFC 8493, section 2.1.3), which is also what `sha256sum --check` reads:
one "<hex digest>  <path>" line per file, paths relative to the capture folder with "/"
between parts, and CR, LF and % percent-encoded. A capture folder is not a whole bag (its files
stay where readers expect them, not under data/), but each manifest line means what BagIt's does.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from ..errors import ArchiveError

__all__ = ["MANIFEST", "TOKEN", "check_manifest", "file_problems", "read_manifest", "sha256_of", "write_manifest"]

MANIFEST = "manifest-sha256.txt"
#: The RFC 3161 token over the manifest (timestamps.py): written after it, so never listed in it.
TOKEN = MANIFEST + ".tsr"
CHUNK = 1024 * 1024
_LINE = re.compile(r"^([0-9a-f]{64})[ \t]+\*?(.+)$")


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _encode(name: str) -> str:
    return name.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


_DECODED = {"0A": "\n", "0D": "\r", "25": "%"}


def _decode(name: str) -> str:
    return re.sub(r"%(0[AaDd]|25)", lambda m: _DECODED[m.group(1).upper()], name)


def _files(folder: Path) -> list[str]:
    """Every file under folder but the manifest, as manifest paths, sorted; symlinks included."""
    found = []
    for root, dirs, names in os.walk(folder):
        base = Path(root)
        found += [(base / n).relative_to(folder).as_posix() for n in names]
        found += [(base / d).relative_to(folder).as_posix() for d in dirs if (base / d).is_symlink()]
    return sorted(p for p in found if p != MANIFEST)


def file_problems(folder: Path) -> list[tuple[Path, str]]:
    """Symbolic links, and anything not a regular file, in a capture folder: never evidence."""
    problems = []
    for name in _files(folder):
        path = folder / name
        if path.is_symlink():
            problems.append((path, f"is a symbolic link (to {os.readlink(path)}); a capture holds "
                                   "only regular files"))
        elif not path.is_file():
            problems.append((path, "is not a regular file"))
    return problems


def write_manifest(folder: Path) -> Path:
    """Hash every file in folder into its manifest, written to a temp file and renamed into place."""
    links = file_problems(folder)
    if links:
        path, message = links[0]
        raise ArchiveError(str(path), message)
    if (folder / TOKEN).exists():  # it would stamp a manifest that is gone: never re-seal over one
        raise ArchiveError(str(folder / TOKEN), f"a time-stamp token with no {MANIFEST}; not sealing")
    lines = "".join(f"{sha256_of(folder / name)}  {_encode(name)}\n" for name in _files(folder))
    fd, tmp = tempfile.mkstemp(prefix=f".{MANIFEST}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(lines)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return folder / MANIFEST


def read_manifest(folder: Path) -> dict[str, str]:
    """The manifest's {path: SHA-256}; ArchiveError naming the line that is not one."""
    path = folder / MANIFEST
    if path.is_symlink():
        raise ArchiveError(str(path), "is a symbolic link; a capture holds only regular files")
    entries: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ArchiveError(str(path), f"cannot be read ({e})") from None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line:
            continue
        m = _LINE.match(line)
        name = _decode(m.group(2)) if m else ""
        if not m or name.startswith("/") or ".." in name.split("/"):
            raise ArchiveError(f"{path}:{number}", "not a '<sha256>  <path>' line of a file in the capture")
        if name in entries:
            raise ArchiveError(f"{path}:{number}", f"{name} is listed twice")
        entries[name] = m.group(1)
    return entries


def check_manifest(folder: Path) -> list[tuple[Path, str]]:
    """Every difference between the capture's files and its manifest, each with the file it is in."""
    try:
        recorded = read_manifest(folder)
    except ArchiveError as e:
        return [(Path(e.path), e.message)]
    problems = file_problems(folder)
    linked = {path for path, _ in problems}
    for name, expected in recorded.items():
        path = folder / name
        if path in linked:
            continue
        if not path.is_file():
            problems.append((path, f"missing: the manifest lists it ({MANIFEST})"))
            continue
        actual = sha256_of(path)
        if actual != expected:
            problems.append((path, f"SHA-256 is {actual}, but {MANIFEST} records {expected}: "
                                   "the file has changed since the capture was made"))
    problems += [
        (folder / name, f"not in {MANIFEST}: the file was added after the capture was made")
        for name in _files(folder)
        if name not in recorded and folder / name not in linked and name != TOKEN
    ]
    return sorted(problems, key=lambda p: str(p[0]))
