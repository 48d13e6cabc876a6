"""verify.py: a clean archive passes; one changed byte, a wrong hash or a missing file fails."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from httpfixtures import ARTICLE, every_warc_replays, http_server, no_proxies, settings, source  # noqa: F401
from simarchive.archive import store
from simarchive.archive.verify import verify_archive
from simarchive.capture.pipeline import capture_sources


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
    assert (result.ok, result.checked, result.problems, result.leftovers) == (True, 2, [], [])


@pytest.mark.damages_warcs
def test_one_changed_byte_in_the_payload_fails_naming_the_file(http_server, settings):
    capture = captured(http_server, settings)
    rewrite_warc(capture.warc_path, b"Isle of Wight", b"Isle of Wighs")
    result = verify_archive(settings.archive)
    assert not result.ok
    assert {path for path, _ in result.problems} == {capture.warc_path}
    changed = hashlib.sha256(ARTICLE.replace("Wight", "Wighs").encode()).hexdigest()
    assert result.problems[-1][1] == (
        f"payload SHA-256 is {changed}, but capture.json records {capture.sha256}: "
        "the stored copy has changed"
    )
    assert any("digest" in message for _, message in result.problems[:-1])


@pytest.mark.damages_warcs
def test_a_damaged_gzip_stream_fails_naming_the_file(http_server, settings):
    capture = captured(http_server, settings)
    data = bytearray(capture.warc_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    capture.warc_path.write_bytes(bytes(data))
    result = verify_archive(settings.archive)
    assert [path for path, _ in result.problems] == [capture.warc_path]
    assert result.problems[0][1].startswith("unreadable WARC (")


def test_a_changed_hash_in_capture_json_fails(http_server, settings):
    capture = captured(http_server, settings)
    path = capture.path / store.CAPTURE_JSON
    data = json.loads(path.read_text())
    data["sha256"] = "0" * 64
    path.write_text(json.dumps(data))
    result = verify_archive(settings.archive)
    assert result.problems == [
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
    assert result.problems == [(capture.text_path, "missing")]
    (capture.path / store.CAPTURE_JSON).write_text("[]")
    result = verify_archive(settings.archive)
    assert result.problems == [(capture.path / store.CAPTURE_JSON, "expected a JSON object")]


def test_leftover_temp_folders_are_reported_not_errors(http_server, settings):
    captured(http_server, settings)
    tmp = store.begin_capture(settings.archive, "src")
    result = verify_archive(settings.archive)
    assert result.ok and result.leftovers == [tmp]
