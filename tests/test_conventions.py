"""Meta-tests that guard the project's conventions: the layering of the stages, the settings'
documentation, the committed archive."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import fields
from pathlib import Path

import pytest
from simarchive import errors
from simarchive.config import Config
from support import REPO

PACKAGE = REPO / "plugins" / "simarchive"
STAGES = ("content", "capture", "archive", "search", "cite", "site", "watch")
#: What each stage may import of ours (errors and config are shared by all).
MAY_IMPORT = {
    "archive": set(),
    "content": {"archive"},
    "capture": {"content", "archive"},
    "watch": {"content", "archive", "capture"},
    "search": {"content", "archive"},
    "cite": {"content", "archive"},
    "site": {"content", "archive", "search", "cite"},
}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved to simarchive.<...>."""
    package = ["simarchive", *path.relative_to(PACKAGE).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _stage(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way_along_the_stages(path):
    stage = _stage(path)
    if stage is None:
        return  # cli.py, web.py, errors.py, config.py, __init__.py: the edges
    ours = {name.split(".")[1] for name in _imports(path) if name.startswith("simarchive.") and
            name.split(".")[1] in STAGES}
    assert ours - {stage} <= MAY_IMPORT[stage], f"{path.name} ({stage}/) imports {sorted(ours - {stage})}"


@pytest.mark.parametrize("library, stage", [("pelican", "site"), ("whoosh", "search")])
def test_only_one_stage_imports_a_library(library, stage):
    for path in _modules():
        uses = any(name == library or name.startswith(f"{library}.") for name in _imports(path))
        assert not uses or _stage(path) == stage, f"{path.relative_to(PACKAGE)} imports {library}"


def test_the_archive_format_does_not_import_the_http_client():
    for path in (PACKAGE / "archive").glob("*.py"):
        assert not {"requests", "urllib3"} & {n.split(".")[0] for n in _imports(path)}, path.name


def test_every_error_has_the_one_root():
    for name in dir(errors):
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == errors.__name__:
            assert issubclass(value, errors.SimArchiveError), name


def test_every_setting_is_documented():
    settings = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    pelican_keys = {"content": "PATH", "output": "OUTPUT_PATH", "theme": "THEME", "sitename": "SITENAME",
                    "siteurl": "SITEURL"}
    for f in fields(Config):
        key = pelican_keys.get(f.name, f"SIMARCHIVE_{f.name.upper()}")
        assert f"`{key}`" in settings, f"docs/settings.md does not document {key}"


def test_the_readme_stays_short_and_its_links_resolve():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert "make serve" in readme and "make test" in readme
    for target in re.findall(r"\]\(([\w./-]+\.(?:md|png))\)", readme):
        assert (REPO / target).is_file(), f"README.md links to {target}, which does not exist"


def test_every_committed_capture_has_a_readable_capture_json():
    for capture in (REPO / "archive").glob("*/*/"):
        if capture.name.startswith("."):
            continue
        meta = json.loads((capture / "capture.json").read_text(encoding="utf-8"))
        assert len(meta["sha256"]) == 64, capture


def test_templates_link_theme_files_by_their_fingerprinted_names():
    """A theme file linked by its plain name is cached for minutes, not a year, and goes stale
    after a change; asset() gives the name with its content's hash."""
    for template in sorted((REPO / "theme" / "templates").glob("*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            assert "/theme/" not in line, f"{template.name}:{number} links a theme file by name; use asset()"
