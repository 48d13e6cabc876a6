"""Meta-tests that guard the project's conventions."""

from __future__ import annotations

import ast
import json
from dataclasses import fields
from pathlib import Path

from simarchive.config import Config
from support import REPO

PACKAGE = REPO / "plugins" / "simarchive"


def test_every_setting_is_documented():
    docs = "".join(p.read_text(encoding="utf-8") for p in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))])
    pelican_keys = {"content": "PATH", "output": "OUTPUT_PATH", "theme": "THEME", "sitename": "SITENAME",
                    "siteurl": "SITEURL"}
    for f in fields(Config):
        key = pelican_keys.get(f.name, f"SIMARCHIVE_{f.name.upper()}")
        assert f"`{key}`" in docs, f"neither README.md nor docs/*.md documents {key}"


def test_only_the_glue_imports_pelican():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        uses_pelican = any(name == "pelican" or name.startswith("pelican.") for name in imported)
        assert uses_pelican == (path.name == "pelican_site.py"), path.name


def test_only_search_modules_import_whoosh():
    """Whoosh stays behind the search* modules, so another engine could replace it."""
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        uses_whoosh = "from whoosh" in text or "import whoosh" in text
        assert not uses_whoosh or path.name.startswith("search"), path.name


def test_every_committed_capture_has_a_readable_capture_json():
    for capture in (REPO / "archive").glob("*/*/"):
        if capture.name.startswith("."):
            continue
        meta = json.loads((capture / "capture.json").read_text(encoding="utf-8"))
        assert len(meta["sha256"]) == 64, capture


def test_no_module_is_a_god_module():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name
