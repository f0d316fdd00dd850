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


@pytest.fixture(scope="session")
def _minimal_build(tmp_path_factory) -> Path:
    from probstats.pipeline import build

    base = tmp_path_factory.mktemp("minimal_build")
    shutil.copytree(FIXTURES / "raw_minimal", base / "raw")
    build(base / "raw", base / "processed")
    return base / "processed"


@pytest.fixture
def built(_minimal_build: Path, tmp_path: Path) -> Path:
    """A processed folder built from the minimal raw fixture (a fresh copy per test)."""
    dest = tmp_path / "built"
    shutil.copytree(_minimal_build, dest)
    return dest
