"""Fingerprinted theme assets: each stylesheet and script is also written under a name that holds a
hash of its content (css/site.3f9a1c2b7d.css), so it can be cached for a year and a changed file is
a new name. Templates ask for them by their plain name:

    <link rel="stylesheet" href="{{ asset('css/site.css') }}">

A script's imports of its neighbours ("./filters.js") are rewritten to their fingerprinted names
before it is hashed, so a module that changes gives a new name to every module importing it.
The build writes `assets.json` (plain name -> fingerprinted name) beside the assets; the server
reads it from the published build, for the pages it renders itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import pass_context

from ..errors import ThemeError

__all__ = ["MANIFEST", "Assets", "fingerprinted"]

#: The kinds of file fingerprinted: what pages load by <link> and <script>.
KINDS = (".css", ".js")
#: The manifest's name in the theme's output folder.
MANIFEST = "assets.json"
#: A static import or export of a neighbouring module, or a dynamic import() of one.
_IMPORT = re.compile(r"""(\b(?:from|import)\s*\(?\s*)(["'])(\./[^"']+\.js)\2""")
_HASHED = re.compile(r"\.[0-9a-f]{10}\.(?:css|js)$")


def fingerprinted(url: str) -> bool:
    """Whether a URL names a fingerprinted asset (whose content never changes under its name)."""
    return "/theme/" in url and bool(_HASHED.search(url))


def _hashed_name(name: str, data: bytes) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{dot}{suffix}"


@dataclass(frozen=True)
class Assets:
    """The fingerprinted names of a theme's assets, and their content once rewritten."""

    names: Mapping[str, str]  # "css/site.css" -> "css/site.3f9a1c2b7d.css"
    contents: Mapping[str, bytes]  # the fingerprinted name's bytes (empty when read from a manifest)
    prefix: str = "/theme"  # where the theme's static folder is served, below SITEURL

    @classmethod
    def from_folder(cls, static: Path, prefix: str = "/theme") -> Assets:
        """Fingerprint every stylesheet and script under a theme's static folder."""
        sources = {p.relative_to(static).as_posix(): p.read_bytes()
                   for p in sorted(static.rglob("*")) if p.is_file() and p.suffix in KINDS}
        names: dict[str, str] = {}
        contents: dict[str, bytes] = {}

        def resolve(name: str, importers: tuple[str, ...] = ()) -> str:
            if name in names:
                return names[name]
            if name in importers:
                raise ThemeError(f"theme/static/{name}: modules import each other in a circle: "
                                  f"{' -> '.join((*importers, name))}")
            if name not in sources:
                raise ThemeError(f"theme/static/{importers[-1]}: imports {name}, which is not in theme/static")
            folder = name.rpartition("/")[0]

            def rewrite(m: re.Match) -> str:
                target = resolve(f"{folder}/{m.group(3)[2:]}".lstrip("/"), (*importers, name))
                return f"{m.group(1)}{m.group(2)}./{target.rpartition('/')[2]}{m.group(2)}"

            data = sources[name]
            if name.endswith(".js"):
                data = _IMPORT.sub(rewrite, data.decode("utf-8")).encode("utf-8")
            names[name] = _hashed_name(name, data)
            contents[names[name]] = data
            return names[name]

        for name in sources:
            resolve(name)
        return cls(names, contents, prefix)

    @classmethod
    def from_build(cls, theme_output: Path, prefix: str = "/theme") -> Assets:
        """The names a published build was made with, from its manifest; a build without one
        (made before assets were fingerprinted) is served under the plain names."""
        try:
            names = json.loads((theme_output / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            names = {}
        return cls(names, {}, prefix)

    def write(self, theme_output: Path) -> list[Path]:
        """Write the fingerprinted copies and the manifest into the theme's output folder."""
        written = []
        for name, data in self.contents.items():
            path = theme_output / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
        manifest = theme_output / MANIFEST
        manifest.write_text(json.dumps(dict(sorted(self.names.items())), indent=1) + "\n", encoding="utf-8")
        return [*written, manifest]

    def url(self, name: str, siteurl: str = "") -> str:
        """The URL of an asset by its plain name. A name that is not an asset is an error, so a
        template cannot link a file that is not there."""
        if self.names and name not in self.names:
            raise ThemeError(f"asset({name!r}): no such stylesheet or script in theme/static "
                              f"(known: {', '.join(sorted(self.names))})")
        return f"{siteurl}{self.prefix}/{self.names.get(name, name)}"

    def install(self, env) -> None:
        """Give a Jinja environment `asset(name)`, prefixed by the page's own SITEURL."""

        @pass_context
        def asset(context, name: str) -> str:
            return self.url(name, context.get("SITEURL", ""))

        env.globals["asset"] = asset

