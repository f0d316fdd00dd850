"""Official workforce table, the at-or-before-fieldwork join and derived measures."""

from __future__ import annotations

import math
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probstats.dataset import vocab
from probstats.dataset.paths import data_dir
from probstats.errors import DataValidationError
from probstats.official import (
    COLUMNS,
    FallbackDateWarning,
    attach_regional_staffing,
    canonical_region,
    caseload_per_practitioner_fte,
    derive_official_measures,
    load_official,
    official_series,
    po_pso_ratio,
    po_share_of_practitioners,
    sickness_days_per_fte,
    staffing_pct_of_target,
    validate_official,
)

CSV = data_dir("raw") / "workforce_official.csv"


@pytest.fixture(scope="module")
def official() -> pd.DataFrame:
    return load_official()


# --- the harvested table -----------------------------------------------------


def test_header_is_exactly_the_documented_columns():
    header = CSV.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert tuple(header) == COLUMNS


def test_every_row_is_cited_and_licensed(official):
    assert (official["source_url"].str.match(r"^https?://")).all()
    gov = official["source_url"].str.contains(r"//(?:www\.)?gov\.uk/")
    assert (official.loc[gov, "licence"] == "OGL-3.0").all()
    assert (official.loc[gov, "source_type"] == "primary").all()
    parliament = official["source_url"].str.contains("parliament.uk")
    assert (official.loc[parliament, "licence"] == "Open Parliament Licence").all()
    # Mirrors of Parliament's text are not Parliament's own site: secondary.
    mirrors = official["source_url"].str.contains("parallelparliament|theyworkforyou")
    assert (official.loc[mirrors, "source_type"] == "secondary").all()


@pytest.mark.parametrize(
    ("url_part", "as_at", "grade", "measure", "value"),
    [
        # Typed from the pages themselves, independently of the CSV builder.
        ("quarterly-june-2023/", "2023-06-30", "PO", "staff_in_post_fte", 4418),
        ("quarterly-june-2023/", "2023-06-30", "PSO", "staff_in_post_fte", 6801),
        ("quarterly-june-2025/", "2025-06-30", "PO", "leaving_rate", 6.3),
        ("quarterly-december-2024/", "2024-12-31", "all", "staff_in_post_fte", 20555),
        ("january-to-march-2024", "2024-03-31", "all", "caseload_total", 239015),
    ],
)
def test_spot_values_match_the_source(official, url_part, as_at, grade, measure, value):
    row = official[
        official["source_url"].str.contains(url_part, regex=False)
        & (official["period_as_at"] == as_at)
        & (official["grade"] == grade)
        & (official["measure"] == measure)
    ]
    assert len(row) == 1
    assert row["value"].iloc[0] == value


def test_regional_vacancies_cover_the_twelve_regions(official):
    s = official_series(official, "vacancies_fte")
    assert sorted(s["region_canonical"]) == sorted(vocab.REGIONS)
    assert s.set_index("region_canonical").loc["London", "value"] == 457
    # Published as "Data shown as of September 2023": month precision, ends 30 Sept.
    assert (s["period_end"] == pd.Timestamp("2023-09-30")).all()


def test_london_pdu_leavers_sum_to_published_total(official):
    rows = official[(official["measure"] == "leavers_headcount")]
    parts = rows[rows["geography_type"] != "region"]["value"].sum()
    total = rows[rows["geography_type"] == "region"]["value"].iloc[0]
    assert parts == total == 79


def test_validation_names_line_and_column(tmp_path):
    bad = tmp_path / "workforce_official.csv"
    shutil.copy(CSV, bad)
    frame = pd.read_csv(bad, dtype=str, keep_default_na=False)
    frame.loc[0, "value"] = "20,055"
    frame.loc[2, "region_canonical"] = "South East"
    frame.loc[3, "period_as_at"] = "June 2023"
    frame.loc[4, "value"] = ""
    with pytest.raises(DataValidationError) as info:
        validate_official(frame, file="w.csv")
    where = {(p.line, p.column) for p in info.value.problems}
    assert {(2, "value"), (4, "region_canonical"), (5, "period_as_at"), (6, "value")} <= where


def test_empty_value_with_marker_is_valid():
    frame = pd.read_csv(CSV, dtype=str, keep_default_na=False).head(1).copy()
    frame.loc[0, "value"] = ""
    frame.loc[0, "marker"] = "c"
    validate_official(frame)


