"""`sim-archive export --wacz`: the WACZ validates with py-wacz, lists one page per capture with its
main text, hashes every file, repeats byte for byte, and every capture replays from it in pywb."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
import requests
from httpfixtures import CP1252_TEXT, http_server, make_config, no_proxies, source  # noqa: F401
from simarchive.archive import store
from simarchive.archive.wacz import wacz_name, write_wacz
from simarchive.capture.pipeline import capture_sources
from simarchive.cli import main
from support import BIN, free_port
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

PATHS = {"article": "/article", "latin": "/cp1252", "report": "/doc.pdf", "moved": "/redirect/1", "notes": "/chunked"}


@pytest.fixture
def archive(http_server, tmp_path):
    config = make_config(tmp_path, http_server)
    sources = [source(sid, http_server.url(path)) for sid, path in PATHS.items()]
    assert capture_sources(sources, config.archive, config, allow_private=True).ok
    assert capture_sources(sources[:1], config.archive, config, allow_private=True).ok  # a second capture
    return config.archive


def _captures(archive: Path) -> list[store.Capture]:
    return [c for sid in PATHS for c in store.list_captures(archive, sid)]


@pytest.fixture
def wacz(archive, tmp_path) -> Path:
    return write_wacz(tmp_path / "all.wacz", _captures(archive), titles={"notes": "Notes on a page"})


def test_py_wacz_validates_it(wacz):
    done = subprocess.run([str(BIN / "wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded, the passed WACZ is valid" in done.stdout


def test_one_page_per_capture_with_its_main_text(wacz, archive):
    with zipfile.ZipFile(wacz) as package:
        header, *pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert header == {"format": "json-pages-1.0", "hasText": True, "id": "pages",
                      "title": "SIM Timeline and Evidence Archive"}
    captures = _captures(archive)
    assert len(pages) == len(captures) == 6
    for page, capture in zip(pages, captures, strict=True):
        assert page["url"] == capture.final_url and page["ts"] == capture.captured_at
        assert page["text"] == capture.text_path.read_text(encoding="utf-8")
    latin = next(p for p in pages if p["id"].startswith("latin/"))
    assert CP1252_TEXT.strip().splitlines()[0] in latin["text"]  # read as the capture decoded it
    assert next(p for p in pages if p["id"].startswith("report/"))["title"] == "SIM Review"  # the PDF's own
    assert next(p for p in pages if p["id"].startswith("notes/"))["title"] == "Notes on a page"  # states none
    assert next(p for p in pages if p["id"].startswith("moved/"))["url"].endswith("/article")


def test_datapackage_hashes_every_file(wacz):
    with zipfile.ZipFile(wacz) as package:
        names = set(package.namelist())
        datapackage = package.read("datapackage.json")
        listed = json.loads(datapackage)["resources"]
        digest = json.loads(package.read("datapackage-digest.json"))
        assert {r["path"] for r in listed} == names - {"datapackage.json", "datapackage-digest.json"}
        for resource in listed:
            data = package.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        assert digest == {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(datapackage).hexdigest()}
        assert all(package.getinfo(n).compress_type == zipfile.ZIP_STORED for n in names if n.startswith("archive/"))


def test_the_warcs_are_the_captures_own_bytes_and_the_index_finds_every_record(wacz, archive, tmp_path):
    with zipfile.ZipFile(wacz) as package:
        for capture in _captures(archive):
            assert package.read(f"archive/{wacz_name(capture)}") == capture.warc_path.read_bytes()
        lines = package.read("indexes/index.cdx").decode().splitlines()
        assert lines == sorted(lines)
        for line in lines:
            key, stamp, fields = line.split(" ", 2)
            entry = json.loads(fields)
            data = package.read(f"archive/{entry['filename']}")
            chunk = data[int(entry["offset"]):int(entry["offset"]) + int(entry["length"])]
            record = next(iter(ArchiveIterator(io.BytesIO(chunk))))
            assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
            assert iso_date_to_timestamp(record.rec_headers.get_header("WARC-Date")) == stamp
    responses = sum(1 for c in _captures(archive) for _ in c.redirects) + len(_captures(archive))
    assert len(lines) == responses


def test_two_exports_of_the_same_captures_are_identical(archive, tmp_path):
    first = write_wacz(tmp_path / "a.wacz", _captures(archive)).read_bytes()
    time.sleep(1.1)  # a second later: nothing in the package may depend on when it was made
    assert write_wacz(tmp_path / "b.wacz", _captures(archive)).read_bytes() == first


def test_sim_archive_export(http_server, tmp_path, capsys):
    (tmp_path / "sources.toml").write_text(
        f'[article]\nurl = "{http_server.url("/article")}"\ntitle = "The pilot report"\npublisher = "P"\n'
        'kind = "report"\n\n[other]\nurl = "https://example.org/"\ntitle = "O"\npublisher = "P"\nkind = "report"\n')
    conf = tmp_path / "conf.py"
    conf.write_text('SIMARCHIVE_SOURCES = "sources.toml"\nSIMARCHIVE_ARCHIVE = "archive"\nSIMARCHIVE_RETRIES = 0\n'
                    'SIMARCHIVE_DELAY = 0\n')
    assert main(["--settings", str(conf), "export", "--wacz", "other", "-o", str(tmp_path / "x.wacz")]) == 1
    none = f"sim-archive: no captures of other in {tmp_path / 'archive'}; capture them first\n"
    assert capsys.readouterr().err == none
    assert main(["--settings", str(conf), "export", "--wacz", "nosuch"]) == 1
    assert "unknown source id 'nosuch'" in capsys.readouterr().err
    assert main(["--settings", str(conf), "capture", "article", "--allow-private"]) == 0
    capsys.readouterr()
    assert main(["--settings", str(conf), "export", "--wacz", "-o", str(tmp_path / "x.wacz")]) == 0
    assert capsys.readouterr().out == f"Wrote {tmp_path / 'x.wacz'}: 1 capture(s) of 1 source(s).\n"
    with zipfile.ZipFile(tmp_path / "x.wacz") as package:
        assert json.loads(package.read("datapackage.json"))["title"] == "The pilot report"


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
        except requests.ConnectionError:
            time.sleep(0.2)
        else:
            return
    raise AssertionError(f"pywb did not answer at {url} within {seconds} s")


def _final_payload(warc: Path) -> tuple[str, str, bytes]:
    """The final response's URL, 14-digit timestamp and payload as received."""
    with warc.open("rb") as stream:
        found = None
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                found = (record.rec_headers.get_header("WARC-Target-URI"),
                         iso_date_to_timestamp(record.rec_headers.get_header("WARC-Date")),
                         record.raw_stream.read())
    assert found
    return found


def test_every_capture_replays_byte_for_byte_in_pywb(wacz, archive, tmp_path):
    root = tmp_path / "pywb"
    root.mkdir()
    run = {"cwd": root, "capture_output": True, "text": True, "timeout": 120}
    assert subprocess.run([str(BIN / "wb-manager"), "init", "sim"], check=False, **run).returncode == 0
    added = subprocess.run([str(BIN / "wb-manager"), "add", "--unpack-wacz", "sim", str(wacz)], check=False, **run)
    assert added.returncode == 0, added.stderr
    port = free_port()
    server = subprocess.Popen([str(BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(f"http://127.0.0.1:{port}/")
        for capture in _captures(archive):
            url, stamp, payload = _final_payload(capture.warc_path)
            replay = requests.get(f"http://127.0.0.1:{port}/sim/{stamp}id_/{url}", timeout=30, stream=True)
            assert replay.status_code == capture.status, url
            assert replay.raw.read(decode_content=False) == payload, f"{capture.source_id}/{capture.timestamp}"
    finally:
        server.terminate()
        server.wait(timeout=30)
