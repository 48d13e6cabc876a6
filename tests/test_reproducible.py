"""Two builds of the same content and archive give byte-identical output."""

from __future__ import annotations

import hashlib

from support import SiteDir


def digests(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_two_builds_in_different_folders_are_identical(tmp_path):
    first, second = SiteDir(tmp_path / "a"), SiteDir(tmp_path / "b")
    for site in (first, second):
        result = site.build()
        assert result.returncode == 0, result.log
    a, b = digests(first.output), digests(second.output)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    assert len(a) > 10
