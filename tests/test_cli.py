"""The CLI in-process: search output, and errors as one sentence with a status."""

from __future__ import annotations

import json

from simarchive.cli import main


def test_search_prints_hits(built_site, capsys):
    status = main(["--settings", str(built_site.settings), "search", "Isle of Wight"])
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0] == "2 result(s) for 'Isle of Wight'"
    assert "1. Street triage pilot starts on the Isle of Wight (event, 2012)" in out
    assert "[Isle] of [Wight]" in out


def test_search_json(built_site, capsys):
    assert main(["--settings", str(built_site.settings), "search", "fellowship", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [h["url"] for h in data["hits"]] == ["/events/2016-fellowship/"]


def test_search_without_index_says_what_to_do(site, capsys):
    assert main(["--settings", str(site.settings), "search", "pilot"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"sim-archive: {site.index}: no search index; build the site first (make html)"


def test_missing_settings_file(tmp_path, capsys):
    assert main(["--settings", str(tmp_path / "nope.py"), "check"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"sim-archive: {tmp_path / 'nope.py'}: no such settings file (run from the project folder)"
    )
