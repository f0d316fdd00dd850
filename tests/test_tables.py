"""Descriptive and regression tables against hand counts; byte-stable writers."""

from __future__ import annotations

import _synthetic as S
import numpy as np
import pandas as pd
import pytest

from probstats.dataset.ratings import RATINGS
from probstats.report import tables as T


def _row(table: pd.DataFrame, **keys) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for k, v in keys.items():
        mask &= (table[k] == v).to_numpy()
    assert mask.sum() == 1, keys
    return table[mask].iloc[0]


def test_ratings_by_region_year_hand_counts():
    t = T.ratings_by_region_year(S.inspections())
    assert list(t.columns) == ["region", "year", *RATINGS, "total"]
    ne22 = _row(t, region="North East", year="2022")
    assert [ne22[r] for r in RATINGS] == [1, 2, 0, 0] and ne22["total"] == 3
    wales23 = _row(t, region="Wales", year="2023")
    assert [wales23[r] for r in RATINGS] == [0, 0, 1, 1]
    # The undated PDU is counted under "unknown", not dropped.
    assert _row(t, region="South West", year="unknown")["Good"] == 1
    total = _row(t, region=T.TOTAL)
    assert [total[r] for r in RATINGS] == [2, 5, 4, 1] and total["total"] == 12
    # Regions in their canonical order, the twelve-region list from North East to Wales.
    assert t["region"].tolist()[:2] == ["North East", "North East"]
    assert t["region"].tolist()[-2] == "Wales"


def test_ratings_by_region_year_all_unit_types_counts_no_region():
    t = T.ratings_by_region_year(S.inspections(), unit_types=None)
    assert _row(t, region=T.TOTAL)["total"] == 16
    no_region = t[t["region"] == T.NO_REGION]
    assert no_region["total"].sum() == 4  # 2 CRC, 1 NPS division, 1 national
    assert no_region["year"].tolist() == ["2019", "2020", "2024"]


def test_ratings_by_unit_type_year_hand_counts():
    t = T.ratings_by_unit_type_year(S.inspections())
    assert t["unit_type"].tolist()[:4] == ["PDU"] * 4  # unit types in vocabulary order
    pdu23 = _row(t, unit_type="PDU", year="2023")
    assert [pdu23[r] for r in RATINGS] == [0, 2, 0, 1]
    crc = _row(t, unit_type="CRC", year="2019")
    assert [crc[r] for r in RATINGS] == [1, 1, 0, 0]
    assert _row(t, unit_type=T.TOTAL)["total"] == len(S.inspections())
    assert t.loc[t["unit_type"] != T.TOTAL, "total"].sum() == 16


def test_rating_counts_keeps_unrated_inspections():
    df = S.inspections()
    df.loc[0, "overall_rating"] = np.nan
    t = T.rating_counts(df, ["unit_type"])
    assert T.NOT_RATED in t.columns
    assert _row(t, unit_type="CRC")[T.NOT_RATED] == 1
    assert _row(t, unit_type=T.TOTAL)["total"] == 16
    with pytest.raises(T.TableInputError, match="publication_date"):
        T.rating_counts(df.drop(columns="publication_date"), ["year"])


def test_staffing_summary_by_rating_matches_hand_calculation():
    t = T.staffing_summary_by_rating(S.features(), ["vacancy_rate_po"])
    assert t["rating"].tolist() == [*RATINGS, "All"]
    ri = _row(t, rating="Requires improvement")
    # RI vacancy rates stated: 30, 25, 20, 25 (pdu-a-2022, pdu-d-2023, pdu-e-2023, pdu-d-2024).
    values = np.array([30.0, 25.0, 20.0, 25.0])
    assert ri["n"] == 4 and ri["n_inspections"] == 7 and ri["n_missing"] == 3
    assert ri["median"] == 25.0
    assert ri["q1"] == pytest.approx(np.percentile(values, 25))
    assert ri["q3"] == pytest.approx(np.percentile(values, 75))
    assert ri["iqr"] == pytest.approx(ri["q3"] - ri["q1"])
    assert (ri["min"], ri["max"]) == (20.0, 30.0)
    everyone = _row(t, rating="All")
    assert everyone["n"] == 9 and everyone["n_inspections"] == 16
    empty = T.staffing_summary_by_rating(S.features(), ["sickness_days_all"])
    assert (empty["n"] == 0).all() and empty["median"].isna().all()


def test_regression_table_single_and_multiple_models():
    tidy = S.tidy().assign(p_value=[0.0004, 0.31, np.nan])
    t = T.regression_table(tidy, exponentiate=True, term_labels={"vacancy_rate_po": "PO vacancy"})
    assert t["term"].tolist() == ["PO vacancy", "caseload_average_po", "era[pre]"]
    assert t.loc[0, "estimate"] == pytest.approx(round(np.exp(-0.05), 2))
    assert t.loc[0, "estimate (95% CI)"] == "0.95 (0.91 to 0.99)"
    assert t.loc[2, "estimate (95% CI)"] == "1.35"
    assert t["p_value"].tolist() == ["<0.001", "0.310", ""]
    multi = T.regression_table({"A": S.tidy(), "B": S.tidy().iloc[:1]})
    assert list(multi.columns) == ["term", "A: estimate (95% CI)", "B: estimate (95% CI)"]
    assert multi["B: estimate (95% CI)"].tolist() == ["-0.05 (-0.09 to -0.01)", "", ""]


def test_csv_writer_is_byte_stable(tmp_path):
    t = T.staffing_summary_by_rating(S.features(), ["vacancy_rate_po"])
    a = T.write_table_csv(t, tmp_path / "a.csv").read_bytes()
    b = T.write_table_csv(t, tmp_path / "b.csv").read_bytes()
    assert a == b and b"\r" not in a
    lines = a.decode().splitlines()
    assert lines[0] == "measure,rating,n_inspections,n,n_missing,median,q1,q3,iqr,min,max"
    assert lines[1] == "vacancy_rate_po,Inadequate,3,2,1,38.500,36.750,40.250,3.500,35.000,42.000"


def test_markdown_writer(tmp_path):
    t = T.ratings_by_unit_type_year(S.inspections())
    text = T.to_markdown(t, caption="Ratings", note="Counts of inspections.")
    lines = text.splitlines()
    assert lines[0] == "**Ratings**"
    assert lines[2] == "| unit_type | year | " + " | ".join(RATINGS) + " | total |"
    assert lines[3] == "|:---|:---|---:|---:|---:|---:|---:|"
    assert lines[4] == "| PDU | 2022 | 1 | 1 | 1 | 0 | 3 |"
    assert lines[-1] == "Counts of inspections."
    escaped = T.to_markdown(pd.DataFrame({"a": ["x|y"], "b": [np.nan]}))
    assert "| x\\|y |  |" in escaped
    path = T.write_table_markdown(t, tmp_path / "t.md")
    assert path.read_bytes() == T.to_markdown(t).encode()
