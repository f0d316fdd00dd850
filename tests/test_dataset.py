"""The real dataset against the Inspectorate's published tallies and our own rules."""

from __future__ import annotations

import pandas as pd
import pytest

import probstats
from probstats.clean import order_dates
from probstats.summaries import rating_tally


@pytest.fixture(scope="module")
def inspections() -> pd.DataFrame:
    return probstats.load_inspections()


def _first_round(inspections: pd.DataFrame, unit_type: str) -> pd.Series:
    # First round: published by September 2019. Thames Valley CRC's publication day is not
    # stated; its id carries 2018 (from its source), so order_dates places it in 2018.
    df = inspections.assign(order=order_dates(inspections))
    df = df[(df["unit_type"] == unit_type) & (df["order"] <= "2019-09-30")]
    assert df["unit_id"].is_unique, "a unit inspected twice in the first round"
    return df["overall_rating"].astype("object").value_counts()


def test_first_round_crcs_match_published_tally(inspections):
    # HMIP: all 21 CRCs inspected by September 2019: 1 Good, 1 Inadequate, 19 Requires improvement.
    counts = _first_round(inspections, "CRC")
    assert counts.to_dict() == {"Requires improvement": 19, "Good": 1, "Inadequate": 1}


def test_first_round_nps_divisions_match_published_tally(inspections):
    # HMIP: all 7 NPS divisions: 5 Good, 2 Requires improvement.
    counts = _first_round(inspections, "NPS division")
    assert counts.to_dict() == {"Good": 5, "Requires improvement": 2}


def test_only_thames_valley_blocks_the_first_round_by_publication_date(inspections):
    first = inspections[inspections["era"] == "pre_unification"]
    undated = first.loc[first["publication_date"].isna() & first["fieldwork_start"].isna()]
    assert "crc-thames-valley-2018" in set(undated["inspection_id"])


def test_annual_report_2024_25_is_consistent_with_data(inspections):
    """HMIP 2024-25: 24 PDUs (10 RI, 14 Inadequate) and 3 regions (all RI), Feb 2024 - Feb 2025.

    Dated rows in the window must not exceed the published counts, and dated
    plus undated candidates (ids of 2024 or 2025) must be able to reach them.
    """
    window = dict(start="2024-02-01", end="2025-02-28")
    for unit_type, published in (
        ("PDU", {"Requires improvement": 10, "Inadequate": 14}),
        ("region", {"Requires improvement": 3}),
    ):
        dated = rating_tally(inspections, unit_type=unit_type, **window)
        df = inspections[inspections["unit_type"] == unit_type]
        candidates = df[
            df["publication_date"].isna() & df["inspection_id"].str.contains("-202[45]$")
        ]
        possible = candidates["overall_rating"].astype("object").value_counts()
        for rating, n in published.items():
            assert dated[rating] <= n, (unit_type, rating)
            assert dated[rating] + possible.get(rating, 0) >= n, (unit_type, rating)
        assert dated["Good"] == dated["Outstanding"] == 0


def test_every_row_is_cited(inspections):
    for table in (
        inspections,
        probstats.load_staffing(),
        probstats.load_case_measures(),
        probstats.load_standard_ratings(),
        probstats.load_units(),
    ):
        assert table["source_url"].notna().all()
        assert table["source_url"].str.startswith("http").all()


def test_every_pdu_inspection_has_a_rating(inspections):
    pdus = inspections[inspections["unit_type"] == "PDU"]
    assert pdus["overall_rating"].notna().all()
    assert len(pdus) >= 70


def test_licences_recorded_for_every_source():
    sources = probstats.load_sources()
    hmip = sources[sources["domain"].str.endswith("justiceinspectorates.gov.uk")]
    assert (hmip["licence"] == "Open Government Licence v3.0").all() and len(hmip) > 20
    assert sources["licence"].notna().all()


def test_stated_previous_ratings_agree_with_earlier_inspections():
    panel = probstats.load_panel()
    insp = probstats.load_inspections().set_index("inspection_id")
    later = panel[panel["visit_number"] > 1].set_index("inspection_id")
    stated = insp.loc[later.index, "previous_rating"]
    both = stated.notna() & later["previous_overall_rating"].notna()
    assert both.sum() >= 3
    assert (
        stated[both].astype(str) == later.loc[both, "previous_overall_rating"].astype(str)
    ).all()


def test_official_regional_figures_attach_without_future_data():
    with pytest.warns(UserWarning, match="publication_date was used instead"):
        df = probstats.load_inspections(official_measure="vacancies_fte")
    matched = df[df["vacancies_fte_all_status"] == "matched"]
    assert len(matched) >= 10
    used = matched.apply(
        lambda r: (
            r["fieldwork_start"]
            if r["vacancies_fte_all_date_used"] == "fieldwork_start"
            else r["publication_date"]
        ),
        axis=1,
    )
    assert (matched["vacancies_fte_all_as_at"] <= used).all()
    # every inspection is kept, matched or not, with the reason when not
    assert len(df) == len(probstats.load_inspections())
    assert set(df["vacancies_fte_all_status"]) <= {
        "matched",
        "no_region",
        "no_date",
        "no_earlier_figure",
        "too_old",
    }
