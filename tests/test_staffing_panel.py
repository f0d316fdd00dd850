"""An analyst's own staffing panel: the format, its checks and the as-of attachment.

Mirrors :mod:`probstats.dataset.panel` (format and checks) and
:mod:`probstats.official.panel` (harmonised measures, as-of join, report).
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from probstats.dataset.panel import PANEL_COLUMNS, check_staffing_panel, read_staffing_panel
from probstats.dataset.validate import detect_table, validate_file
from probstats.errors import DataValidationError, FallbackDateWarning, StaffingMatchWarning
from probstats.official.panel import (
    HARMONISED,
    attach_staffing,
    harmonise_panel,
    staffing_source_line,
    with_staffing_features,
)
from probstats.official.simulate import simulate_panel

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "data" / "templates" / "staffing_panel_template.csv"
TODAY = dt.date(2026, 1, 15)

UNITS = pd.DataFrame(
    {
        "unit_id": ["pdu-northvale", "pdu-southmere", "region-wales"],
        "unit_type": ["PDU", "PDU", "region"],
        "name": ["Northvale", "Southmere", "Wales"],
        "aliases": ["North Vale", "", ""],
    }
)


def _panel(rows, **extra) -> pd.DataFrame:
    """Rows of (unit, period, measure, grade, value); provenance and private filled in."""
    frame = pd.DataFrame(rows, columns=["unit", "period", "measure", "grade", "value"])
    return frame.assign(
        provenance=extra.get("provenance", "internal extract, PDU workforce report, 2024-10"),
        private=extra.get("private", True),
        notes="",
    )[list(PANEL_COLUMNS)]


def _inspections(*rows) -> pd.DataFrame:
    """Rows of (inspection_id, unit_id, fieldwork_start, publication_date)."""
    frame = pd.DataFrame(
        rows, columns=["inspection_id", "unit_id", "fieldwork_start", "publication_date"]
    )
    for col in ("fieldwork_start", "publication_date"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    return frame


def _write(tmp_path: Path, name: str, frame: pd.DataFrame) -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------- the format


def test_template_validates_and_is_marked_as_an_example():
    assert validate_file(TEMPLATE).startswith("staffing panel staffing_panel_template.csv")
    template = pd.read_csv(TEMPLATE, dtype=str)
    assert list(template.columns) == list(PANEL_COLUMNS)
    assert template["provenance"].str.startswith("EXAMPLE ONLY").all()
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    assert "### `staffing_panel`" in readme and "templates/staffing_panel_template.csv" in readme


@pytest.mark.parametrize("name", ["my_staffing.csv", "export 2024-10.csv", "staffing.csv"])
def test_validate_recognises_a_panel_whatever_the_file_is_called(tmp_path, name):
    path = _write(tmp_path, name, _panel([("Northvale", "2024-09", "fte_in_post", "PO", 30)]))
    assert detect_table(path) == "staffing_panel"
    raw_units = UNITS.assign(
        region=["North East", "Wales", "Wales"],
        source_url="https://example.org/units",
        source_type="primary",
        notes="",
    )[["unit_id", "unit_type", "name", "region", "aliases", "source_url", "source_type", "notes"]]
    _write(tmp_path, "units.csv", raw_units)
    summary = validate_file(path, units=tmp_path)  # a folder holding units.csv, or the file
    assert summary == f"staffing panel {name} (1 rows, 1 units, 1 measures, private)"
    assert validate_file(path, units=tmp_path / "units.csv") == summary


def test_a_month_means_its_last_day_and_names_resolve_through_aliases():
    panel = check_staffing_panel(
        _panel(
            [
                ("North Vale PDU", "2024-02", "fte_in_post", "PO", 30),
                ("pdu-northvale", "2024-03-15", "fte_in_post", "PO", 31),
                ("WALES", "2024-02", "vacancy_rate", "all", 12.5),
            ]
        ),
        UNITS,
        today=TODAY,
    )
    assert panel["unit_id"].tolist() == ["pdu-northvale", "pdu-northvale", "region-wales"]
    assert panel["as_at"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-02-29",
        "2024-03-15",
        "2024-02-29",
    ]
    assert panel["private"].dtype == bool and panel["private"].all()


def test_every_bad_cell_is_reported_with_line_and_column():
    bad = _panel(
        [
            ("Northvale", "2024-09", "fte_in_post", "PO", "31.4"),  # line 2
            ("North Vale PDU", "2024-09-30", "fte_in_post", "PO", "30"),  # 3: duplicate of 2
            ("Nothvale", "2024-09", "fte_in_post", "PO", "30"),  # 4: unknown unit
            ("Southmere", "2024-09", "vacancy_rate", "PO", "140"),  # 5: percentage over 100
            ("Southmere", "2026-03", "fte_in_post", "PO", "20"),  # 6: in the future
            ("Southmere", "2024-08", "fte_in_post", "PO", "20"),  # 7: provenance missing
            ("Southmere", "2024-07", "po_fte_in_post", "", "20"),  # 8: unknown measure
            ("Southmere", "2024-06", "fte_target", "PO", "-3"),  # 9: negative
            ("Southmere", "2024", "caseload_average", "all", "40"),  # 10: year; grade
        ]
    )
    bad.loc[5, "provenance"] = ""
    with pytest.raises(DataValidationError) as info:
        check_staffing_panel(bad, UNITS, file="mine.csv", today=TODAY)
    found = {(p.line, p.column): p.message for p in info.value.problems}
    assert all(p.file == "mine.csv" for p in info.value.problems)
    assert "duplicate figure" in found[(3, "unit")] and "line 2" in found[(3, "unit")]
    assert "did you mean 'Northvale' (pdu-northvale)" in found[(4, "unit")]
    assert "between 0 and 100" in found[(5, "value")]
    assert "date in the future" in found[(6, "period")]
    assert found[(7, "provenance")] == "required value is missing"
    assert "did you mean measure 'fte_in_post' with grade 'PO'" in found[(8, "measure")]
    assert found[(8, "grade")] == "required value is missing"
    assert "must be a number >= 0" in found[(9, "value")]
    assert "not a year" in found[(10, "period")]
    assert "not given for grade 'all'" in found[(10, "grade")]
    assert len(found) == 10


def test_read_staffing_panel_names_the_file(tmp_path):
    path = _write(tmp_path, "mine.csv", _panel([("Nowhere", "2024-09", "fte_in_post", "PO", 3)]))
    with pytest.raises(DataValidationError, match=r"mine\.csv, line 2, column 'unit'"):
        read_staffing_panel(path, UNITS, today=TODAY)


def test_a_missing_column_is_reported_on_the_header_line(tmp_path):
    frame = _panel([("Northvale", "2024-09", "fte_in_post", "PO", 3)]).drop(columns="private")
    path = _write(tmp_path, "mine.csv", frame)
    assert detect_table(path) == "staffing_panel"
    with pytest.raises(DataValidationError) as info:
        read_staffing_panel(path, UNITS, today=TODAY)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (1, "private")


# --------------------------------------------------------------------------- harmonised measures


def test_harmonised_measures_use_one_grade_and_one_date():
    panel = check_staffing_panel(
        _panel(
            [
                # PO in post and target at different dates: no PO shortfall from them
                ("Northvale", "2024-01", "fte_in_post", "PO", 30),
                ("Northvale", "2024-02", "fte_target", "PO", 40),
                # PSO figures never make a PO measure
                ("Northvale", "2024-01", "fte_target", "PSO", 40),
                ("Northvale", "2024-01", "fte_in_post", "PSO", 20),
                # a PO-only sickness figure is not the all-staff measure
                ("Northvale", "2024-01", "sickness_days_per_fte", "PO", 11),
                ("Southmere", "2024-01", "sickness_days_lost", "all", 1300),
                ("Southmere", "2024-01", "average_fte", "all", 100),
                ("Southmere", "2024-01", "staffing_pct_target", "PO", 110),
            ]
        ),
        UNITS,
        today=TODAY,
    )
    h = harmonise_panel(panel).set_index(["unit_id", "measure"])
    assert ("pdu-northvale", "shortfall_po_pct") not in h.index
    assert ("pdu-northvale", "sickness_days_per_fte") not in h.index
    assert h.loc[("pdu-northvale", "mix_po_share_pct"), "value"] == pytest.approx(60.0)
    assert h.loc[("pdu-northvale", "mix_po_pso_ratio"), "value"] == pytest.approx(1.5)
    south = h.loc["pdu-southmere"]
    assert south.loc["sickness_days_per_fte", "value"] == pytest.approx(13.0)
    assert south.loc["sickness_days_per_fte", "from"] == (
        "panel: sickness_days_lost[all] / average_fte[all]"
    )
    assert south.loc["shortfall_po_pct", "value"] == pytest.approx(-10.0)  # above target


def test_a_stated_vacancy_rate_is_preferred_to_the_formula_at_the_same_date():
    panel = check_staffing_panel(
        _panel(
            [
                ("Northvale", "2024-01", "fte_in_post", "PO", 30),
                ("Northvale", "2024-01", "fte_target", "PO", 40),
                ("Northvale", "2024-01", "vacancy_rate", "PO", 24),
            ]
        ),
        UNITS,
        today=TODAY,
    )
    row = harmonise_panel(panel).set_index("measure").loc["shortfall_po_pct"]
    assert (row["value"], row["from"]) == (24.0, "panel: vacancy_rate[PO]")


# --------------------------------------------------------------------------- the as-of join


MONTHLY = _panel(
    [("Northvale", m, "vacancy_rate", "PO", v) for m, v in [("2023-11", 11), ("2023-12", 12)]]
    + [("Northvale", "2024-01", "vacancy_rate", "PO", 13)]
    + [("Southmere", "2024-01-08", "vacancy_rate", "PO", 40)]
)


def _attach(inspections, panel=MONTHLY, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return attach_staffing(inspections, panel, units=UNITS, **kw)


def test_never_a_figure_dated_after_the_reference_date():
    out = _attach(
        _inspections(
            ("a", "pdu-northvale", "2024-01-15", "2024-04-01"),  # January's figure is later
            ("b", "pdu-northvale", "2024-01-31", "2024-04-01"),  # ... unless as at that day
            ("c", "pdu-southmere", "2024-01-08", "2024-04-01"),  # a day figure on the day
            ("d", "pdu-southmere", "2024-01-07", "2024-04-01"),  # the day before: none
        )
    )
    assert out["shortfall_po_pct"].tolist()[:3] == [12.0, 13.0, 40.0]
    assert pd.isna(out.loc[3, "shortfall_po_pct"])
    assert out["shortfall_po_pct_lag_days"].tolist()[:3] == [15, 0, 0]
    assert out["shortfall_po_pct_as_at"].dt.strftime("%Y-%m-%d").tolist()[:3] == [
        "2023-12-31",
        "2024-01-31",
        "2024-01-08",
    ]
    assert (out["shortfall_po_pct_as_at"].dropna() <= out["staffing_reference_date"][:3]).all()
    report = out.attrs["staffing_report"]
    row = report.coverage.set_index("measure").loc["shortfall_po_pct"]
    assert (row["n_attached"], row["no_earlier_figure"], row["lag_max"]) == (3, 1, 15)


def test_fallback_date_is_used_and_flagged():
    insp = _inspections(("a", "pdu-northvale", None, "2024-01-20"))
    with pytest.warns(FallbackDateWarning, match="publication_date was used"):
        out = attach_staffing(insp, MONTHLY, units=UNITS)
    assert out.loc[0, "staffing_date_used"] == "publication_date"
    assert out.loc[0, "shortfall_po_pct"] == 12.0
    out = _attach(insp, fallback=None)
    assert pd.isna(out.loc[0, "shortfall_po_pct"])
    assert out.attrs["staffing_report"].coverage["no_date"].iloc[0] == 1


def test_max_lag_and_lagged_exposure():
    insp = _inspections(("a", "pdu-northvale", "2024-03-10", "2024-06-01"))
    assert pd.isna(_attach(insp, max_lag_days=30).loc[0, "shortfall_po_pct"])  # 39 days
    assert _attach(insp, max_lag_days=None).loc[0, "shortfall_po_pct"] == 13.0
    lagged = _attach(insp, lag_months=2, max_lag_days=None)  # as at 10 January: December's
    assert lagged.loc[0, "shortfall_po_pct"] == 12.0
    assert lagged.loc[0, "shortfall_po_pct_lag_days"] == 70  # days before fieldwork


def test_mixed_string_and_datetime_dtypes_join_alike():
    base = _inspections(("a", "pdu-northvale", "2024-01-15", "2024-04-01"))
    other = base.assign(
        unit_id=base["unit_id"].astype("string[python]"),
        inspection_id=base["inspection_id"].astype(object),
        fieldwork_start=base["fieldwork_start"].astype("datetime64[us]"),
    )
    cols = ["shortfall_po_pct", "shortfall_po_pct_as_at", "shortfall_po_pct_lag_days"]
    pd.testing.assert_frame_equal(_attach(base)[cols], _attach(other)[cols])


def test_unmatched_names_are_reported_not_lost_silently():
    panel = pd.concat([MONTHLY, _panel([("Northvail", "2023-12", "vacancy_rate", "PO", 50)])])
    insp = _inspections(("a", "pdu-northvale", "2024-01-15", "2024-04-01"))
    with pytest.warns(StaffingMatchWarning, match="Northvail"):
        out = attach_staffing(insp, panel, units=UNITS)
    report = out.attrs["staffing_report"]
    assert "did you mean 'Northvale'" in report.unmatched_units["Northvail"]
    assert out.loc[0, "shortfall_po_pct"] == 12.0
    assert "unmatched unit names: Northvail" in report.summary()


def test_every_harmonised_column_is_present_with_its_trail():
    out = _attach(_inspections(("a", "pdu-northvale", "2024-01-15", "2024-04-01")))
    for name in HARMONISED:
        for suffix in ("", "_from", "_as_at", "_lag_days"):
            assert f"{name}{suffix}" in out.columns
    assert str(out["shortfall_po_pct_lag_days"].dtype) == "Int64"


def test_attached_measures_equal_the_simulators_exposures():
    study = simulate_panel(n_pdus=30, seed=3)
    units = study.units
    insp = study.inspections.assign(
        unit_id=lambda d: d["inspection_id"].str.rsplit("-", n=1).str[0],
        fieldwork_start=lambda d: pd.to_datetime(d["fieldwork_start"]),
        publication_date=lambda d: pd.to_datetime(d["publication_date"]),
    )
    out = attach_staffing(insp, study.panel, units=units).merge(
        study.exposures, on="inspection_id", suffixes=("", "_true")
    )
    for name in study.exposures.columns.drop("inspection_id"):
        np.testing.assert_allclose(out[name], out[f"{name}_true"], rtol=1e-12)


# --------------------------------------------------------------------------- provenance


def test_source_line_names_the_provenance_and_never_the_dataset_for_private_data():
    private = _panel([("Northvale", "2024-01", "vacancy_rate", "PO", 10)])
    line = staffing_source_line(private)
    assert "internal extract, PDU workforce report, 2024-10" in line
    assert "private data, not for publication" in line
    study = simulate_panel(n_pdus=12, seed=1)
    line = staffing_source_line(study.panel, study.inspections)
    assert line.startswith("Source: SYNTHETIC data simulated by probstats")


def test_with_staffing_features_replaces_the_harmonised_columns():
    feats = pd.DataFrame({"inspection_id": ["a", "b"], "shortfall_po_pct": [5.0, 6.0], "x": [1, 2]})
    staff = pd.DataFrame({"inspection_id": ["a"], "shortfall_po_pct": [30.0]})
    staff.attrs["staffing_source"] = "Source: mine."
    out = with_staffing_features(feats, staff)
    assert out["shortfall_po_pct"].tolist()[0] == 30.0 and pd.isna(out["shortfall_po_pct"][1])
    assert out["x"].tolist() == [1, 2] and out.attrs["staffing_source"] == "Source: mine."
