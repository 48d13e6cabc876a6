"""RFC 3161 tokens over each capture's manifest, from a local TSA made with `openssl ts`: asked
for by `sim-archive timestamp`, checked by verify against the manifest and the TSA's CA."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess

import pytest
from httpfixtures import http_server, make_config, no_proxies, settings, source  # noqa: F401
from simarchive.archive import store
from simarchive.archive.fixity import MANIFEST, TOKEN
from simarchive.archive.timestamps import load_trust, read_token
from simarchive.archive.verify import verify_archive
from simarchive.capture.pipeline import capture_sources
from simarchive.capture.timestamping import timestamp_archive
from simarchive.cli import main
from tsafixtures import tsa  # noqa: F401


@pytest.fixture
def stamped(http_server, tmp_path, tsa):
    """Two sealed captures of two sources, each timestamped by the local TSA."""
    config = make_config(tmp_path, http_server, tsa_url=tsa.url, tsa_cert=str(tsa.ca))
    sources = [source("article", http_server.url("/article")), source("cp1252", http_server.url("/cp1252"))]
    report = capture_sources(sources, config.archive, config, allow_private=True)
    assert report.ok
    folders = [p for s in sources for p in store.capture_dirs(config.archive, s.id)]
    return config, folders


def test_every_sealed_capture_has_a_token_that_verify_checks(stamped, tsa):
    config, folders = stamped
    assert len(folders) == 2 and tsa.queries >= 2  # capture asked for each token itself
    for folder in folders:
        assert (folder / TOKEN).is_file()
        stamp = read_token(folder)
        assert stamp is not None and stamp.authority == "Loopback Test TSA"
    result = verify_archive(config.archive, trust=load_trust(tsa.ca))
    assert result.problems == []
    assert sorted(result.timestamped) == sorted(folders)
    assert result.signatures_checked


def test_openssl_verifies_the_token_too(stamped, tsa):
    _, folders = stamped
    done = subprocess.run(["openssl", "ts", "-verify", "-data", str(folders[0] / MANIFEST),
                           "-in", str(folders[0] / TOKEN), "-CAfile", str(tsa.ca)],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0 and "Verification: OK" in done.stdout


def test_a_token_for_another_manifest_is_refused(stamped, tsa):
    config, (first, second) = stamped
    (first / TOKEN).unlink()
    shutil.copyfile(second / TOKEN, first / TOKEN)
    result = verify_archive(config.archive, trust=load_trust(tsa.ca))
    assert [(p, m.split(":")[0]) for p, m in result.problems] == [(first / TOKEN, "the token is for another manifest")]


def test_a_changed_manifest_no_longer_matches_its_token(stamped, tsa):
    config, (first, _) = stamped
    manifest = first / MANIFEST
    manifest.write_text(manifest.read_text() + "\n")  # the same entries: only the token can tell
    result = verify_archive(config.archive, trust=load_trust(tsa.ca))
    assert any(p == first / TOKEN and "another manifest" in m for p, m in result.problems)


@pytest.mark.parametrize("where", ["middle", "end"])
def test_a_tampered_token_is_refused(stamped, tsa, where):
    config, (first, _) = stamped
    token = bytearray((first / TOKEN).read_bytes())
    # The middle of the token is inside the signed TSTInfo or the signature; the end is the signature.
    token[len(token) // 2 if where == "middle" else len(token) - 3] ^= 0x01
    (first / TOKEN).write_bytes(bytes(token))
    result = verify_archive(config.archive, trust=load_trust(tsa.ca))
    assert [p for p, _ in result.problems] == [first / TOKEN]


def test_a_token_signed_by_another_authority_is_refused(stamped, tsa):
    config, (first, _) = stamped
    result = verify_archive(config.archive, trust=load_trust(tsa.other_ca))
    assert {p for p, _ in result.problems} == {f / TOKEN for f in stamped[1]}
    assert all("signature does not check against the TSA certificates" in m for _, m in result.problems)


def test_without_the_tsa_certificate_tokens_are_checked_against_their_manifests_only(stamped):
    config, folders = stamped
    result = verify_archive(config.archive)
    assert result.ok and not result.signatures_checked and len(result.timestamped) == 2


def test_the_token_is_the_one_file_allowed_beside_the_manifest(stamped):
    config, (first, _) = stamped
    (first / "manifest-sha256.txt.tsr2").write_bytes(b"x")
    problems = verify_archive(config.archive).problems
    assert problems == [(first / "manifest-sha256.txt.tsr2",
                         f"not in {MANIFEST}: the file was added after the capture was made")]


def test_a_capture_is_timestamped_once(stamped, tsa):
    config, folders = stamped
    before = {f: (f / TOKEN).read_bytes() for f in folders}
    report = timestamp_archive(config.archive, [], config)
    assert report.stamped == [] and [r for _, r in report.skipped] == ["already timestamped"] * 2
    assert {f: (f / TOKEN).read_bytes() for f in folders} == before


def test_a_capture_whose_files_changed_is_not_timestamped(http_server, tmp_path, tsa):
    config = make_config(tmp_path, http_server, tsa_url=tsa.url)
    capture_sources([source("article", http_server.url("/article"))], config.archive,
                    dataclasses.replace(config, tsa_url=None), allow_private=True)
    (folder,) = store.capture_dirs(config.archive, "article")
    (folder / "text.txt").write_text("altered\n")
    report = timestamp_archive(config.archive, [], config)
    assert report.stamped == [] and not (folder / TOKEN).exists()
    assert report.failed[0][1].startswith(f"not timestamped: {folder / 'text.txt'}: SHA-256 is ")


def test_sim_archive_timestamp_and_verify(http_server, tmp_path, tsa, capsys):
    (tmp_path / "sources.toml").write_text(
        f'[article]\nurl = "{http_server.url("/article")}"\ntitle = "A"\npublisher = "P"\nkind = "report"\n')
    conf = tmp_path / "conf.py"
    conf.write_text('SIMARCHIVE_SOURCES = "sources.toml"\nSIMARCHIVE_ARCHIVE = "archive"\nSIMARCHIVE_RETRIES = 0\n'
                    'SIMARCHIVE_DELAY = 0\n')
    assert main(["--settings", str(conf), "capture", "article", "--allow-private"]) == 0
    capsys.readouterr()
    assert main(["--settings", str(conf), "timestamp"]) == 1
    assert "SIMARCHIVE_TSA_URL is not set" in capsys.readouterr().err
    conf.write_text(conf.read_text() + f'SIMARCHIVE_TSA_URL = "{tsa.url}"\nSIMARCHIVE_TSA_CERT = "{tsa.ca}"\n')
    assert main(["--settings", str(conf), "verify"]) == 0
    (folder,) = store.capture_dirs(tmp_path / "archive", "article")
    assert capsys.readouterr().out.splitlines()[0] == (
        f"note: {folder}: no time-stamp token; `sim-archive timestamp` asks {tsa.url} for one")
    status = main(["--settings", str(conf), "timestamp", "article"])
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out == [f"timestamped: {folder / TOKEN}", "1 timestamped, 0 skipped, 0 failed."]
    assert main(["--settings", str(conf), "verify"]) == 0
    assert capsys.readouterr().out == f"OK: 1 capture(s), 1 time-stamp token(s) verified in {tmp_path / 'archive'}.\n"


def test_a_tsa_that_refuses_leaves_the_capture_with_a_warning(http_server, tmp_path, tsa):
    config = make_config(tmp_path, http_server, tsa_url=tsa.url, retries=0)
    tsa.server.refuse = True
    try:
        report = capture_sources([source("article", http_server.url("/article"))], config.archive, config,
                                 allow_private=True)
    finally:
        tsa.server.refuse = False
    (folder,) = store.capture_dirs(config.archive, "article")
    assert report.ok and not (folder / TOKEN).exists()
    assert report.outcomes[0].warnings[-1] == (
        f"not timestamped ({tsa.url}: the Time-Stamp Authority answered HTTP 503 Service Unavailable); "
        "`sim-archive timestamp article` asks again")
    assert timestamp_archive(config.archive, [], config).stamped == [folder / TOKEN]


def test_a_tsa_that_refuses_fails_the_timestamp_asked_for(http_server, tmp_path, tsa):
    config = make_config(tmp_path, http_server, tsa_url=tsa.url, retries=0)
    capture_sources([source("article", http_server.url("/article"))], config.archive,
                    dataclasses.replace(config, tsa_url=None), allow_private=True)
    tsa.server.refuse = True
    try:
        report = timestamp_archive(config.archive, [], config)
    finally:
        tsa.server.refuse = False
    refused = f"{tsa.url}: the Time-Stamp Authority answered HTTP 503 Service Unavailable"
    assert [m for _, m in report.failed] == [refused]


def test_a_token_with_no_manifest_is_a_problem_and_stops_sealing(stamped):
    config, (first, _) = stamped
    (first / MANIFEST).unlink()
    result = verify_archive(config.archive, seal=True)
    assert (first / TOKEN, f"a time-stamp token with no {MANIFEST} beside it to stamp") in result.problems
    assert not (first / MANIFEST).exists()


def test_verify_json_lists_the_tokens(stamped, tsa, capsys, tmp_path):
    config, folders = stamped
    conf = tmp_path / "verify-conf.py"
    conf.write_text(f'SIMARCHIVE_ARCHIVE = "{config.archive}"\nSIMARCHIVE_TSA_CERT = "{tsa.ca}"\n')
    assert main(["--settings", str(conf), "verify", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data["timestamped"]) == sorted(map(str, folders)) and data["signatures_checked"] is True
