"""Faults: a disk that fills during a capture, and a search index that is missing or corrupt."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import requests
from httpfixtures import http_server  # noqa: F401 - a fixture
from support import BIN, serving

SCRIPT = """
mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
"$2" --settings "$3" capture big --allow-private
echo "exit=$?"
find "$1" -mindepth 1 | sort
"""


def unshare_works() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False).returncode == 0


@pytest.fixture
def small_disk_capture(site, http_server):  # noqa: F811
    if not unshare_works():
        reason = "a full disk is simulated with a 64 KB tmpfs in a private mount namespace: run as root"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        print(f"\nSKIPPED: {reason}")
        pytest.skip(reason)
    with (site.content / "sources.toml").open("a", encoding="utf-8") as registry:
        registry.write(f'\n[big]\nurl = "{http_server.url("/huge")}"\ntitle = "Big"\npublisher = "P"\nkind = "news"\n')
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write("SIMARCHIVE_DELAY = 0\nSIMARCHIVE_RETRIES = 0\nSIMARCHIVE_MAX_BYTES = 1_000_000\n")
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", SCRIPT, "sh", str(site.archive), str(BIN / "sim-archive"), str(site.settings)],
        cwd=site.root, capture_output=True, text=True, timeout=120, check=False,
    )


def test_a_full_disk_ends_the_capture_with_a_message_and_no_partial_folder(small_disk_capture):
    result = small_disk_capture
    assert "exit=1" in result.stdout, result.stdout + result.stderr
    assert "is full; nothing was kept. Free some space and capture again" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    listed = [line for line in result.stdout.splitlines() if line.startswith("/")]
    assert not any("/big/" in line for line in listed), listed  # no capture, no .tmp- folder


def test_missing_index_is_a_503_page_while_the_static_site_works(site, tmp_path):
    assert site.build().returncode == 0
    shutil.rmtree(site.index)
    with serving(site.settings) as base:
        page = requests.get(base + "/search", params={"q": "pilot"}, timeout=10)
        assert page.status_code == 503
        assert "Search is unavailable" in page.text
        api = requests.get(base + "/api/search", params={"q": "pilot"}, timeout=10)
        assert api.status_code == 503
        assert requests.get(base + "/", timeout=10).status_code == 200
        assert site.build().returncode == 0  # the next build rebuilds the index
        assert requests.get(base + "/api/search", params={"q": "pilot"}, timeout=10).json()["total"] >= 1


def test_corrupt_index_is_a_503_page_and_the_next_build_mends_it(site):
    assert site.build().returncode == 0
    generation = (site.index / "current").resolve()
    for part in generation.iterdir():
        if part.is_file():
            part.write_bytes(b"\x00garbage" * 10)
    with serving(site.settings) as base:
        page = requests.get(base + "/search", params={"q": "pilot"}, timeout=10)
        assert page.status_code == 503
        assert "Search is unavailable" in page.text
        assert "Traceback" not in page.text
        assert requests.get(base + "/", timeout=10).status_code == 200
        rebuilt = site.build()  # the same server then answers from the new index
        assert rebuilt.returncode == 0, rebuilt.log
        assert requests.get(base + "/api/search", params={"q": "pilot"}, timeout=10).json()["total"] >= 1
