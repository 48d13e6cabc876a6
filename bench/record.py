"""The real record as `sim-archive build` publishes it, in a folder of its own: what the scripts
that look at the site in a browser (lighthouse.py, screenshot.py) serve."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import REPO, write_settings  # noqa: E402


def publish_record(root: Path) -> Path:
    """Build the repository's content/ and archive/ into root, publish it there (compressed,
    fingerprinted); its settings file, for support.serving()."""
    from simarchive.site.publish import build_and_publish

    settings = write_settings(root / "recordconf.py", content=REPO / "content", output=root / "output",
                              archive=REPO / "archive", index=root / "index")
    if build_and_publish(settings) != 0:
        raise SystemExit("the build failed")
    return settings
