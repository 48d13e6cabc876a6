"""The comparison engine: the same corpus in SQLite FTS5 (Python's own sqlite3), served the same way.

`python bench/search_fts5.py DB PORT` serves /api/search?q= from DB with waitress, answering
like our API: the total, the ten best hits by bm25 (titles weighted 3x) and highlighted
snippets, so the benchmark compares like with like over HTTP.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import tomllib
from pathlib import Path
from urllib.parse import parse_qs

SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(
    id UNINDEXED, title, body, publisher, kind, year UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"""


def build(db: Path, root: Path) -> None:
    """Index every source's latest text.txt; one transaction."""
    if db.exists():
        db.unlink()
    registry = tomllib.loads((root / "content" / "sources.toml").read_text(encoding="utf-8"))
    con = sqlite3.connect(db)
    con.executescript(SCHEMA)
    with con:
        for sid, src in registry.items():
            captures = sorted((root / "archive" / sid).iterdir())
            text = (captures[-1] / "text.txt").read_text(encoding="utf-8")
            con.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                        (sid, src["title"], text, src["publisher"], src["kind"], src["published"][:4]))
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()


_local = threading.local()


def search(db: str, q: str) -> dict:
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
    where, args = "docs MATCH ?", [q]
    if " @year=" in q:  # our year: filter has no FTS5 syntax; it becomes a column condition
        q, year = q.split(" @year=")
        where, args = "docs MATCH ? AND year = ?", [q, year]
    total = con.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()[0]
    rows = con.execute(
        f"SELECT id, title, publisher, snippet(docs, 2, '<mark>', '</mark>', '…', 24) FROM docs "
        f"WHERE {where} ORDER BY bm25(docs, 0.0, 3.0, 1.0, 1.5, 1.0) LIMIT 10", args).fetchall()
    return {"total": total, "hits": [{"id": r[0], "title": r[1], "publisher": r[2], "passage": r[3]}
                                     for r in rows]}


def app_for(db: str):
    def app(environ, start_response):
        q = parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
        try:
            body, status = json.dumps(search(db, q)).encode(), "200 OK"
        except sqlite3.OperationalError as e:
            body, status = json.dumps({"error": str(e)}).encode(), "400 Bad Request"
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return app


if __name__ == "__main__":
    import waitress

    waitress.serve(app_for(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), threads=8,
                   _quiet=True)