@pytest.mark.parametrize(
    ("published", "canonical"),
    [
        ("PS Kent, Surrey & Sussex", "Kent, Surrey and Sussex"),
        ("PS Yorkshire & the Humber", "Yorkshire and the Humber"),
        ("London Probation Service", "London"),
        ("NPS Wales", "Wales"),
        ("Probation Service - North West", "North West"),
        ("PS East of England", "East of England"),
        ("greater manchester", "Greater Manchester"),
        ("South East", None),
        ("PDU Brent", None),
        (None, None),
    ],
)
def test_canonical_region(published, canonical):
    assert canonical_region(published) == canonical


# --- derived measures ----------------------------------------------------------


def test_derived_measures_closed_form():
    assert po_pso_ratio(4418, 6801) == pytest.approx(4418 / 6801)
    assert po_share_of_practitioners(1, 3) == pytest.approx(25.0)
    assert staffing_pct_of_target(1479, 1479) == pytest.approx(100.0)
    assert staffing_pct_of_target(120, 100) == pytest.approx(120.0)  # above target allowed
    assert sickness_days_per_fte(1373, 17460) == pytest.approx(1373 / 17460)
    assert caseload_per_practitioner_fte(1000, 30, 20) == pytest.approx(20.0)


def test_derived_measures_zero_and_missing_give_nan_not_inf():
    assert math.isnan(po_pso_ratio(10, 0))
    assert math.isnan(po_share_of_practitioners(0, 0))
    assert math.isnan(staffing_pct_of_target(5, np.nan))
    assert math.isnan(caseload_per_practitioner_fte(100, 0, 0))


def test_derived_measures_keep_series_index_and_reject_negatives():
    po = pd.Series([10.0, 20.0], index=["a", "b"])
    pso = pd.Series([10.0, 0.0], index=["a", "b"])
    ratio = po_pso_ratio(po, pso)
    assert list(ratio.index) == ["a", "b"]
    assert ratio["a"] == 1.0 and math.isnan(ratio["b"])
    with pytest.raises(ValueError, match="negative"):
        sickness_days_per_fte(-1, 10)


def test_derive_official_measures_uses_one_publication_at_a_time(official):
    d = derive_official_measures(official)
    jun23 = d[d["period_as_at"] == "2023-06-30"]
    assert len(jun23) == 1
    assert jun23["po_pso_ratio"].iloc[0] == pytest.approx(4418 / 6801)
    assert jun23["po_share_pct"].iloc[0] == pytest.approx(100 * 4418 / (4418 + 6801))
    assert d.groupby(["publication", "period_as_at", "geography"]).size().max() == 1


# --- the join -------------------------------------------------------------------


def _official(rows: list[dict]) -> pd.DataFrame:
    """A small official table in the shape load_official returns."""
    base = {c: "" for c in COLUMNS}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["value"] = frame["value"].astype(float)
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    frame["publication_end"] = pd.to_datetime(frame.get("publication_end", pd.NaT))
    return frame


def _row(region, end, value, **kw):
    return {
        "source_url": kw.pop("url", "https://www.gov.uk/a"),
        "source_type": kw.pop("source_type", "primary"),
        "geography_type": kw.pop("geography_type", "region"),
        "region_canonical": region,
        "grade": kw.pop("grade", "all"),
        "measure": kw.pop("measure", "vacancies_fte"),
        "value": value,
        "period_end": end,
        "publication_end": kw.pop("published", pd.NaT),
        "qualifier": kw.pop("qualifier", ""),
    }


@pytest.fixture
def small_official():
    return _official(
        [
            _row("London", "2023-03-31", 400, published="2023-05-18"),
            _row("London", "2023-06-30", 420, published="2023-08-17"),
            _row("London", "2023-09-30", 457, published="2023-11-16"),
            _row("Wales", "2023-06-30", 3, published="2023-08-17"),
            _row("", "2023-06-30", 9999, geography_type="national"),
        ]
    )


