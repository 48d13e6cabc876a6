"""`sim-archive capture` and `sim-archive verify`, run in-process against a local server."""

from __future__ import annotations

import json

import pytest
from httpfixtures import every_warc_replays, http_server, no_proxies  # noqa: F401
from simarchive.cli import main

REGISTRY = """
[article]
url = "{base}/article"
title = "Serenity Integrated Mentoring pilot report"
publisher = "Example Trust"
kind = "report"

[broken]
url = "{base}/broken"
title = "Broken"
publisher = "Example Trust"
kind = "report"
"""

SETTINGS = """
SIMARCHIVE_SOURCES = "sources.toml"
SIMARCHIVE_ARCHIVE = "archive"
SIMARCHIVE_RETRIES = 0
SIMARCHIVE_DELAY = 0
SIMARCHIVE_READ_TIMEOUT = 1
SIMARCHIVE_WAYBACK_URL = "{base}"
"""


@pytest.fixture
def conf(tmp_path, http_server):
    (tmp_path / "sources.toml").write_text(REGISTRY.format(base=http_server.base))
    settings = tmp_path / "conf.py"
    settings.write_text(SETTINGS.format(base=http_server.base))
    return settings


def test_capture_prints_a_table_and_fails_if_any_source_failed(conf, tmp_path, http_server, capsys):
    status = main(["--settings", str(conf), "capture", "--all", "--allow-private"])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out[0].startswith("article  captured  live, 1.0 kB, sha256 ")
    assert out[1] == "                   path: live, because the live page answered HTTP 200"
    assert out[2] == f"broken   failed    {http_server.base}/broken: HTTP 500 Internal Server Error"
    assert out[3] == "                   path: live tried"
    assert out[-1] == "1 captured, 0 skipped, 1 failed."


def test_capture_missing_then_verify(conf, tmp_path, capsys):
    assert main(["--settings", str(conf), "capture", "article", "--allow-private"]) == 0
    assert (
        main(["--settings", str(conf), "capture", "article", "--missing", "--allow-private"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["article  skipped  already captured", "0 captured, 1 skipped, 0 failed."]
    assert main(["--settings", str(conf), "verify"]) == 0
    assert capsys.readouterr().out == f"OK: 1 capture(s) verified in {tmp_path / 'archive'}.\n"


def test_private_urls_are_refused_without_the_flag(conf, http_server, capsys):
    assert main(["--settings", str(conf), "capture", "article"]) == 1
    out = capsys.readouterr().out
    assert (
        f"{http_server.base}/article: refused: host '127.0.0.1' resolves to 127.0.0.1, a loopback "
        "address (pass --allow-private to capture it)"
    ) in out


def test_unknown_ids_and_no_selection_are_one_sentence(conf, capsys):
    assert main(["--settings", str(conf), "capture", "nope"]) == 1
    assert (
        capsys.readouterr().err == "sim-archive: unknown source id 'nope' (not in the registry)\n"
    )
    assert main(["--settings", str(conf), "capture"]) == 1
    assert capsys.readouterr().err == (
        "sim-archive: name the sources to capture by id, or pass --all or --missing\n"
    )


def test_sources_and_archive_options_override_the_settings(conf, tmp_path, capsys):
    other = tmp_path / "elsewhere"
    args = [
        "--settings",
        str(conf),
        "capture",
        "article",
        "--allow-private",
        "--archive",
        str(other),
        "--sources",
        str(tmp_path / "sources.toml"),
    ]
    assert main(args) == 0
    assert len(list(other.glob("article/*/capture.json"))) == 1
    assert not (tmp_path / "archive").exists()


@pytest.mark.damages_warcs
def test_verify_json_reports_problems_with_their_paths(conf, tmp_path, capsys):
    main(["--settings", str(conf), "capture", "article", "--allow-private"])
    capsys.readouterr()
    warc = next((tmp_path / "archive").glob("article/*/capture.warc.gz"))
    warc.write_bytes(warc.read_bytes()[:-40])
    assert main(["--settings", str(conf), "verify", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["ok"], result["checked"], result["leftovers"]) == (False, 1, [])
    assert {p["path"] for p in result["problems"]} == {str(warc)}


def test_bad_timestamp_is_a_usage_error(conf, capsys):
    with pytest.raises(SystemExit) as info:
        main(["--settings", str(conf), "capture", "article", "--timestamp", "2016-01-01"])
    assert info.value.code == 2
    assert "'2016-01-01' is not a date as YYYYMMDD" in capsys.readouterr().err


def test_the_parser_knows_the_same_vias_as_the_core():
    from simarchive.capture import cli as capture_cli
    from simarchive.capture import pipeline as capture

    assert capture_cli.VIAS == capture.VIAS


def test_verify_notes_leftovers_without_failing(conf, tmp_path, capsys):
    main(["--settings", str(conf), "capture", "article", "--allow-private"])
    leftover = tmp_path / "archive" / "article" / ".tmp-killed"
    leftover.mkdir()
    capsys.readouterr()
    assert main(["--settings", str(conf), "verify"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"note: {leftover}: left by an interrupted capture; not part of the archive, safe to delete",
        f"OK: 1 capture(s) verified in {tmp_path / 'archive'}.",
    ]


def test_ids_and_all_together_are_refused(conf, capsys):
    assert main(["--settings", str(conf), "capture", "article", "--all"]) == 1
    assert capsys.readouterr().err == "sim-archive: give source ids or --all, not both\n"


def test_capture_warns_when_no_contact_url_is_configured(conf, capsys):
    main(["--settings", str(conf), "capture", "article", "--allow-private"])
    err = capsys.readouterr().err
    assert ("note: the User-Agent names no contact URL" in err) == ("SIMARCHIVE_USER_AGENT" not in conf.read_text())
