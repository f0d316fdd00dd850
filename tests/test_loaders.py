"""The loaders: default and given folders, the table each reads, the parse cache, and the
official figures attached to inspections."""

from __future__ import annotations

import json

import pandas as pd
import pandas.testing as pdt
import pytest

import probstats
from probstats.dataset import loaders
from probstats.dataset.paths import data_dir
from probstats.errors import ProcessedDataMissingError
from probstats.outputs import MANIFEST_NAME

LOADERS = {
    "inspections": probstats.load_inspections,
    "units": probstats.load_units,
    "staffing": probstats.load_staffing,
    "case_measures": probstats.load_case_measures,
    "standard_ratings": probstats.load_standard_ratings,
    "features": probstats.load_features,
    "panel": probstats.load_panel,
    "sources": probstats.load_sources,
}


def _rows(folder) -> dict[str, int]:
    files = json.loads((folder / MANIFEST_NAME).read_text())["files"]
    return {name.removesuffix(".csv"): entry["rows"] for name, entry in files.items()}


@pytest.mark.parametrize("table", list(LOADERS))
def test_each_loader_reads_its_own_table_from_the_default_and_a_given_folder(table, built):
    default_rows, built_rows = _rows(data_dir("processed")), _rows(built)
    assert len(LOADERS[table]()) == default_rows[table]
    frame = LOADERS[table](built)
    assert len(frame) == built_rows[table]
    header = (built / f"{table}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert list(frame.columns) == header.split(",")


def test_a_missing_table_says_to_run_the_build(tmp_path):
    with pytest.raises(ProcessedDataMissingError) as info:
        probstats.load_units(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'units.csv'} not found: run `probstats build` to rebuild the processed data"
    )


def test_loaded_frames_are_copies(built):
    first = probstats.load_units(built)
    first.loc[0, "name"] = "changed"
    assert probstats.load_units(built).loc[0, "name"] != "changed"


def test_the_cache_keeps_the_most_recently_used_tables(built, tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "_CACHE", type(loaders._CACHE)())
    monkeypatch.setattr(loaders, "_CACHE_SIZE", 3)
    folders = []
    for i in range(4):
        folder = tmp_path / f"copy{i}"
        folder.mkdir()
        for name in ("units.csv", MANIFEST_NAME):
            (folder / name).write_bytes((built / name).read_bytes())
        folders.append(folder)
    for folder in folders[:3]:
        probstats.load_units(folder)
    probstats.load_units(folders[0])  # used again: now the most recent
    probstats.load_units(folders[3])  # evicts the least recently used: copy1
    kept = [key[0] for key in loaders._CACHE]
    assert len(kept) == 3
    assert kept == [str((f / "units.csv").resolve()) for f in (folders[2], folders[0], folders[3])]


@pytest.mark.filterwarnings("ignore::probstats.errors.FallbackDateWarning")
def test_official_figures_are_attached_on_request():
    from probstats.official import attach_regional_staffing, load_official

    plain = probstats.load_inspections()
    attached = probstats.load_inspections(official_measure="vacancies_fte")
    expected = attach_regional_staffing(plain, load_official(), "vacancies_fte", "all")
    pdt.assert_frame_equal(attached, expected)
    assert len(attached.columns) > len(plain.columns)
    assert attached[list(plain.columns)].equals(plain)
    po = probstats.load_inspections(official_measure="vacancies_fte", official_grade="PO")
    assert not po.equals(attached)
    assert isinstance(po, pd.DataFrame)
