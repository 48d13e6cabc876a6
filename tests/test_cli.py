"""The CLI in-process: search output, and errors as one sentence with a status."""

from __future__ import annotations

import json
import re

import pytest
from simarchive.cli import main


def test_search_prints_hits(built_site, capsys):
    status = main(["--settings", str(built_site.settings), "search", "Isle of Wight"])
    out = capsys.readouterr().out
    assert status == 0
    assert re.fullmatch(r"2 result\(s\) for 'Isle of Wight' \(\d+ ms\)", out.splitlines()[0])
    # The event and the source both have the words in their titles; either may rank first.
    assert re.search(r"^[12]\. Street triage pilot starts on the \[Isle\] of \[Wight\] \(event, 2012\)$", out, re.M)
    assert "pilot on the [Isle] of [Wight] paired" in out


def test_search_json(built_site, capsys):
    assert main(["--settings", str(built_site.settings), "search", "fellowship", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    urls = [h["url"] for h in data["hits"]]
    # The event first (its title); then the sources it cites, found by the citing event's title.
    assert urls[0] == "/events/2016-fellowship/"
    assert sorted(urls[1:]) == ["/sources/agency-page/", "/sources/island-news/"]


def test_search_without_index_says_what_to_do(site, capsys):
    assert main(["--settings", str(site.settings), "search", "pilot"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (f"sim-archive: {site.index}: no search index; "
                           "build it with `sim-archive index` (or make html)")


def test_missing_settings_file(tmp_path, capsys):
    assert main(["--settings", str(tmp_path / "nope.py"), "check"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"sim-archive: {tmp_path / 'nope.py'}: no such settings file (run from the project folder)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("This is a README, not Python.\n", "{path}:1: not valid Python (invalid syntax); "
                                            "is this the Pelican settings file?"),
        ('SITENAME = "SIM"\nPATH = content\n', "{path}:2: the settings file failed: NameError: "
                                               "name 'content' is not defined"),
        ("\x89PNG\r\n\x1a\n\x00\x00", "{path}: not valid Python (source code string cannot contain null "
                                      "bytes); is this the Pelican settings file?"),
    ],
)
def test_a_settings_file_that_is_not_python_is_named_with_its_line(tmp_path, capsys, text, message):
    path = tmp_path / "settings.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["--settings", str(path), "check"]) == 1
    assert capsys.readouterr().err == f"sim-archive: {message.format(path=path)}\n"


def test_serve_on_a_port_in_use_says_so(built_site, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--settings", str(built_site.settings), "serve", "--port", str(port)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"sim-archive: port {port} on 127.0.0.1 is in use by another program; stop it, or choose another "
        "port with --port (make serve: PORT=8080 make serve)")


@pytest.mark.parametrize("port", ["99999", "-1", "８０", "80a"])
def test_serve_refuses_a_port_that_is_not_one(built_site, capsys, port):
    with pytest.raises(SystemExit) as stop:
        main(["--settings", str(built_site.settings), "serve", "--port", port])
    assert stop.value.code == 2
    assert f"argument --port: {port!r} is not a port: a whole number from 1 to 65535, or 0 for any" in \
        capsys.readouterr().err


def test_serve_prints_the_port_it_listens_on(built_site):
    import subprocess
    import urllib.request

    from support import BIN

    server = subprocess.Popen([str(BIN / "sim-archive"), "--settings", str(built_site.settings), "serve",
                               "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(0)
        assert int(url.rsplit(":", 1)[1].strip("/")) > 0
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