def _inspections(**cols):
    frame = pd.DataFrame(cols)
    for c in ("fieldwork_start", "publication_date"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def test_join_takes_latest_figure_at_or_before_fieldwork(small_official):
    insp = _inspections(
        inspection_id=["a", "b", "c", "d"],
        region=["London", "London", "London", "Wales"],
        fieldwork_start=["2023-09-01", "2023-09-30", "2023-10-02", "2023-05-01"],
        publication_date=["2024-01-01"] * 4,
    )
    out = attach_regional_staffing(insp, small_official, "vacancies_fte")
    # 2023-09-01 must not see the 30 Sept figure; 30 Sept itself may.
    assert out["vacancies_fte_all"].tolist()[:3] == [420, 457, 457]
    assert out["vacancies_fte_all_lag_days"].tolist()[:3] == [63, 0, 2]
    assert out.loc[3, "vacancies_fte_all_status"] == "no_earlier_figure"
    assert math.isnan(out.loc[3, "vacancies_fte_all"])
    assert (out["vacancies_fte_all_date_used"] == "fieldwork_start").all()


def test_join_falls_back_to_publication_date_and_says_so(small_official):
    insp = _inspections(
        inspection_id=["a", "b"],
        region=["London", "London"],
        fieldwork_start=[None, None],
        publication_date=["2023-07-01", None],
    )
    with pytest.warns(FallbackDateWarning, match="1 inspection"):
        out = attach_regional_staffing(insp, small_official, "vacancies_fte")
    assert out.loc[0, "vacancies_fte_all"] == 420
    assert out.loc[0, "vacancies_fte_all_date_used"] == "publication_date"
    assert out.loc[1, "vacancies_fte_all_status"] == "no_date"
    assert pd.isna(out.loc[1, "vacancies_fte_all_date_used"])


def test_join_without_fallback_leaves_unknown_dates_empty(small_official):
    insp = _inspections(
        inspection_id=["a"],
        region=["London"],
        fieldwork_start=[None],
        publication_date=["2023-07-01"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = attach_regional_staffing(insp, small_official, "vacancies_fte", fallback=None)
    assert out.loc[0, "vacancies_fte_all_status"] == "no_date"


def test_join_statuses_for_missing_region_and_old_figures(small_official):
    insp = _inspections(
        inspection_id=["a", "b"],
        region=[None, "London"],
        fieldwork_start=["2024-01-01", "2025-06-01"],
        publication_date=["2024-03-01", "2025-09-01"],
    )
    out = attach_regional_staffing(insp, small_official, "vacancies_fte", max_lag_days=365)
    assert out["vacancies_fte_all_status"].tolist() == ["no_region", "too_old"]
    assert out["vacancies_fte_all"].isna().all()


def test_join_require_published_before(small_official):
    insp = _inspections(
        inspection_id=["a"],
        region=["London"],
        fieldwork_start=["2023-10-15"],
        publication_date=["2024-01-01"],
    )
    plain = attach_regional_staffing(insp, small_official, "vacancies_fte")
    known = attach_regional_staffing(
        insp, small_official, "vacancies_fte", require_published_before=True
    )
    assert plain.loc[0, "vacancies_fte_all"] == 457  # true at fieldwork ...
    assert known.loc[0, "vacancies_fte_all"] == 420  # ... but only this was published


def test_join_national_series_ignores_region(small_official):
    insp = _inspections(
        inspection_id=["a"],
        region=[None],
        fieldwork_start=["2023-07-01"],
        publication_date=["2023-12-01"],
    )
    out = attach_regional_staffing(insp, small_official, "vacancies_fte", geography_type="national")
    assert out.loc[0, "vacancies_fte_all"] == 9999


def test_join_prefers_primary_exact_figure_on_same_date():
    off = _official(
        [
            _row("London", "2023-06-30", 1, source_type="secondary", url="https://news.example/x"),
            _row("London", "2023-06-30", 2, qualifier="~", url="https://www.gov.uk/b"),
            _row("London", "2023-06-30", 3, url="https://www.gov.uk/c"),
        ]
    )
    insp = _inspections(
        inspection_id=["a"],
        region=["London"],
        fieldwork_start=["2023-07-01"],
        publication_date=["2023-12-01"],
    )
    out = attach_regional_staffing(insp, off, "vacancies_fte")
    assert out.loc[0, "vacancies_fte_all"] == 3
    no_secondary = attach_regional_staffing(
        insp, off.iloc[:1], "vacancies_fte", include_secondary=False
    )
    assert no_secondary.loc[0, "vacancies_fte_all_status"] == "no_earlier_figure"


def test_join_on_real_data_and_input_untouched(official):
    insp = _inspections(
        inspection_id=["pdu-x-2024"],
        region=["London"],
        fieldwork_start=["2024-02-05"],
        publication_date=["2024-05-01"],
    )
    before = insp.copy()
    out = attach_regional_staffing(insp, official, "vacancies_fte")
    pd.testing.assert_frame_equal(insp, before)
    assert out.loc[0, "vacancies_fte_all"] == 457
    assert out.loc[0, "vacancies_fte_all_as_at"] == pd.Timestamp("2023-09-30")


def test_join_rejects_unknown_measure(small_official):
    insp = _inspections(
        inspection_id=["a"],
        region=["London"],
        fieldwork_start=["2023-07-01"],
        publication_date=["2023-12-01"],
    )
    with pytest.raises(ValueError, match="unknown measure"):
        attach_regional_staffing(insp, small_official, "vacancy_ratio")


# --- property: never future data -----------------------------------------------

_REGIONS = ["London", "Wales", "North East"]
_day = st.integers(min_value=0, max_value=2000)
_BASE = pd.Timestamp("2019-01-01")


@st.composite
def _scenario(draw):
    n_off = draw(st.integers(min_value=0, max_value=15))
    off_rows = []
    for i in range(n_off):
        off_rows.append(
            _row(
                draw(st.sampled_from(_REGIONS)),
                _BASE + pd.Timedelta(days=draw(_day)),
                float(i),
                published=_BASE + pd.Timedelta(days=draw(_day)),
                source_type=draw(st.sampled_from(["primary", "secondary"])),
                url=f"https://www.gov.uk/{i}",
            )
        )
    n_insp = draw(st.integers(min_value=1, max_value=10))
    fw = [draw(st.one_of(st.none(), _day)) for _ in range(n_insp)]
    pub = [draw(st.one_of(st.none(), _day)) for _ in range(n_insp)]
    regions = [draw(st.one_of(st.none(), st.sampled_from(_REGIONS))) for _ in range(n_insp)]
    insp = pd.DataFrame(
        {
            "inspection_id": [f"i{k}" for k in range(n_insp)],
            "region": regions,
            "fieldwork_start": [None if d is None else _BASE + pd.Timedelta(days=d) for d in fw],
            "publication_date": [None if d is None else _BASE + pd.Timedelta(days=d) for d in pub],
        }
    )
    for c in ("fieldwork_start", "publication_date"):
        insp[c] = pd.to_datetime(insp[c])
    off = (
        _official(off_rows) if off_rows else _official([_row("London", "2100-01-01", 0.0)]).iloc[:0]
    )
    return insp, off, draw(st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_scenario())
def test_property_never_uses_a_later_figure(scenario):
    insp, off, known_only = scenario
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackDateWarning)
        out = attach_regional_staffing(
            insp, off, "vacancies_fte", require_published_before=known_only
        )
    for k, row in out.iterrows():
        ref = insp.loc[k, "fieldwork_start"]
        if pd.isna(ref):
            ref = insp.loc[k, "publication_date"]
        status = row["vacancies_fte_all_status"]
        # Brute-force reference: every figure that was eligible for this inspection.
        eligible = off[(off["region_canonical"] == insp.loc[k, "region"])]
        if not pd.isna(ref):
            eligible = eligible[eligible["period_end"] <= ref]
            if known_only:
                eligible = eligible[eligible["publication_end"] <= ref]
        if status == "matched":
            assert row["vacancies_fte_all_as_at"] <= ref
            assert row["vacancies_fte_all_lag_days"] == (ref - row["vacancies_fte_all_as_at"]).days
            assert row["vacancies_fte_all_lag_days"] >= 0
            assert row["vacancies_fte_all_as_at"] == eligible["period_end"].max()
            if known_only:
                chosen = off[off["source_url"] == row["vacancies_fte_all_source_url"]]
                assert (chosen["publication_end"] <= ref).all()
        else:
            assert math.isnan(row["vacancies_fte_all"])
            if status == "no_earlier_figure":
                assert eligible.empty
            if status == "no_region":
                assert pd.isna(insp.loc[k, "region"])
            if status == "no_date":
                assert pd.isna(ref)
