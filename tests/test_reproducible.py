"""Two builds of the same content and archive give byte-identical output, whether they render every
citation afresh or reuse what an earlier build rendered."""

from __future__ import annotations

import hashlib

from support import SiteDir, write_settings


def digests(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_two_builds_in_different_folders_are_identical(tmp_path):
    first, second = SiteDir(tmp_path / "a"), SiteDir(tmp_path / "b")
    # The first renders every citation with a cache of its own; the second reuses them.
    cache = tmp_path / "cache"
    for site in (first, second):
        write_settings(site.settings, content=site.content, output=site.output, archive=site.archive,
                       index=site.index, cache=cache)
    for site in (first, second):
        result = site.build()
        assert result.returncode == 0, result.log
    a, b = digests(first.output), digests(second.output)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    assert len(a) > 10
    assert (cache / "simarchive-citations.json").stat().st_size > 1000
