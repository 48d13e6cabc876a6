"""A build writes over the previous one, then removes what it no longer makes: the result is the
same as a build into an empty folder."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from httpfixtures import http_server  # noqa: F401 - a fixture
from pelican.settings import read_settings
from simarchive.archive.store import list_captures
from simarchive.site.output_files import OutputFiles, theme_static_files, write_if_changed
from support import BIN
from test_archive_site import archived_site  # noqa: F401 - a fixture
from test_build_worker import PELICAN_WITH_INFO

OLD = 1_000_000_000 * 10**9  # 2001, as a file's time in nanoseconds


def files_in(folder: Path) -> dict[str, str]:
    """Every file under folder, by its path inside it, with its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make(root: Path, *paths: str) -> None:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(path, encoding="utf-8")


def test_prune_removes_what_was_not_written_and_the_folders_it_empties(tmp_path):
    out = tmp_path / "output"
    make(out, "index.html", "events/kept/index.html", "events/kept/cite.bib", "events/gone/index.html",
         "events/gone/deeper/cite.bib", "stray.txt", "keep/notes.txt", "events/keep/index.html")
    files = OutputFiles(out, retention=["keep"])
    files.update(["index.html", str(out / "events" / "kept" / "index.html"), "events/./kept/cite.bib"])
    assert sorted(files.prune()) == ["events/gone/deeper/cite.bib", "events/gone/index.html",
                                     "events/keep/index.html", "stray.txt"]
    # Retention names the top level only, as Pelican's OUTPUT_RETENTION does.
    assert sorted(files_in(out)) == ["events/kept/cite.bib", "events/kept/index.html", "index.html", "keep/notes.txt"]
    assert not (out / "events" / "gone").exists()
    assert not (out / "events" / "keep").exists()


def test_prune_removes_a_link_without_following_it(tmp_path):
    out, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    make(elsewhere, "precious.txt")
    out.mkdir()
    os.symlink(elsewhere, out / "link")
    assert OutputFiles(out).prune() == ["link"]
    assert (elsewhere / "precious.txt").is_file()
    assert out.is_dir()  # the output folder itself stays, even empty


def test_prune_of_a_missing_output_folder_removes_nothing(tmp_path):
    assert OutputFiles(tmp_path / "never-built").prune() == []


def test_theme_static_files_are_what_pelican_copies(built_site):
    settings = read_settings(str(built_site.settings))
    listed = theme_static_files(settings["THEME"], settings["THEME_STATIC_PATHS"], settings["THEME_STATIC_DIR"],
                                settings["IGNORE_FILES"])
    copied = [f"{settings['THEME_STATIC_DIR']}/{p}" for p in files_in(built_site.output / settings["THEME_STATIC_DIR"])]
    assert sorted(p.replace(os.sep, "/") for p in listed) == sorted(copied)
    assert any(p.endswith(".css") for p in copied) and any(p.endswith(".js") for p in copied)


def test_a_rebuild_over_the_previous_build_equals_a_build_into_an_empty_folder(archived_site):  # noqa: F811
    site = archived_site
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write('OUTPUT_RETENTION = ["CNAME"]\n')
    assert site.build().returncode == 0
    (site.output / "CNAME").write_text("sim.example.org\n", encoding="utf-8")
    make(site.output, "stray.html", "events/renamed-long-ago/index.html", "theme/css/old.css")
    (site.content / "events" / "2018-spread.md").unlink()
    before = set(files_in(site.output))
    for path in before:
        os.utime(site.output / path, ns=(OLD, OLD))

    rebuilt = subprocess.run([str(BIN / "python"), "-c", PELICAN_WITH_INFO, "-s", str(site.settings)],
                             cwd=site.root, capture_output=True, text=True, timeout=120, check=False)
    assert rebuilt.returncode == 0, rebuilt.stderr + rebuilt.stdout
    gone = before - set(files_in(site.output))
    assert f"removed {len(gone)} file(s) this build no longer makes" in rebuilt.stderr
    assert {"stray.html", "theme/css/old.css", "events/2018-spread/index.html", "events/2018-spread/cite.bib"} <= gone
    fresh = site.root / "fresh.py"
    fresh.write_text(site.settings.read_text(encoding="utf-8")
                     + f"OUTPUT_PATH = {str(site.root / 'fresh-output')!r}\n", encoding="utf-8")
    result = subprocess.run([str(BIN / "pelican"), "--log-handler", "plain", "-s", str(fresh)],
                            cwd=site.root, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr + result.stdout

    rebuilt_files, fresh_files = files_in(site.output), files_in(site.root / "fresh-output")
    assert rebuilt_files.pop("CNAME")  # kept, as OUTPUT_RETENTION asks
    assert rebuilt_files.keys() == fresh_files.keys()
    assert [path for path in fresh_files if rebuilt_files[path] != fresh_files[path]] == []
    assert not (site.output / "events" / "2018-spread").exists()
    # What changed was written again; what did not was left as it was.
    assert (site.output / "timeline.json").stat().st_mtime_ns != OLD
    assert (site.output / "sources" / "island-news" / "cite.bib").stat().st_mtime_ns == OLD
    assert (site.output / "sources" / "island-news" / "index.html").stat().st_mtime_ns == OLD
    assert not (site.output / "events" / "renamed-long-ago").exists()
    # What the worker copied out of the archive is kept: the WARCs and the PDF's original.
    for source_id, name in (("island-news", "capture.warc.gz"), ("letter", "original.pdf")):
        (capture,) = list_captures(site.archive, source_id)
        assert f"sources/{source_id}/captures/{capture.timestamp}/{name}" in rebuilt_files


def test_an_output_folder_holding_the_content_and_archive_is_never_pruned(site):
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write(f"OUTPUT_PATH = {str(site.root)!r}\n")
    (site.root / "notes.txt").write_text("mine", encoding="utf-8")
    before = set(files_in(site.root))
    result = site.build()
    assert result.returncode == 0, result.stderr + result.stdout
    assert before <= set(files_in(site.root))
    assert "so nothing is removed from it" in result.stderr
    assert (site.root / "events" / "2012-pilot" / "index.html").is_file()


def test_holds_tells_a_folder_inside_the_output_from_one_beside_it(tmp_path):
    files = OutputFiles(tmp_path / "output")
    assert files.holds(tmp_path / "output") and files.holds(tmp_path / "output" / "content")
    assert not files.holds(tmp_path / "output-old") and not files.holds(tmp_path)


def test_write_if_changed_leaves_a_file_holding_the_same_bytes_alone(tmp_path):
    path = tmp_path / "page.html"
    assert write_if_changed(path, b"<p>one</p>")
    os.utime(path, ns=(OLD, OLD))
    assert not write_if_changed(path, b"<p>one</p>")
    assert path.stat().st_mtime_ns == OLD
    assert write_if_changed(path, b"<p>one</p")  # the start of the file is not the file
    assert path.read_bytes() == b"<p>one</p"
    assert write_if_changed(path, b"<p>two</p>")
    assert path.read_bytes() == b"<p>two</p>"
