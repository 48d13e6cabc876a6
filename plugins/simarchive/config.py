"""Settings: the SIMARCHIVE_* keys of pelicanconf.py, validated once into a frozen Config."""

from __future__ import annotations

import re
import runpy
import traceback
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .content.urls import url_problem
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
    #: Where readers report errors: a web page or form, http(s) (SIMARCHIVE_CORRECTIONS_URL).
    corrections_url: str = ""
    #: An address readers may write to with corrections (SIMARCHIVE_CORRECTIONS_EMAIL).
    corrections_email: str = ""
    #: Longest search query accepted, in characters (SIMARCHIVE_MAX_QUERY).
    max_query: int = 500
    #: Longest a search may take, in seconds, before it is refused (SIMARCHIVE_SEARCH_SECONDS).
    search_seconds: float = 1.5
    #: The User-Agent of every capture request; must name a contact URL (SIMARCHIVE_USER_AGENT).
    #: By default it names SITEURL, when that is set.
    user_agent: str = (
        # No contact URL of our own invention: `capture` warns until SITEURL or this is set.
        "sim-archive/0.1 (SIM Timeline and Evidence Archive)"
    )
    #: Seconds to wait for a connection to a source's server (SIMARCHIVE_CONNECT_TIMEOUT).
    connect_timeout: float = 10.0
    #: Seconds to wait for each read from a source's server (SIMARCHIVE_READ_TIMEOUT).
    read_timeout: float = 30.0
    #: Longest one response may take to arrive in full, in seconds (SIMARCHIVE_MAX_SECONDS).
    max_seconds: float = 300.0
    #: Largest response body captured, in bytes; a larger one fails (SIMARCHIVE_MAX_BYTES).
    max_bytes: int = 100 * 1024 * 1024
    #: Most requests in flight to one host at once while capturing (SIMARCHIVE_PER_HOST).
    per_host: int = 2
    #: Seconds between the starts of two requests to one host (SIMARCHIVE_DELAY).
    delay: float = 1.0
    #: The Wayback Machine's base URL, for --via wayback and the fallback (SIMARCHIVE_WAYBACK_URL).
    wayback_url: str = "https://archive.org"
    #: Retries after a connection error, a 429 or a 5xx response (SIMARCHIVE_RETRIES).
    retries: int = 3
    #: Exponential backoff factor between retries, in seconds (SIMARCHIVE_BACKOFF).
    backoff: float = 1.0
    #: Longest the text extraction of one payload may take, in seconds (SIMARCHIVE_EXTRACT_SECONDS).
    extract_seconds: float = 120.0
    #: Most memory the extraction process may take, in MB (SIMARCHIVE_EXTRACT_MEMORY).
    extract_memory: int = 1024
    #: Most pages of one PDF whose text is extracted (SIMARCHIVE_EXTRACT_PAGES).
    extract_pages: int = 5000
    #: The RFC 3161 Time-Stamp Authority each new capture's manifest is sent to, or None for no
    #: timestamps (SIMARCHIVE_TSA_URL).
    tsa_url: str | None = None
    #: The PEM file of the TSA's root certificate (and any intermediates) that `verify` checks
    #: each token's signature against (SIMARCHIVE_TSA_CERT).
    tsa_cert: Path | None = None
    #: Whether this build is a publish: it leaves a mark in the archive of the watch checks that
    #: /changes/ showed, so that the next publish lists only what came after (SIMARCHIVE_MARK_PUBLISH).
    mark_publish: bool = False

    @classmethod
    def from_settings(cls, settings: dict[str, Any], base: Path) -> Config:
        """Build a Config from a Pelican settings dict; relative paths are taken from base."""
        known = {f"{PREFIX}{f.name.upper()}" for f in fields(cls)}
        unknown = sorted(k for k in settings if k.startswith(PREFIX) and k not in known)
        if unknown:
            raise ConfigError(
                f"unknown setting {', '.join(unknown)}; known settings are {', '.join(sorted(known))}"
            )

        def path(key: str, default: str, *, follow: bool = True) -> Path:
            value = settings.get(key, default)
            if not isinstance(value, str | Path):
                raise ConfigError(f"{key} must be a path, not {type(value).__name__}")
            given = base / value
            return given.resolve() if follow else given.parent.resolve() / given.name

        phases = settings.get(f"{PREFIX}PHASES", cls.phases)
        if not isinstance(phases, list | tuple) or not all(isinstance(p, str) for p in phases):
            raise ConfigError(f"{PREFIX}PHASES must be a list of phase names")
        max_query = settings.get(f"{PREFIX}MAX_QUERY", cls.max_query)
        if not isinstance(max_query, int) or max_query < 10:
            raise ConfigError(f"{PREFIX}MAX_QUERY must be a whole number of at least 10")
        content = path("PATH", "content")
        capture = _capture_settings(cls, settings)
        mark = settings.get(f"{PREFIX}MARK_PUBLISH", False)
        if not isinstance(mark, bool):
            raise ConfigError(f"{PREFIX}MARK_PUBLISH must be True or False, not {mark!r}")
        tsa_cert = settings.get(f"{PREFIX}TSA_CERT")
        if tsa_cert is not None:
            tsa_cert = path(f"{PREFIX}TSA_CERT", "")
        return cls(
            content=content,
            # Not resolved through its own name: it is the symlink each published build switches
            # (site/publish.py), which the server must follow.
            output=path("OUTPUT_PATH", "output", follow=False),
            theme=path("THEME", "theme"),
            sources=path(f"{PREFIX}SOURCES", str(content / "sources.toml")),
            archive=path(f"{PREFIX}ARCHIVE", "archive"),
            index=path(f"{PREFIX}INDEX", "var/search-index"),
            phases=tuple(phases),
            sitename=str(settings.get("SITENAME", cls.sitename)),
            siteurl=str(settings.get("SITEURL", "")).rstrip("/"),
            max_query=max_query,
            **_corrections(settings),
            tsa_cert=tsa_cert,
            mark_publish=mark,
            search_seconds=_number(settings, cls, "search_seconds", float, 0.01),
            **capture,
        )


EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def _corrections(settings: dict[str, Any]) -> dict[str, str]:
    """Where readers reach the editors: a URL and an email address, each optional, validated."""
    url = settings.get(f"{PREFIX}CORRECTIONS_URL", "")
    email = settings.get(f"{PREFIX}CORRECTIONS_EMAIL", "")
    if not isinstance(url, str) or (url and url_problem(url)):
        raise ConfigError(f"{PREFIX}CORRECTIONS_URL must be an http(s) URL, such as the page of the site's "
                          f"issue tracker, not {url!r}")
    if not isinstance(email, str) or (email and not EMAIL.match(email)):
        raise ConfigError(f"{PREFIX}CORRECTIONS_EMAIL must be an email address such as editors@example.org, "
                          f"not {email!r}")
    return {"corrections_url": url, "corrections_email": email}


def _number(settings: dict[str, Any], cls: type[Config], name: str, kind: type, low: float) -> Any:
    """One numeric capture setting, its default when absent, checked against its lower bound."""
    key = f"{PREFIX}{name.upper()}"
    value = settings.get(key, getattr(cls, name))
    ok = isinstance(value, int | float) if kind is float else isinstance(value, int)
    if isinstance(value, bool) or not ok or value < low:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{key} must be {what} of at least {low}, not {value!r}")
    return kind(value)


def _capture_settings(cls: type[Config], settings: dict[str, Any]) -> dict[str, Any]:
    """The capture settings (user agent, timeouts, limits, Wayback), validated."""
    values = {
        "connect_timeout": _number(settings, cls, "connect_timeout", float, 0.001),
        "read_timeout": _number(settings, cls, "read_timeout", float, 0.001),
        "max_seconds": _number(settings, cls, "max_seconds", float, 0.001),
        "max_bytes": _number(settings, cls, "max_bytes", int, 1),
        "per_host": _number(settings, cls, "per_host", int, 1),
        "delay": _number(settings, cls, "delay", float, 0),
        "retries": _number(settings, cls, "retries", int, 0),
        "backoff": _number(settings, cls, "backoff", float, 0),
        "extract_seconds": _number(settings, cls, "extract_seconds", float, 0.1),
        "extract_memory": _number(settings, cls, "extract_memory", int, 256),
        "extract_pages": _number(settings, cls, "extract_pages", int, 1),
    }
    siteurl = str(settings.get("SITEURL", "")).rstrip("/")
    default_agent = f"sim-archive/0.1 (SIM Timeline and Evidence Archive; +{siteurl}/)"
    agent = settings.get(f"{PREFIX}USER_AGENT", default_agent if siteurl else cls.user_agent)
    given = f"{PREFIX}USER_AGENT" in settings
    if not isinstance(agent, str) or (given and not re.search(r"https?://\S+", agent)):
        raise ConfigError(
            f"{PREFIX}USER_AGENT must be a string naming a contact URL (http(s)://...)"
        )
    wayback = settings.get(f"{PREFIX}WAYBACK_URL", cls.wayback_url)
    if not isinstance(wayback, str) or url_problem(wayback):
        raise ConfigError(f"{PREFIX}WAYBACK_URL must be an http(s) URL such as https://archive.org")
    tsa = settings.get(f"{PREFIX}TSA_URL")
    if tsa is not None and (not isinstance(tsa, str) or url_problem(tsa)):
        raise ConfigError(f"{PREFIX}TSA_URL must be the http(s) URL of an RFC 3161 Time-Stamp Authority, or None")
    return {**values, "user_agent": agent, "wayback_url": wayback.rstrip("/"), "tsa_url": tsa}


def _run_settings(settings_file: Path) -> dict[str, Any]:
    """Run the settings file as Pelican does; an error in it becomes a ConfigError with its line."""
    try:
        return runpy.run_path(str(settings_file))
    except SyntaxError as e:  # not Python at all (a binary file too), or a typo
        where = f"{settings_file}:{e.lineno}" if e.lineno else str(settings_file)
        raise ConfigError(f"{where}: not valid Python ({e.msg}); is this the Pelican settings file?") from None
    except Exception as e:  # the settings file's own code failed (a NameError, a missing import)
        line = next((f.lineno for f in reversed(traceback.extract_tb(e.__traceback__))
                     if Path(f.filename) == settings_file), None)
        where = f"{settings_file}:{line}" if line else str(settings_file)
        raise ConfigError(f"{where}: the settings file failed: {type(e).__name__}: {e}") from None


def load_config(settings_file: Path) -> Config:
    """Read pelicanconf.py without Pelican, the way the CLI and the server do."""
    if not settings_file.is_file():
        raise ConfigError(f"{settings_file}: no such settings file (run from the project folder)")
    settings = {k: v for k, v in _run_settings(settings_file).items() if k.isupper()}
    return Config.from_settings(settings, settings_file.resolve().parent)
