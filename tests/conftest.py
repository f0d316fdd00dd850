"""Shared test fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def raw_minimal(tmp_path: Path) -> Path:
    """A writable copy of the small synthetic raw folder."""
    dest = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_minimal", dest)
    return dest
