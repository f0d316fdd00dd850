"""Everything extracted from every fixture, compared with a stored snapshot.

The truth files say which values must be read; this snapshot also pins what the
truth files do not: evidence spans, pages and sections, confidences, review
candidates, notes and warnings. A change to any of them shows up here as a
diff to review. After an intended change, regenerate the snapshot with

    PROBSTATS_UPDATE_SNAPSHOT=1 python -m pytest tests/test_extract_snapshot.py

and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from probstats.extract import extract_file

FIX = Path(__file__).parent / "fixtures" / "extract"
SNAPSHOT = FIX / "snapshot.json"
FILES = sorted(
    p
    for p in FIX.rglob("*")
    if p.is_file() and p.suffix in (".txt", ".html") and p.name != "truth.json"
)


def _plain(obj):
    """Records as JSON-ready data with floats rounded (the snapshot must not depend on printing)."""
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if k != "source_file"}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def current() -> dict:
    return {str(p.relative_to(FIX)): _plain([r.to_dict() for r in extract_file(p)]) for p in FILES}


def test_snapshot():
    got = current()
    if os.environ.get("PROBSTATS_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("snapshot rewritten")
    want = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name
