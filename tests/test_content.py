"""Every content mistake gives one exact line, from `sim-archive check` and from the build."""

from __future__ import annotations

import shutil

import pytest
from support import DATA

KNOWN = "(known ids are in content/sources.toml)"
EDTF = ("expected an EDTF date such as 2023-03-10, 2021-06, 2012, [2016,2017], [2023-04..2023-12], "
        "2018/2020, ../2018-04, 2012-11~ or 2022?")
KINDS = "news, official, campaign, report, foi, parliament, encyclopedia, promotional"

CASES = {
    "unknown-source.md": f"content/events/unknown-source.md:6: Sources: unknown id 'agnecy-page' {KNOWN}",
    "unknown-citation.md": (
        f"content/events/unknown-citation.md:10: citation: unknown id 'agnecy-page' in [@agnecy-page] {KNOWN}"
    ),
    "unlisted-citation.md": (
        "content/events/unlisted-citation.md:8: citation: [@letter] is cited in the text but not listed in Sources"
    ),
    "bad-when.md": f"content/events/bad-when.md:3: When: 'March 2019' is not valid EDTF; {EDTF}",
    "no-such-day.md": "content/events/no-such-day.md:3: When: '2019-02-29' names a month or day that does not exist",
    "duplicate-slug.md": (
        "content/events/duplicate-slug.md:2: Slug: '2012-pilot' is already used by content/events/2012-pilot.md"
    ),
    "missing-field.md": (
        "content/events/missing-field.md:1: When: missing; every event needs a 'When:' line before the first blank line"
    ),
    "unknown-phase.md": (
        "content/events/unknown-phase.md:5: Phase: unknown phase 'Expansion'; "
        "expected one of Origins, Spread, Concerns, Review, Aftermath"
    ),
    "unknown-field.md": (
        "content/events/unknown-field.md:6: Source: unknown field; "
        "known fields are Title, Slug, When, Summary, Phase, Sources, Actors, Disputed, Modified, Turning"
    ),
    "unknown-kind.toml": f"content/sources.toml:27: kind: unknown kind 'blog'; expected one of {KINDS}",
    "bad-url.toml": "content/sources.toml:24: url: 'file:///etc/passwd' is not an http(s) URL with a host",
    "duplicate-id.toml": "content/sources.toml:23: letter: duplicate id; it is already declared at line 16",
    "missing-url.toml": (
        "content/sources.toml:23: url: missing in [no-url]; every source needs url, title, publisher, kind"
    ),
    "bad-published.toml": (
        "content/sources.toml:28: published: '2021-06-31' names a month or day that does not exist"
    ),
    # issue #18: each of these was a traceback, a wrong line, or a silent pass
    "repeated-slug.md": "content/events/repeated-slug.md:5: Slug: given twice, at lines 2 and 5; keep one 'Slug:' line",
    "bad-ipv6-url.toml": "content/sources.toml:24: url: 'http://[::1/' is not a valid URL (Invalid IPv6 URL)",
    "space-in-host.toml": (
        "content/sources.toml:24: url: 'http://exa mple.org/page' is not a valid URL "
        "(Host 'exa mple.org' contains invalid character ' ')"
    ),
    "backslash-url.toml": (
        "content/sources.toml:24: url: 'http://127.0.0.1:8000\\@1.1.1.1/x' is malformed: urlsplit reads the "
        "host as '1.1.1.1' but urllib3, which makes the connection, reads '127.0.0.1'"
    ),
    "deep-array.toml": "content/sources.toml: invalid TOML: arrays or tables nested too deeply to read",
    "multiline-note.toml": f"content/sources.toml:33: kind: unknown kind 'blog'; expected one of {KINDS}",
}


def add_bad_file(site, name: str) -> None:
    bad = DATA / "bad" / name
    if bad.suffix == ".md":
        shutil.copy(bad, site.content / "events" / name)
    else:
        with (site.content / "sources.toml").open("a", encoding="utf-8") as registry:
            registry.write(bad.read_text(encoding="utf-8"))


