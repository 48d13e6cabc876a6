"""The WSGI app: the built site through WhiteNoise, plus /search and /api/search."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import threading
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from whitenoise import WhiteNoise

from .cite.export import DOWNLOAD_PREFIX
from .config import Config, load_config
from .errors import QueryError, SearchError
from .search.api import SORTS, Results, SearchRequest, request_from_params, results_json, search_url
from .search.searcher import Searcher
from .site.assets import Assets, fingerprinted

logger = logging.getLogger(__name__)

__all__ = ["WAITRESS", "app_from_settings", "create_app"]

#: waitress's settings for `sim-archive serve`: idle or trickling clients must not hold every
#: connection (waitress stops accepting at `connection_limit`, and has no header timeout of its
#: own, only `channel_timeout` for a connection that sends nothing); poll() because select()
#: cannot watch more than 1,024 sockets.
WAITRESS = {"connection_limit": 500, "channel_timeout": 20, "cleanup_interval": 5, "asyncore_use_poll": True,
            "ident": "sim-archive"}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


#: Evidence and citation files are saved, never shown: a captured PDF or WARC is hostile input.
#: (name prefix, suffix, media type). Citation files are named for what they are
#: (sim-timeline-<slug>.bib), and the name the browser saves is the file's own, so it is the
#: name the Cite box's download link gives.
DOWNLOADS = (
    ("", ".warc.gz", "application/warc"),
    ("", ".wacz", "application/wacz"),
    ("", ".tsr", "application/timestamp-reply"),
    ("", ".pdf", "application/pdf"),
    (DOWNLOAD_PREFIX, ".bib", "application/x-bibtex; charset=utf-8"),
    (DOWNLOAD_PREFIX, ".ris", "application/x-research-info-systems; charset=utf-8"),
    (DOWNLOAD_PREFIX, ".json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
)


#: Pages made per request (search, errors) are gzipped when the client accepts it and they are
#: this long at least (smaller ones gain nothing). The test is the token, as Django's is: a
#: client that lists gzip with q=0 is rare enough not to matter.
GZIP_FROM = 1024
ACCEPTS_GZIP = re.compile(r"\bgzip\b", re.IGNORECASE)


#: For what never changes under its name: fingerprinted theme assets, and a capture's files.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Pages are kept by the browser but asked again each time (WhiteNoise answers 304 to an unchanged
#: ETag): a new build changes them, and the fingerprinted names they link to.
REVALIDATE = "no-cache"


def _add_static_headers(headers, path, url) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    if headers.get("Content-Type", "").startswith("text/html"):
        # A capture's page too: its text never changes, but the site around it (the archive's
        # state in the footer, the assets it links to) does.
        headers["Cache-Control"] = REVALIDATE
    elif fingerprinted(url) or "/captures/" in url:  # a capture never changes once written
        headers["Cache-Control"] = IMMUTABLE
    name = url.rsplit("/", 1)[-1]
    for prefix, suffix, media in DOWNLOADS:
        if name.startswith(prefix) and name.endswith(suffix):
            headers["Content-Type"] = media
            headers["Content-Disposition"] = f'attachment; filename="{name}"'
            break


class SearchApp:
    """Answers what is not a static file: the search page, the JSON API, or a 404 page."""

    def __init__(self, config: Config):
        self.config = config
        self.env = Environment(
            loader=FileSystemLoader(str(config.theme / "templates")),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(SITENAME=config.sitename, SITEURL=config.siteurl, search_url=search_url,
                                search_sorts=SORTS)
        # One searcher for every thread, following the index when a build switches it.
        self.searcher = Searcher(config.index, config.archive, config.max_query, config.search_seconds)
        # Searching is Python holding the GIL: in one process, two searches at once run no faster
        # than one after the other, and each makes the static pages wait. The others wait here,
        # holding nothing (docs/serving.md: more processes for more searches).
        self._one_at_a_time = threading.Lock()

    def use_assets(self, assets: Assets) -> None:
        """Link the theme's assets by the names of the build being served (PublishedSite calls it
        whenever it moves to a build)."""
        assets.install(self.env)

    def search(self, request: SearchRequest) -> Results:
        with self._one_at_a_time:
            return self.searcher.search(request)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        try:
            if path in ("/search", "/search/"):
                return self.search_page(params, environ, start_response)
            if path == "/api/search":
                return self.search_api(params, environ, start_response)
            return self.page(HTTPStatus.NOT_FOUND, "error.html", environ, start_response,
                             heading="Page not found",
                             message="There is no page at this address. Try the timeline or search.")
        except Exception:  # the one place errors become pages: never a traceback to a reader
            logger.exception("simarchive: error answering %s", path)
            if path == "/api/search":
                return self.json(HTTPStatus.INTERNAL_SERVER_ERROR,
                                 {"error": "the server could not answer this search",
                                  "query": params.get("q", [""])[0]}, environ, start_response)
            return self.page(HTTPStatus.INTERNAL_SERVER_ERROR, "error.html", environ, start_response,
                             heading="Something went wrong",
                             message="The server could not answer this request. Please try again later.")

    def search_page(self, params: dict, environ: dict, start_response):
        q = params.get("q", [""])[0]
        context = {"q": q, "results": None, "error": None, "request": None}
        if not q.strip() and not params.get("page"):
            return self.page(HTTPStatus.OK, "search.html", environ, start_response, **context)
        try:
            context["request"] = request = request_from_params(params)
            context["results"] = self.search(request)
        except QueryError as e:
            context["error"] = str(e)
            return self.page(HTTPStatus.BAD_REQUEST, "search.html", environ, start_response, **context)
        except SearchError as e:
            logger.error("simarchive: %s", e)
            context["error"] = "Search is unavailable for the moment; the rest of the site still works."
            return self.page(HTTPStatus.SERVICE_UNAVAILABLE, "search.html", environ, start_response, **context)
        return self.page(HTTPStatus.OK, "search.html", environ, start_response, **context)

    def search_api(self, params: dict, environ: dict, start_response):
        q = params.get("q", [""])[0]
        try:
            results = self.search(request_from_params(params))
        except QueryError as e:
            return self.json(HTTPStatus.BAD_REQUEST, {"error": str(e), "query": q}, environ, start_response)
        except SearchError as e:
            logger.error("simarchive: %s", e)
            return self.json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "search is unavailable", "query": q},
                             environ, start_response)
        return self.json(HTTPStatus.OK, results_json(results), environ, start_response)

    def page(self, status: HTTPStatus, template: str, environ: dict, start_response, **context):
        html = self.env.get_template(template).render(page_name="search" if template == "search.html" else "",
                                                      max_query=self.config.max_query, **context)
        return self._respond(status, "text/html; charset=utf-8", html.encode("utf-8"), environ, start_response)

    def json(self, status: HTTPStatus, body: dict, environ: dict, start_response):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return self._respond(status, "application/json; charset=utf-8", data, environ, start_response)

    @staticmethod
    def _respond(status: HTTPStatus, content_type: str, data: bytes, environ: dict, start_response):
        headers = [("Content-Type", content_type), ("Cache-Control", "no-store"), ("Vary", "Accept-Encoding"),
                   *SECURITY_HEADERS.items()]
        # The static pages are sent precompressed (publish.py); what is made here is compressed as it
        # goes. These pages hold no secret, so a reflected query reveals nothing (BREACH needs one).
        if len(data) >= GZIP_FROM and ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", "")):
            data = gzip.compress(data, compresslevel=6, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        start_response(f"{status.value} {status.phrase}", [*headers, ("Content-Length", str(len(data)))])
        return [data]


def app_from_settings(settings: str = "pelicanconf.py") -> PublishedSite:
    """The app for another WSGI server, from a settings file (relative to the current folder):
    gunicorn 'simarchive.web:app_from_settings("pelicanconf.py")'."""
    return create_app(load_config(Path(settings)))


class PublishedSite:
    """The static site through WhiteNoise, over the build that OUTPUT_PATH points to (see
    site/publish.py). WhiteNoise reads every file's size and headers once, when it starts, so
    when a build is published a new WhiteNoise is made over the new build, and a page is never
    sent with another build's length or ETag; requests under way finish from the build before,
    which publishing keeps."""

    def __init__(self, config: Config):
        self.output = config.output
        self.search = SearchApp(config)
        self._lock = threading.Lock()
        self._root: str | None = None
        self._static: WhiteNoise | None = None

    def static(self) -> WhiteNoise:
        root = os.path.realpath(self.output)
        if root != self._root:
            with self._lock:
                if root != self._root:
                    self.search.use_assets(Assets.from_build(Path(root) / "theme"))
                    self._static = WhiteNoise(self.search, root=root, index_file=True,
                                              add_headers_function=_add_static_headers)
                    self._root = root
        return self._static

    def __call__(self, environ, start_response):
        return self.static()(environ, start_response)


def create_app(config: Config) -> PublishedSite:
    """The whole server: static files of the published build first, then SearchApp."""
    return PublishedSite(config)
