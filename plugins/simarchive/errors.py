"""The project's exceptions: one root, each carrying where the problem is."""

from __future__ import annotations


class SimArchiveError(Exception):
    """Root of every error this package raises on purpose."""


class ConfigError(SimArchiveError):
    """A SIMARCHIVE_* setting is unknown, mistyped or out of range."""


class ThemeError(SimArchiveError):
    """The theme is inconsistent: a template asks for an asset that is not there, or scripts import
    one that is missing."""


class ContentError(SimArchiveError):
    """A problem in content/: carries the file, the line (or None) and the field."""

    def __init__(self, path: str, line: int | None, field: str | None, message: str):
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class DateError(SimArchiveError, ValueError):
    """A date string that is not one of the EDTF forms we accept, or names no real day."""


class CiteError(SimArchiveError):
    """An unknown id, style or capture to cite; the message lists what exists."""


class CaptureError(SimArchiveError):
    """Fetching or storing one source failed; carries the URL, and the HTTP status if one came."""

    def __init__(self, url: str, message: str, *, status: int | None = None):
        self.url = url
        self.message = message
        self.status = status
        super().__init__(f"{url}: {message}")


class SourceGoneError(CaptureError):
    """The live URL is gone (404, 410, unknown host, refused connection): Wayback may have it."""


class HostNotFoundError(SourceGoneError):
    """The URL's host name does not resolve (the DNS lookup failed)."""


class SourceBlockedError(CaptureError):
    """The live server refuses us (401, 403, 429, 451): Wayback may have the page."""


class SelectionError(SimArchiveError):
    """The sources asked for cannot be chosen: an unknown id, or no selection at all."""


class ArchiveError(SimArchiveError):
    """The archive on disk is unreadable or inconsistent; carries the path."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class SearchError(SimArchiveError):
    """The search index is missing, corrupt, or a query cannot be run."""


class QueryError(SearchError):
    """A search query that cannot be parsed or is refused; the message says why."""
