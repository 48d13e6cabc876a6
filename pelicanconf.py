"""Pelican settings for the SIM Timeline and Evidence Archive (also read by `sim-archive`)."""

import hashlib
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

ROOT = Path(__file__).resolve().parent

SITENAME = "SIM Timeline and Evidence Archive"
SITEURL = ""
AUTHOR = "SIM Timeline and Evidence Archive"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"

PATH = str(ROOT / "content")
OUTPUT_PATH = str(ROOT / "output")
THEME = str(ROOT / "theme")
ARTICLE_PATHS = ["events"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
IGNORE_FILES = [".#*", "*.toml"]

PLUGIN_PATHS = [str(ROOT / "plugins")]
PLUGINS = ["simarchive"]

# Events are the site; Pelican's blog pages (categories, tags, authors, archives) are off. One
# Atom feed of every event (Pelican's own); the plugin dates its entries by their last revision.
ARTICLE_URL = "events/{slug}/"
ARTICLE_SAVE_AS = "events/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES: list[str] = []
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
FEED_ALL_ATOM = "feeds/events.atom.xml"
FEED_ALL_RSS = None
FEED_DOMAIN = SITEURL
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
SUMMARY_MAX_LENGTH = None
ARTICLE_ORDER_BY = "date"
DEFAULT_DATE = None
SLUGIFY_SOURCE = "title"
# Every build starts from an empty output folder, so it holds exactly what this build makes:
# Pelican empties it first (keeping the folder itself, and any top-level name listed in
# OUTPUT_RETENTION), once the plugin has checked the content. The plugin refuses an OUTPUT_PATH
# that holds the content, the archive, the search index or the theme.
DELETE_OUTPUT_DIRECTORY = True
# Pelican's cache folder; the citations rendered by the last build are kept there too.
CACHE_PATH = str(ROOT / "var" / "cache")
# auto_reload off: Pelican makes a new Jinja environment for every build (one per generator), so
# checking each included template's file for changes on every page only costs time. Jinja's
# bytecode cache (in the system's temporary folder) spares each build, and each environment in
# it, compiling the same templates again. It knows a template by its path and text only, so the
# names of its files carry these options: change one, and the cache starts afresh.
_jinja_options = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, "auto_reload": False}
_options_key = hashlib.sha256(repr(sorted(_jinja_options.items())).encode()).hexdigest()[:12]
JINJA_ENVIRONMENT = {**_jinja_options,
                     "bytecode_cache": FileSystemBytecodeCache(pattern=f"sim-{_options_key}-%s.cache")}

# The plugin's own settings (documented in README.md, validated by simarchive.config).
SIMARCHIVE_SOURCES = str(ROOT / "content" / "sources.toml")
SIMARCHIVE_ARCHIVE = str(ROOT / "archive")
SIMARCHIVE_INDEX = str(ROOT / "var" / "search-index")
SIMARCHIVE_PHASES = ["Origins", "Spread", "Concerns", "Review", "Aftermath"]
SIMARCHIVE_MAX_QUERY = 500
# Where readers send corrections (docs/settings.md): set one or both before publishing.
SIMARCHIVE_CORRECTIONS_URL = ""
SIMARCHIVE_CORRECTIONS_EMAIL = ""
