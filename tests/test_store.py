"""store.py: the archive layout, atomic commits, listing and loading captures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from simarchive.archive import store
from simarchive.errors import ArchiveError

MOMENT = dt.datetime(2026, 3, 10, 9, 30, 5, tzinfo=dt.UTC)


def record(**changes: object) -> dict:
    base = {
        "source_id": "src",
        "original_url": "http://example.org/",
        "fetched_url": "http://example.org/",
        "final_url": "http://example.org/",
        "redirects": [],
        "status": 200,
        "content_type": "text/html",
        "length": 3,
        "sha256": "a" * 64,
        "captured_at": "2026-03-10T09:30:05Z",
        "via": "live",
        "wayback_timestamp": None,
        "tool_version": "sim-archive 0.1.0",
        "extraction": {"method": "html", "characters": 3},
        "metadata": {},
        "warnings": [],
    }
    return {**base, **changes}


def make_capture(archive: Path, moment: dt.datetime = MOMENT, **changes: object) -> Path:
    tmp = store.begin_capture(archive, "src")
    (tmp / store.TEXT).write_text("abc\n")
    (tmp / store.WARC).write_bytes(b"")
    store.write_capture_json(tmp, record(**changes))
    return store.commit_capture(tmp, moment)


def test_commit_renames_the_temp_folder_into_place(tmp_path):
    tmp = store.begin_capture(tmp_path, "src")
    assert tmp.parent == tmp_path / "src" and tmp.name.startswith(".tmp-")
    (tmp / store.TEXT).write_text("abc\n")
    store.write_capture_json(tmp, record())
    folder = store.commit_capture(tmp, MOMENT)
    assert folder == tmp_path / "src" / "20260310T093005Z"
    assert not tmp.exists()
    assert (folder.stat().st_mode & 0o777) == 0o755


def test_a_taken_name_gets_a_suffix_and_nothing_is_overwritten(tmp_path):
    first = make_capture(tmp_path)
    second = make_capture(tmp_path, warnings=["second"])
    third = make_capture(tmp_path, warnings=["third"])
    assert [first.name, second.name, third.name] == [
        "20260310T093005Z",
        "20260310T093005Z-2",
        "20260310T093005Z-3",
    ]
    assert store.load_capture(first).warnings == ()


def test_list_captures_sorted_latest_last_and_temp_folders_hidden(tmp_path):
    later = make_capture(tmp_path, MOMENT + dt.timedelta(days=1))
    earlier = make_capture(tmp_path)
    for _ in range(2, 12):  # "-10" must sort after "-9"
        make_capture(tmp_path)
    store.begin_capture(tmp_path, "src")  # an interrupted capture
    captures = store.list_captures(tmp_path, "src")
    assert captures[0].path == earlier and captures[-1].path == later
    assert [c.timestamp for c in captures][9:11] == ["20260310T093005Z-10", "20260310T093005Z-11"]
    assert store.list_captures(tmp_path, "other") == []
    assert len(store.leftovers(tmp_path)) == 1


def test_load_capture_gives_the_dataclass(tmp_path):
    capture = store.load_capture(
        make_capture(tmp_path, via="wayback", wayback_timestamp="20160502100000")
    )
    assert capture.source_id == "src"
    assert capture.timestamp == "20260310T093005Z"
    assert (capture.via, capture.wayback_timestamp, capture.status, capture.length) == (
        "wayback",
        "20160502100000",
        200,
        3,
    )
    assert capture.text_path.read_text() == "abc\n"
    assert capture.warc_path.name == "capture.warc.gz"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sha256": "xyz"}, "field 'sha256' is not a SHA-256 in hex"),
        ({"via": "ftp"}, "field 'via' must be live or wayback, not 'ftp'"),
        ({"status": "200"}, "field 'status' has the wrong type (str)"),
    ],
)
def test_load_capture_says_what_is_wrong(tmp_path, change, message):
    folder = make_capture(tmp_path)
    path = folder / store.CAPTURE_JSON
    path.write_text(json.dumps(record(**change)))
    with pytest.raises(ArchiveError) as info:
        store.load_capture(folder)
    assert str(info.value) == f"{path}: {message}"


def test_load_capture_missing_field_and_bad_json(tmp_path):
    folder = make_capture(tmp_path)
    path = folder / store.CAPTURE_JSON
    data = record()
    del data["sha256"]
    path.write_text(json.dumps(data))
    with pytest.raises(ArchiveError, match="missing field 'sha256'"):
        store.load_capture(folder)
    path.write_text("{")
    with pytest.raises(ArchiveError) as info:
        store.load_capture(folder)
    assert str(info.value).startswith(f"{path}: not valid JSON (")


def test_an_incomplete_record_is_never_written(tmp_path):
    tmp = store.begin_capture(tmp_path, "src")
    with pytest.raises(ArchiveError) as info:
        store.write_capture_json(tmp, {"source_id": "src"})
    assert str(info.value).startswith(f"{tmp / store.CAPTURE_JSON}: record lacks original_url, ")


def test_discard_only_removes_temp_folders(tmp_path):
    folder = make_capture(tmp_path)
    store.discard_capture(folder)
    assert folder.exists()
    tmp = store.begin_capture(tmp_path, "src")
    store.discard_capture(tmp)
    assert not tmp.exists()


def test_list_captures_leaves_a_damaged_capture_out_and_says_so(tmp_path, caplog):
    good = make_capture(tmp_path)
    damaged = make_capture(tmp_path, MOMENT + dt.timedelta(days=1))
    (damaged / store.CAPTURE_JSON).write_text("{")
    assert [c.path for c in store.list_captures(tmp_path, "src")] == [good]
    assert f"{damaged / store.CAPTURE_JSON}: not valid JSON" in caplog.text
    assert "run sim-archive verify" in caplog.text


def test_capture_day_is_the_utc_day_as_people_write_it():
    assert store.capture_day("2026-11-26T23:40:55Z") == "26 Nov 2026"
    assert store.capture_day("not a time") == "not a time"
