"""The build: typed round trip, raw data untouched, byte-identical rebuilds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pandas.testing as pdt

from probstats.cli import main
from probstats.dataset.build import PROCESSED_FILES
from probstats.dataset.loaders import load_features, load_inspections, load_panel, load_staffing
from probstats.outputs import LOCK_NAME, MANIFEST_NAME
from probstats.pipeline import build


def _digests(folder: Path) -> dict[str, str]:
    """Every file a build leaves (the empty lock file aside) with its SHA-256."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != LOCK_NAME
    }


def test_rebuild_is_byte_identical_and_raw_untouched(raw_minimal, tmp_path):
    before = _digests(raw_minimal)
    build(raw_minimal, tmp_path / "a")
    build(raw_minimal, tmp_path / "b")
    assert _digests(raw_minimal) == before
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert set(a) == {f"{n}.csv" for n in PROCESSED_FILES} | {MANIFEST_NAME}
    assert a == b


def test_canonical_csv_has_unix_newlines(raw_minimal, tmp_path):
    build(raw_minimal, tmp_path)
    assert b"\r" not in (tmp_path / "inspections.csv").read_bytes()


def test_round_trip_restores_types(raw_minimal, tmp_path):
    result = build(raw_minimal, tmp_path)
    loaded = load_inspections(tmp_path)
    pdt.assert_frame_equal(loaded, result.tables["inspections"], check_dtype=True)
    assert loaded["overall_rating"].cat.ordered
    assert str(loaded["publication_date"].dtype) == "datetime64[s]"


def test_alias_links_repeat_inspections_into_panel(raw_minimal, tmp_path):
    build(raw_minimal, tmp_path)
    panel = load_panel(tmp_path)
    # "Northvale PDU" (2022) and "north vale" (2024) are one unit.
    assert panel["unit_id"].tolist() == ["pdu-northvale", "pdu-northvale"]
    second = panel.iloc[1]
    assert second["previous_overall_rating"] == "Inadequate"
    assert second["rating_change"] == 1
    assert second["delta_vacancy_rate_po"] == -20.0


def test_features_use_exact_figures_only(raw_minimal, tmp_path):
    build(raw_minimal, tmp_path)
    feat = load_features(tmp_path).set_index("inspection_id")
    # "less than 50%" is a bound, not a value: the exact 20% is used.
    assert feat.loc["pdu-northvale-2024", "vacancy_rate_po"] == 20.0
    # "about 45 cases" is the only caseload figure and is approximate: left out.
    assert "caseload_average_po" not in feat.columns
    # 18 of 45 cases -> 40%; the stated denominator is kept, never imputed.
    assert feat.loc["pdu-northvale-2024", "case_implementation_delivery_keep_safe_pct"] == 40.0
    assert feat.loc["pdu-northvale-2024", "case_implementation_delivery_keep_safe_n"] == 45
    assert pd.isna(feat.loc["pdu-northvale-2022", "case_implementation_delivery_keep_safe_n"])
    staffing = load_staffing(tmp_path)
    assert len(staffing) == 6  # nothing dropped from the long table


def test_dates_keep_precision(raw_minimal, tmp_path):
    build(raw_minimal, tmp_path)
    df = load_inspections(tmp_path).set_index("inspection_id")
    assert df.loc["region-wales-2024", "publication_date_precision"] == "year"
    assert df.loc["pdu-northvale-2022", "publication_date_precision"] == "month"
    assert df.loc["pdu-southmere-2023", "publication_date_precision"] == "day"
    assert df.loc["crc-testshire-2019", "era"] == "pre_unification"


def test_cli_build_and_processed_validation(raw_minimal, tmp_path, capsys):
    out = tmp_path / "processed"
    assert main(["build", "--raw", str(raw_minimal), "--out", str(out), "--no-figures", "-q"]) == 0
    assert "from 5 inspections" in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0
    assert "processed inspections (5 rows)" in capsys.readouterr().out


def test_processed_schema_catches_tampering(raw_minimal, tmp_path, capsys):
    out = tmp_path / "processed"
    build(raw_minimal, out)
    path = out / "features.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    col = "case_implementation_delivery_keep_safe_pct"
    assert frame.loc[1, col] == "22.0"
    frame.loc[1, col] = "122.0"
    frame.to_csv(path, index=False, lineterminator="\n")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "features.csv, line 3, column 'case_implementation_delivery_keep_safe_pct'" in err
    assert "in_range(0, 100) (got 122.0)" in err


def test_build_refuses_to_write_into_raw(raw_minimal):
    import pytest

    with pytest.raises(ValueError, match="raw data folder"):
        build(raw_minimal, raw_minimal / "processed")


def test_full_build_with_figures_is_byte_identical(tmp_path):
    """The real build, twice: processed data, figures, tables and index all identical."""
    from probstats.dataset.paths import data_dir

    raw = data_dir("raw")
    before = _digests(raw)
    for run in ("a", "b"):
        build(raw, tmp_path / run / "processed", figures_dir=tmp_path / run / "figures")
    assert _digests(raw) == before
    a = _digests(tmp_path / "a")
    b = _digests(tmp_path / "b")
    assert a == b
    names = set(a)
    for stem in ("01_ratings_over_time", "05_coefficients", "08_data_coverage"):
        assert {f"{stem}.png", f"{stem}.svg", f"{stem}.alt.txt"} <= names
    assert "README.md" in names and "model_notes.csv" in names


def test_committed_outputs_match_a_fresh_build(tmp_path):
    """data/processed in the repository is what the code makes from data/raw."""
    from probstats.dataset.paths import data_dir

    build(data_dir("raw"), tmp_path)
    assert _digests(tmp_path) == _digests(data_dir("processed"))
