"""verify.py: a clean archive passes; every kind of tampering is reported with the capture and file.

Each tampering test changes a capture the way the hardening review did (issue #18) and asserts
the exact problems verify reports.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import subprocess

import pytest
from httpfixtures import ARTICLE, every_warc_replays, http_server, no_proxies, settings, source  # noqa: F401
from simarchive.archive import store
from simarchive.archive.fixity import write_manifest
from simarchive.archive.verify import verify_archive
from simarchive.capture.pipeline import capture_sources
from simarchive.cli import main
from warcio.archiveiterator import ArchiveIterator

CHANGED = "but manifest-sha256.txt records {}: the file has changed since the capture was made"


def warc_date(path) -> str:  # noqa: ANN001
    """The WARC-Date of the (last) response record, read with warcio."""
    with path.open("rb") as stream:
        dates = [r.rec_headers.get_header("WARC-Date") for r in ArchiveIterator(stream) if r.rec_type == "response"]
    return dates[-1]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def changed(path, before: bytes) -> tuple:  # noqa: ANN001
    """The problem verify reports for a file whose bytes are no longer `before`."""
    return (path, f"SHA-256 is {sha(path.read_bytes())}, " + CHANGED.format(sha(before)))


def captured(server, config, path="/article"):  # noqa: ANN001, ANN201
    report = capture_sources(
        [source("src", server.url(path))], config.archive, config, allow_private=True
    )
    return store.load_capture(report.outcomes[0].path)


def rewrite_warc(path, old: bytes, new: bytes) -> None:  # noqa: ANN001
    """Change bytes inside the WARC and gzip it again record by record, as warcio expects."""
    data = gzip.decompress(path.read_bytes())
    assert data.count(old) == 1
    data = data.replace(old, new)
    records = [b"WARC/1.1\r\n" + part for part in data.split(b"WARC/1.1\r\n")[1:]]
    path.write_bytes(b"".join(gzip.compress(r) for r in records))


def test_a_clean_archive_verifies(http_server, settings):
    captured(http_server, settings)
    captured(http_server, settings, "/doc.pdf")
    result = verify_archive(settings.archive)
    assert (result.ok, result.checked, result.problems, result.leftovers, result.unsealed) == (True, 2, [], [], [])


def test_the_manifest_lists_every_file_and_sha256sum_agrees(http_server, settings):
    capture = captured(http_server, settings)
    lines = (capture.path / store.MANIFEST).read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["capture.json", "capture.warc.gz", "fulltext.txt", "text.txt"]
    assert lines[3] == f"{sha(capture.text_path.read_bytes())}  text.txt"
    # an independent reader of the same format (BagIt's, and coreutils')
    check = subprocess.run(["sha256sum", "--check", "--strict", store.MANIFEST], cwd=capture.path,
                           capture_output=True, text=True, check=False)
    assert (check.returncode, check.stdout) == (
        0, "capture.json: OK\ncapture.warc.gz: OK\nfulltext.txt: OK\ntext.txt: OK\n")


@pytest.mark.damages_warcs
def test_one_changed_byte_in_the_payload_fails_naming_the_file(http_server, settings):
    capture = captured(http_server, settings)
    before = capture.warc_path.read_bytes()
    rewrite_warc(capture.warc_path, b"Isle of Wight", b"Isle of Wighs")
    result = verify_archive(settings.archive)
    assert not result.ok
    assert {path for path, _ in result.problems} == {capture.warc_path}
    assert result.problems[0] == changed(capture.warc_path, before)
    payload = sha(ARTICLE.replace("Wight", "Wighs").encode())
    assert result.problems[-1][1] == (
        f"payload SHA-256 is {payload}, but capture.json records {capture.sha256}: "
        "the stored copy has changed"
    )
    assert any("digest" in message for _, message in result.problems[1:-1])


@pytest.mark.damages_warcs
def test_a_damaged_gzip_stream_fails_naming_the_file(http_server, settings):
    capture = captured(http_server, settings)
    data = bytearray(capture.warc_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    capture.warc_path.write_bytes(bytes(data))
    result = verify_archive(settings.archive)
    assert {path for path, _ in result.problems} == {capture.warc_path}
    assert result.problems[0][1].startswith("SHA-256 is ")
    assert any(message.startswith("unreadable WARC (") for _, message in result.problems[1:])


def test_a_changed_hash_in_capture_json_fails(http_server, settings):
    capture = captured(http_server, settings)
    path = capture.path / store.CAPTURE_JSON
    before = path.read_bytes()
    data = json.loads(before)
    data["sha256"] = "0" * 64
    path.write_text(json.dumps(data))
    result = verify_archive(settings.archive)
    assert result.problems == [
        changed(path, before),
        (
            capture.warc_path,
            f"payload SHA-256 is {capture.sha256}, but capture.json "
            f"records {'0' * 64}: the stored copy has changed",
        )
    ]


def test_missing_files_and_invalid_json_are_problems(http_server, settings):
    capture = captured(http_server, settings)
    capture.text_path.unlink()
    result = verify_archive(settings.archive)
    assert result.problems == [(capture.text_path, "missing: the manifest lists it (manifest-sha256.txt)")]
    path = capture.path / store.CAPTURE_JSON
    before = path.read_bytes()
    path.write_text("[]")
    result = verify_archive(settings.archive)
    assert result.problems == [
        changed(path, before),
        (capture.text_path, "missing: the manifest lists it (manifest-sha256.txt)"),
        (path, "expected a JSON object"),
    ]


def test_leftover_temp_folders_are_reported_not_errors(http_server, settings):
    captured(http_server, settings)
    tmp = store.begin_capture(settings.archive, "src")
    result = verify_archive(settings.archive)
    assert result.ok and result.leftovers == [tmp]


# The tampering of issue #18, item 2: each one reported, naming the capture and the file.


def test_text_changed_by_one_byte(http_server, settings):
    capture = captured(http_server, settings)
    before = capture.text_path.read_bytes()
    capture.text_path.write_bytes(before.replace(b"Isle of Wight", b"Isle of Wighs", 1))
    assert verify_archive(settings.archive).problems == [changed(capture.text_path, before)]


def test_text_emptied(http_server, settings):
    capture = captured(http_server, settings)
    before = capture.text_path.read_bytes()
    capture.text_path.write_bytes(b"")
    assert verify_archive(settings.archive).problems == [
        (capture.text_path, f"SHA-256 is {sha(b'')}, " + CHANGED.format(sha(before)))
    ]


def test_text_replaced_by_a_symlink_is_refused_by_verify_and_by_every_reader(http_server, settings, caplog):
    capture = captured(http_server, settings)
    capture.text_path.unlink()
    capture.text_path.symlink_to("/etc/passwd")
    assert verify_archive(settings.archive).problems == [
        (capture.text_path, "is a symbolic link (to /etc/passwd); a capture holds only regular files")
    ]
    with caplog.at_level(logging.WARNING):
        assert store.list_captures(settings.archive, "src") == []  # what the build and search read
    assert caplog.messages == [
        f"simarchive: {capture.text_path}: is a symbolic link; a capture holds only regular files in a "
        "real folder; run sim-archive verify"
    ]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("captured_at", "2016-05-02T10:00:00Z",
         "captured_at is '2016-05-02T10:00:00Z', but the WARC's last response is dated {date!r}"),
        ("final_url", "https://example.org/other",
         "final_url is 'https://example.org/other', but the WARC's last response is for {url!r}"),
        ("status", 404, "status is 404, but the WARC's last response has HTTP status 200"),
        ("length", 12, "length is 12, but the WARC's last payload is, in bytes, {length!r}"),
    ],
)
def test_capture_json_changed(http_server, settings, key, value, message):
    capture = captured(http_server, settings)
    path = capture.path / store.CAPTURE_JSON
    before = path.read_bytes()
    data = json.loads(before)
    date = warc_date(capture.warc_path)
    data[key] = value
    path.write_text(json.dumps(data))
    expected = [changed(path, before),
                (path, message.format(date=date, url=capture.final_url, length=capture.length))]
    if key == "captured_at":
        expected.append((capture.path, "the folder's name is not the capture's time: capture.json's "
                                       "captured_at is 2016-05-02T10:00:00Z"))
    if key == "final_url":
        expected.insert(2, (path, f"redirects is ['https://example.org/other'], but the WARC's responses "
                                  f"are for [{capture.final_url!r}]"))
    assert verify_archive(settings.archive).problems == expected


def test_a_rewritten_manifest_does_not_hide_a_changed_capture_json(http_server, settings):
    """Whoever changes captured_at and writes a new manifest still disagrees with the WARC."""
    capture = captured(http_server, settings)
    path = capture.path / store.CAPTURE_JSON
    data = json.loads(path.read_text())
    data["captured_at"] = capture.captured_at.replace(capture.captured_at[:4], "2016")
    path.write_text(json.dumps(data))
    write_manifest(capture.path)
    problems = verify_archive(settings.archive).problems
    assert [(p, m.split(",")[0]) for p, m in problems] == [
        (path, f"captured_at is '{data['captured_at']}'"),
        (capture.path, "the folder's name is not the capture's time: capture.json's captured_at is "
                       f"{data['captured_at']}"),
    ]


def test_a_file_added_to_a_capture(http_server, settings):
    capture = captured(http_server, settings)
    (capture.path / "extra.html").write_text("<script>alert(1)</script>")
    assert verify_archive(settings.archive).problems == [
        (capture.path / "extra.html", "not in manifest-sha256.txt: the file was added after the capture was made")
    ]


def test_a_capture_folder_replaced_by_a_symlink(http_server, settings, tmp_path, caplog):
    capture = captured(http_server, settings)
    elsewhere = tmp_path / "elsewhere"
    capture.path.rename(elsewhere)
    capture.path.symlink_to(elsewhere, target_is_directory=True)
    assert verify_archive(settings.archive).problems == [
        (capture.path, f"is a symbolic link (to {elsewhere}); a capture folder must be a real folder "
                       "inside the archive")
    ]
    with caplog.at_level(logging.WARNING):
        assert store.list_captures(settings.archive, "src") == []


def test_a_capture_folder_renamed_to_a_name_that_is_not_a_timestamp(http_server, settings):
    capture = captured(http_server, settings)
    renamed = capture.path.with_name("latest")
    capture.path.rename(renamed)
    result = verify_archive(settings.archive)
    assert (result.checked, result.problems) == (0, [
        (renamed, "not a capture: a folder whose name is not a capture timestamp (YYYYMMDDTHHMMSSZ), so "
                  "the site never shows it; give it back its name, or move it out of the archive")
    ])


def test_a_capture_folder_renamed_to_another_time(http_server, settings):
    capture = captured(http_server, settings)
    renamed = capture.path.with_name("20160502T100000Z")
    capture.path.rename(renamed)
    assert verify_archive(settings.archive).problems == [
        (renamed, f"the folder's name is not the capture's time: capture.json's captured_at is "
                  f"{capture.captured_at}")
    ]


def test_an_archive_that_does_not_exist_fails(tmp_path, capsys):
    missing = tmp_path / "nonexistent"
    assert verify_archive(missing).problems == [
        (missing, "no such archive folder (check --archive or SIMARCHIVE_ARCHIVE)")
    ]
    settings = tmp_path / "conf.py"
    settings.write_text("")
    assert main(["--settings", str(settings), "verify", "--archive", str(missing)]) == 1
    assert capsys.readouterr().err == (
        f"{missing}: no such archive folder (check --archive or SIMARCHIVE_ARCHIVE)\n"
        "1 problem(s) in 0 capture(s).\n"
    )


def test_a_capture_without_a_manifest_is_verified_as_before_then_sealed(http_server, settings, tmp_path, capsys):
    capture = captured(http_server, settings)
    (capture.path / store.MANIFEST).unlink()  # as a capture made before manifests were
    result = verify_archive(settings.archive)
    assert (result.ok, result.unsealed, result.sealed) == (True, [capture.path], [])
    conf = tmp_path / "conf.py"
    conf.write_text("")
    assert main(["--settings", str(conf), "verify", "--archive", str(settings.archive), "--seal"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"sealed: {capture.path}: manifest-sha256.txt written",
        f"OK: 1 capture(s) verified in {settings.archive}.",
    ]
    result = verify_archive(settings.archive)
    assert (result.ok, result.unsealed, result.sealed) == (True, [], [])
    (capture.path / "extra.txt").write_text("added")
    assert [p for p, _ in verify_archive(settings.archive).problems] == [capture.path / "extra.txt"]


def test_a_capture_that_fails_is_not_sealed(http_server, settings):
    capture = captured(http_server, settings)
    (capture.path / store.MANIFEST).unlink()
    capture.text_path.unlink()
    result = verify_archive(settings.archive, seal=True)
    assert (result.problems, result.sealed, result.unsealed) == ([(capture.text_path, "missing")], [], [])
    assert not (capture.path / store.MANIFEST).exists()
