"""What a source URL must be: http(s), a host we could connect to, and read alike by every parser.

url_problem("http://[::1/")                    # "is not a valid URL (Invalid IPv6 URL)"
url_problem("http://127.0.0.1:8000\\@1.1.1.1/") # "is malformed: urlsplit reads the host as '1.1.1.1' but ..."
url_problem("https://example.org/page")        # None

urllib3 makes the connections, so its reading of a URL is the one that counts; a URL that the
standard library's urlsplit reads differently (a backslash before an '@', say) is refused, since
any check made on one reading would not hold for the other.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

__all__ = ["url_problem"]

# A DNS label as IDNA leaves it: letters, digits and inner hyphens (underscores, which DNS allows
# and some real hosts use, are let through).
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


def _host_problem(host: str) -> str | None:
    """Why host is no host we could connect to, or None. host is urllib3's (IDNA-encoded) reading."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        pass
    else:
        return None
    name = bare.removesuffix(".")
    labels = name.split(".")
    bad = next((label for label in labels if not _LABEL.match(label)), None)
    if bad is not None or len(name) > 253:
        return f"has an invalid host name '{host}' (each part holds only letters, digits and hyphens)"
    if labels[-1].isdigit():  # '0x7f.1' or '2130706433': read as an IPv4 address by resolvers
        return f"has a host '{host}' that is neither a name nor an IP address written in full"
    return None


def _userinfo(netloc: str) -> str | None:
    return netloc.rpartition("@")[0] if "@" in netloc else None


def url_problem(url: str) -> str | None:
    """Why url cannot be captured as written, as a phrase to follow the URL; None if it can."""
    try:
        split = urlsplit(url)
        split_port = split.port
    except ValueError as e:
        return f"is not a valid URL ({e})"
    if split.scheme not in ("http", "https") or not split.hostname:
        return "is not an http(s) URL with a host"
    try:
        parsed = parse_url(url)
    except LocationParseError as e:
        return f"is not a valid URL ({str(e).removeprefix('Failed to parse: ')})"
    host = parsed.host or ""
    split_host = split.hostname  # lower case, without brackets
    if not split_host.isascii():  # IDNA-encoded as urllib3 encodes it; a host it cannot encode failed above
        split_host = parse_url(f"http://{split_host}/").host
    elif ":" in split_host:
        split_host = f"[{split_host}]"
    readings = [
        ("host", split_host, host),
        ("port", split_port, parsed.port),
        ("user name and password", _userinfo(split.netloc), parsed.auth),
    ]
    for what, theirs, ours in readings:
        if theirs != ours:
            return (f"is malformed: urlsplit reads the {what} as {theirs!r} but urllib3, which makes "
                    f"the connection, reads {ours!r}")
    return _host_problem(host)