def test_every_bad_fixture_has_a_case():
    assert sorted(p.name for p in (DATA / "bad").iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_reports_the_exact_problem(site, name):
    add_bad_file(site, name)
    result = site.run("check")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [CASES[name], "1 problem(s) found."]


@pytest.mark.parametrize("name", ["unknown-source.md", "bad-when.md", "unknown-kind.toml", "repeated-slug.md"])
def test_build_fails_with_the_same_line(site, name):
    add_bad_file(site, name)
    result = site.build()
    assert result.returncode == 1
    assert f"simarchive: {CASES[name]}" in result.log.splitlines()
    assert not (site.output / "index.html").exists()


def test_the_pelican_command_stops_with_the_line_and_no_traceback(site):
    add_bad_file(site, "unknown-source.md")
    result = site.run(tool="pelican")
    assert result.returncode == 1
    assert f"simarchive: {CASES['unknown-source.md']}" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr + result.stdout


def test_all_problems_are_reported_at_once(site):
    for name in ("unknown-source.md", "bad-when.md", "unknown-kind.toml"):
        add_bad_file(site, name)
    result = site.run("check")
    assert result.returncode == 1
    assert result.stderr.splitlines() == sorted(
        [CASES["unknown-kind.toml"], CASES["bad-when.md"], CASES["unknown-source.md"]],
        key=lambda line: (not line.startswith("content/sources.toml"), line),
    ) + ["3 problem(s) found."]


def test_missing_registry_is_one_clear_line(site):
    (site.content / "sources.toml").unlink()
    result = site.run("check")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "content/sources.toml: no such file; the source registry is required"


UNCAPTURED = [
    "note: content/sources.toml:2: island-news: never captured (sim-archive capture island-news)",
    "note: content/sources.toml:10: agency-page: never captured (sim-archive capture agency-page)",
    "note: content/sources.toml:16: letter: never captured (sim-archive capture letter)",
]
UNVERIFIED = [
    "note: content/events/2012-pilot.md:9: citation: quote \"police and nurses\" not yet verified: "
    "'island-news' has no capture",
]


def test_good_content_passes_and_lists_what_a_curator_should_know(site):
    result = site.run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        *UNCAPTURED, *UNVERIFIED, "OK: 5 events, 3 sources; 0 quotes verified, 1 not yet verifiable.",
    ]


def test_uncited_source_is_a_note(site):
    with (site.content / "sources.toml").open("a", encoding="utf-8") as registry:
        registry.write('\n[spare]\nurl = "https://example.org/spare"\ntitle = "Spare"\n'
                       'publisher = "Nobody"\nkind = "news"\n')
    result = site.run("check")
    assert result.returncode == 0
    assert "note: content/sources.toml:23: spare: no event cites this source" in result.stdout.splitlines()


def test_strict_makes_uncaptured_sources_and_unverified_quotes_errors(site):
    result = site.run("check", "--strict")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        line.removeprefix("note: ") for line in UNCAPTURED + UNVERIFIED
    ] + ["4 problem(s) found."]


REGISTRY_WITH_SPANS = """[first]
url = "https://example.org/first"
title = \"\"\"A title
[looks-like-a-table]
kind = "looks like a key"
\"\"\"
publisher = '''Nobody
kind = "still a string"'''
kind = "blog"

[second]
url = "https://example.org/second"
title = "Second"
publisher = "Nobody"
kind = "report"
tags = [
  ["an array"],
  ["that looks like a table"]
]

[third]
url = "https://example.org/third"
title = "Third"
publisher = "Nobody"
kind = "zine"
"""


def test_registry_lines_are_right_after_multi_line_strings_and_arrays(tmp_path):
    from simarchive.content.registry import load_sources

    path = tmp_path / "sources.toml"
    path.write_text(REGISTRY_WITH_SPANS, encoding="utf-8")
    _, problems = load_sources(path, "sources.toml")
    known = "url, title, publisher, kind, published, author, language, note"
    assert [str(p) for p in problems] == [
        f"sources.toml:9: kind: unknown kind 'blog'; expected one of {KINDS}",
        f"sources.toml:16: tags: unknown field; known fields are {known}",
        f"sources.toml:25: kind: unknown kind 'zine'; expected one of {KINDS}",
    ]


def test_a_byte_order_mark_at_the_top_of_an_event_is_accepted(site):
    """Some editors write one; Pelican ignores it, and so do we (it used to hide every field)."""
    event = site.content / "events" / "2012-pilot.md"
    event.write_bytes(b"\xef\xbb\xbf" + event.read_bytes())
    result = site.run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "OK: 5 events, 3 sources; 0 quotes verified, 1 not yet verifiable."
