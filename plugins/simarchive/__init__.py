"""SIM Timeline and Evidence Archive: Pelican plugin, capture, search and citation tools."""

from __future__ import annotations

__version__ = "0.1.0"


def register() -> None:
    """Pelican's entry point. Imported lazily, so the CLI and the server never load Pelican."""
    from .site import plugin

    plugin.register()
