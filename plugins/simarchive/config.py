"""Settings: the SIMARCHIVE_* keys of pelicanconf.py, validated once into a frozen Config."""

from __future__ import annotations

import runpy
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["Config", "load_config"]

PREFIX = "SIMARCHIVE_"


@dataclass(frozen=True)
class Config:
    """Every setting the plugin, the CLI and the server read. Paths are absolute."""

    #: Pelican's content folder (PATH); events live in its events/ folder.
    content: Path
    #: Pelican's OUTPUT_PATH: the built site that `sim-archive serve` serves.
    output: Path
    #: Pelican's THEME: its templates also render the server's search page.
    theme: Path
    #: The source registry (SIMARCHIVE_SOURCES).
    sources: Path
    #: The evidence archive (SIMARCHIVE_ARCHIVE).
    archive: Path
    #: The Whoosh search index, a build product outside output/ (SIMARCHIVE_INDEX).
    index: Path
    #: The phases an event may belong to, in time order (SIMARCHIVE_PHASES).
    phases: tuple[str, ...] = ("Origins", "Spread", "Concerns", "Review", "Aftermath")
    #: The site's name, shown in the header and in citations (SITENAME).
    sitename: str = "SIM Timeline and Evidence Archive"
    #: The public address of the site, without a trailing slash (SITEURL).
    siteurl: str = ""
    #: Longest search query accepted, in characters (SIMARCHIVE_MAX_QUERY).
    max_query: int = 500

    @classmethod
    def from_settings(cls, settings: dict[str, Any], base: Path) -> Config:
        """Build a Config from a Pelican settings dict; relative paths are taken from base."""
        known = {f"{PREFIX}{f.name.upper()}" for f in fields(cls)}
        unknown = sorted(k for k in settings if k.startswith(PREFIX) and k not in known)
        if unknown:
            raise ConfigError(
                f"unknown setting {', '.join(unknown)}; known settings are {', '.join(sorted(known))}"
            )

        def path(key: str, default: str) -> Path:
            value = settings.get(key, default)
            if not isinstance(value, str | Path):
                raise ConfigError(f"{key} must be a path, not {type(value).__name__}")
            return (base / value).resolve()

        phases = settings.get(f"{PREFIX}PHASES", cls.phases)
        if not isinstance(phases, list | tuple) or not all(isinstance(p, str) for p in phases):
            raise ConfigError(f"{PREFIX}PHASES must be a list of phase names")
        max_query = settings.get(f"{PREFIX}MAX_QUERY", cls.max_query)
        if not isinstance(max_query, int) or max_query < 10:
            raise ConfigError(f"{PREFIX}MAX_QUERY must be a whole number of at least 10")
        content = path("PATH", "content")
        return cls(
            content=content,
            output=path("OUTPUT_PATH", "output"),
            theme=path("THEME", "theme"),
            sources=path(f"{PREFIX}SOURCES", str(content / "sources.toml")),
            archive=path(f"{PREFIX}ARCHIVE", "archive"),
            index=path(f"{PREFIX}INDEX", "var/search-index"),
            phases=tuple(phases),
            sitename=str(settings.get("SITENAME", cls.sitename)),
            siteurl=str(settings.get("SITEURL", "")).rstrip("/"),
            max_query=max_query,
        )


def load_config(settings_file: Path) -> Config:
    """Read pelicanconf.py without Pelican, the way the CLI and the server do."""
    if not settings_file.is_file():
        raise ConfigError(f"{settings_file}: no such settings file (run from the project folder)")
    settings = {k: v for k, v in runpy.run_path(str(settings_file)).items() if k.isupper()}
    return Config.from_settings(settings, settings_file.resolve().parent)
