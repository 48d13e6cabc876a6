"""The Cite box, the downloads and the page metadata in a full build, and `sim-archive cite`."""

from __future__ import annotations

import bibtexparser
import extruct
import pytest
import rispy
from bs4 import BeautifulSoup
from simarchive.cli import main


def test_cli_unknown_id_lists_what_exists(built_site, capsys):
    assert main(["--settings", str(built_site.settings), "cite", "nope"]) == 1
    assert capsys.readouterr().err.strip() == (
        "sim-archive: unknown id 'nope'; known events: 2012-pilot, 2016-fellowship, 2018-spread, "
        "2021-closure, 2023-letter; sources: agency-page, island-news, letter"
    )
    assert main(["--settings", str(built_site.settings), "cite", "letter", "--capture", "20200101T000000Z"]) == 1
    assert capsys.readouterr().err.strip() == (
        "sim-archive: no capture '20200101T000000Z' of 'letter'; its captures: none yet"
    )


def test_cli_cites_an_event_and_a_source(built_site, capsys):
    settings = str(built_site.settings)
    assert main(["--settings", settings, "cite", "island-news", "--style", "harvard"]) == 0
    captured = capsys.readouterr()
    assert captured.out == (
        "Reporter, A. (2012) ‘Pilot pairs police and nurses on the Isle of Wight’, Island Test News, 2 November. "
        "Available at: https://example.org/island/pilot.\n"
    )
    assert "SITEURL is empty" in captured.err
    assert main(["--settings", settings, "cite", "2021-closure", "--style", "ris"]) == 0
    assert capsys.readouterr().out.startswith("TY  - ELEC\r\nTI  - Network closes (June 2021)\r\n")
