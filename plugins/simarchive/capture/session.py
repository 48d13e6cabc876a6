"""The requests Session every capture uses: who we are, how politely we retry, and the guard."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..config import Config
from .guard import Guard, GuardedAdapter

__all__ = ["RETRY_STATUSES", "make_adapter", "make_session"]

RETRY_STATUSES = (429, 500, 502, 503, 504)
#: A Retry-After longer than this is cut short, so one server cannot stall a run for hours.
MAX_RETRY_AFTER = 120.0


class _PoliteRetry(Retry):
    """urllib3's Retry, with a ceiling on how long a Retry-After may make us wait."""

    def get_retry_after(self, response):  # noqa: ANN001, ANN201 - urllib3's signature
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER)


def make_adapter(config: Config, guard: Guard | None = None) -> HTTPAdapter:
    """An adapter that retries connection errors, 429 and 5xx with backoff; guarded if given one."""
    retry = _PoliteRetry(
        total=config.retries,
        connect=config.retries,
        read=0,  # a read timeout is not retried: a slow server is not made slower
        status=config.retries,
        other=0,
        redirect=False,  # redirects are followed by fetch(), which records each hop
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        backoff_factor=config.backoff,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    if guard is not None:
        return GuardedAdapter(guard, max_retries=retry)
    return HTTPAdapter(max_retries=retry, pool_maxsize=max(10, config.per_host * 4))


def make_session(config: Config) -> requests.Session:
    """A Session that identifies us and retries politely.

    fetch() sends its requests through a GuardedAdapter of its own; the Session's adapter serves
    the Wayback availability API, whose host is a setting.
    """
    session = requests.Session()
    adapter = make_adapter(config)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False  # no proxies or netrc from the environment between us and a source
    session.headers.update(
        {"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate", "Accept": "*/*"}
    )
    return session
