"""Figure functions: artists, counts, colours, titles, alt text; byte-identical saving."""

from __future__ import annotations

import _synthetic as S
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from scipy.optimize import minimize
from scipy.special import expit

from probstats import figures as F
from probstats.ratings import RATINGS
from probstats.render import save_figure, write_figure_index
from probstats.style import RATING_COLOURS, figure_meta, get_alt_text


def _check_common(fig: Figure, name: str) -> None:
    assert isinstance(fig, Figure)
    meta = figure_meta(fig)
    assert meta["title"] and meta["subtitle"] and meta["source"]
    assert get_alt_text(fig) and len(get_alt_text(fig)) > 40
    assert meta["made_by"] == f"probstats.figures.{name}"


def _title(ax) -> str:
    """Panel title and note with the wrapping undone."""
    return " ".join(ax.get_title(loc="left").split())


def _bars(ax) -> dict[str, BarContainer]:
    return {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}


def _face(artist) -> str:
    return to_hex(artist.get_facecolor()).upper()


# 1 -------------------------------------------------------------------------------------------


def test_ratings_over_time_counts_and_colours():
    fig = F.ratings_over_time(S.inspections())
    _check_common(fig, "ratings_over_time")
    pdu, region, crc = fig.axes
    assert _title(pdu).startswith("PDUs n = 9")
    # Hand counts of the 9 dated PDU inspections, 2022-2024.
    bars = _bars(pdu)
    assert list(bars) == list(RATINGS)
    heights = {r: [p.get_height() for p in c.patches] for r, c in bars.items()}
    assert heights["Requires improvement"] == [0, 0, 0, 1, 2, 1]  # 2019..2024
    assert heights["Inadequate"] == [0, 0, 0, 1, 0, 1]
    assert heights["Good"] == [0, 0, 0, 1, 0, 1]
    assert heights["Outstanding"] == [0, 0, 0, 0, 1, 0]
    for r, c in bars.items():
        assert {_face(p) for p in c.patches} == {RATING_COLOURS[r]}
    assert sum(p.get_height() for c in _bars(region).values() for p in c.patches) == 2
    assert sum(p.get_height() for c in _bars(crc).values() for p in c.patches) == 3
    alt = get_alt_text(fig)
    assert "1 inspection of other unit types (national) not shown." in alt
    assert "1 inspection without a publication date not shown." in alt
    assert "14 of 16 inspections shown" in figure_meta(fig)["subtitle"]
    assert figure_meta(fig)["title"].startswith("Requires improvement was the most common rating")
    # The figure legend lists the ratings best first in their colours.
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == list(reversed(RATINGS))


def test_ratings_over_time_by_quarter_counts_year_only_dates():
    df = S.inspections()
    df.loc[df["inspection_id"] == "pdu-a-2022", "publication_date_precision"] = "year"
    fig = F.ratings_over_time(df, period="quarter")
    assert "1 inspection dated only to the year not shown by quarter." in get_alt_text(fig)
    total = sum(p.get_height() for ax in fig.axes for c in _bars(ax).values() for p in c.patches)
    assert total == 13


def test_ratings_over_time_empty_and_bad_input():
    fig = F.ratings_over_time(S.inspections().iloc[:0])
    assert "No rated, dated inspections" in get_alt_text(fig)
    assert fig.axes[0].texts[0].get_gid() == "probstats-no-data"
    with pytest.raises(F.FigureInputError, match="overall_rating"):
        F.ratings_over_time(S.inspections().drop(columns="overall_rating"))
    with pytest.raises(F.FigureInputError, match="period"):
        F.ratings_over_time(S.inspections(), period="month")


# 2 -------------------------------------------------------------------------------------------


def test_ratings_by_region_all_twelve_regions_and_hand_counts():
    fig = F.ratings_by_region(S.inspections())
    _check_common(fig, "ratings_by_region")
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 12 and labels[0] == "North East" and labels[-1] == "Wales"
    bars = _bars(ax)
    assert len(ax.patches) == 48
    widths = {
        r: dict(zip(labels, [p.get_width() for p in c.patches], strict=True))
        for r, c in bars.items()
    }
    assert [widths[r]["North East"] for r in RATINGS] == [2, 2, 1, 0]
    assert [widths[r]["London"] for r in RATINGS] == [0, 3, 0, 0]
    assert [widths[r]["Wales"] for r in RATINGS] == [0, 0, 2, 1]
    assert [widths[r]["South West"] for r in RATINGS] == [0, 0, 1, 0]
    assert "4 inspections of other unit types (CRC, NPS division, national) not shown." in (
        get_alt_text(fig)
    )


def test_ratings_by_region_proportions_sum_to_100():
    fig = F.ratings_by_region(S.inspections(), proportions=True)
    (ax,) = fig.axes
    totals = np.zeros(12)
    for c in _bars(ax).values():
        totals += [p.get_width() for p in c.patches]
    assert sorted(set(np.round(totals, 9))) == [0.0, 100.0]
    assert (np.round(totals) == 100).sum() == 4


# 3 -------------------------------------------------------------------------------------------


def _binomial_mle(x, pct, n):
    """Independent reference: maximise the binomial log-likelihood directly."""
    k = np.asarray(pct) / 100 * np.asarray(n)

    def nll(b):
        p = expit(b[0] + b[1] * np.asarray(x))
        return -np.sum(k * np.log(p) + (np.asarray(n) - k) * np.log1p(-p))

    return minimize(nll, [0.0, 0.0], method="BFGS", options={"gtol": 1e-10}).x


def test_binomial_curve_matches_direct_likelihood_and_pearson_scale():
    x = np.array([5, 12, 18, 25, 30, 35, 42.0])
    pct = np.array([78, 70, 61, 50, 47, 36, 33.0])
    n = np.array([40, 45, 50, 38, 41, 44, 46.0])
    curve, summ = F.binomial_curve(x, pct, n, grid=x)
    beta = _binomial_mle(x, pct, n)
    assert summ["odds_ratio_per_10"] == pytest.approx(np.exp(10 * beta[1]), rel=1e-5)
    assert curve["fit"].to_numpy() == pytest.approx(100 * expit(beta[0] + beta[1] * x), rel=1e-5)
    p = expit(beta[0] + beta[1] * x)
    pearson = np.sum(n * (pct / 100 - p) ** 2 / (p * (1 - p))) / (len(x) - 2)
    assert summ["scale"] == pytest.approx(pearson, rel=1e-4)
    assert (curve["lo"] < curve["fit"]).all() and (curve["fit"] < curve["hi"]).all()


def test_staffing_vs_outcome_points_sizes_curve_and_notes():
    feats = S.features()
    fig = F.staffing_vs_outcome(feats)
    _check_common(fig, "staffing_vs_outcome")
    (ax,) = fig.axes
    assert _title(ax).endswith("n = 8 shown; 7 without the measure, 1 without the outcome")
    points = [c for c in ax.collections if c.get_label() == "_points"]
    assert len(points) == 1
    offsets = points[0].get_offsets()
    assert len(offsets) == 8
    sel = feats["vacancy_rate_po"].notna() & feats[F.KEEP_SAFE_OUTCOME].notna()
    expected_sizes = 1.2 * feats.loc[sel, "cases_inspected"].to_numpy(float)
    assert points[0].get_sizes() == pytest.approx(expected_sizes)
    fit_lines = [ln for ln in ax.lines if ln.get_label() == "_fit"]
    assert len(fit_lines) == 1
    # The drawn curve is the quasi-binomial fit of the same 8 points (7 stated n + 1 fallback).
    n = feats.loc[sel, "case_implementation_delivery_keep_safe_n"].fillna(
        feats.loc[sel, "cases_inspected"].astype(float)
    )
    beta = _binomial_mle(feats.loc[sel, "vacancy_rate_po"], feats.loc[sel, F.KEEP_SAFE_OUTCOME], n)
    xs, ys = fit_lines[0].get_data()
    assert np.asarray(ys) == pytest.approx(
        100 * expit(beta[0] + beta[1] * np.asarray(xs)), rel=1e-4
    )
    assert "not evidence of cause" in get_alt_text(fig)


def test_staffing_vs_outcome_with_given_curve_and_missing_measure():
    curve = pd.DataFrame(
        {
            "vacancy_rate_po": [0, 25, 50],
            "probability": [0.8, 0.55, 0.3],
            "conf_low": [0.7, 0.5, 0.2],
            "conf_high": [0.9, 0.6, 0.4],
        }
    )
    fig = F.staffing_vs_outcome(
        S.features(), ["vacancy_rate_po", "sickness_days_all"], curve={"vacancy_rate_po": curve}
    )
    ax_vac, ax_sick = fig.axes
    (line,) = [ln for ln in ax_vac.lines if ln.get_label() == "_fit"]
    assert list(line.get_ydata()) == pytest.approx([80, 55, 30])
    assert ax_sick.texts[0].get_gid() == "probstats-no-data"
    assert "n = 0 shown; 16 without the measure" in _title(ax_sick)


def test_staffing_vs_outcome_too_few_for_a_fit():
    fig = F.staffing_vs_outcome(S.features().iloc[3:6])
    (ax,) = fig.axes
    assert not [ln for ln in ax.lines if ln.get_label() == "_fit"]
    assert "too few inspections" in get_alt_text(fig)


# 4 -------------------------------------------------------------------------------------------


def test_staffing_by_rating_points_colours_and_boxes():
    feats = S.features()
    fig = F.staffing_by_rating(feats, ["vacancy_rate_po", "caseload_average_po"])
    _check_common(fig, "staffing_by_rating")
    ax = fig.axes[0]
    strips = {c.get_label().lstrip("_"): c for c in ax.collections}
    assert sum(len(c.get_offsets()) for c in strips.values()) == 9
    for rating, coll in strips.items():
        assert to_hex(coll.get_facecolor()[0]).upper() == RATING_COLOURS[rating]
    assert len(strips["Requires improvement"].get_offsets()) == 4
    # Only Requires improvement (n = 4) reaches min_box: one median line, at 25.
    medians = [ln for ln in ax.lines if ln.get_linewidth() == 1.5]
    assert len(medians) == 1 and set(medians[0].get_xdata()) == {25.0}
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "Inadequate\nn = 2",
        "Requires\nimprovement\nn = 4",
        "Good\nn = 2",
        "Outstanding\nn = 1",
    ]
    assert "n = 9 shown; 7 without the measure" in _title(ax)


def test_staffing_by_rating_is_deterministic_and_handles_empty():
    a = F.staffing_by_rating(S.features(), ["vacancy_rate_po"])
    b = F.staffing_by_rating(S.features(), ["vacancy_rate_po"])
    for ca, cb in zip(a.axes[0].collections, b.axes[0].collections, strict=True):
        assert np.array_equal(ca.get_offsets(), cb.get_offsets())
    empty = F.staffing_by_rating(S.features(), ["sickness_days_all"])
    assert empty.axes[0].texts[0].get_gid() == "probstats-no-data"
    none = F.staffing_by_rating(S.features().iloc[:0])
    assert "No staffing measures" in get_alt_text(none)


# 5 -------------------------------------------------------------------------------------------


def test_coefficient_plot_odds_ratios_on_log_scale():
    tidy = S.tidy()
    fig = F.coefficient_plot(tidy, exponentiate=True)
    _check_common(fig, "coefficient_plot")
    (ax,) = fig.axes
    assert ax.get_xscale() == "log"
    (points,) = [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert list(points.get_xdata()) == pytest.approx(np.exp(tidy["estimate"]))
    (ci,) = [c for c in ax.collections if c.get_label() == "_ci"]
    segs = ci.get_segments()
    assert len(segs) == 2  # the third term has no interval
    assert segs[0][:, 0] == pytest.approx(np.exp([-0.09, -0.01]))
    assert [t.get_text() for t in ax.get_yticklabels()] == list(tidy["term"])
    assert "No interval for: era[pre]" in get_alt_text(fig)
    ref = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert ref and set(ref[0].get_xdata()) == {1.0}


def test_coefficient_plot_terms_models_and_errors():
    tidy = pd.concat([S.tidy().assign(model="A"), S.tidy().iloc[:2].assign(model="B")])
    fig = F.coefficient_plot(tidy, terms=["vacancy_rate_po", "caseload_average_po"])
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]
    assert "Not shown: era[pre]." in get_alt_text(fig)
    with pytest.raises(F.FigureInputError, match="log scale"):
        F.coefficient_plot(S.tidy(), log_scale=True)
    assert "No estimates" in get_alt_text(F.coefficient_plot(S.tidy().iloc[:0]))


# 6 -------------------------------------------------------------------------------------------


def test_predicted_probabilities_lines_with_bands():
    pred = S.predictions()
    fig = F.predicted_probabilities(pred, xlim=(0, 50))
    _check_common(fig, "predicted_probabilities")
    (ax,) = fig.axes
    lines = {ln.get_label(): ln for ln in ax.lines}
    assert list(lines) == list(reversed(RATINGS))
    for r, ln in lines.items():
        assert to_hex(ln.get_color()).upper() == RATING_COLOURS[r]
        expected = pred.loc[pred["category"] == r, "probability"].to_numpy()
        assert ln.get_ydata() == pytest.approx(expected)
    assert len([c for c in ax.collections if c.get_label() == "_band"]) == 4
    assert ax.get_xlim() == (0, 50)
    assert ax.get_xlabel() == "PO vacancy rate (%)"


def test_predicted_probabilities_stacked_and_extra_events():
    pred = S.predictions()
    event = (
        pred[pred["category"].isin(["Inadequate", "Requires improvement"])]
        .groupby("vacancy_rate_po", as_index=False)[["probability", "conf_low", "conf_high"]]
        .sum()
        .assign(category="Requires improvement or worse")
    )
    both = pd.concat([pred, event], ignore_index=True)
    lines = F.predicted_probabilities(both)
    (ln_event,) = [
        ln for ln in lines.axes[0].lines if ln.get_label() == "Requires improvement or worse"
    ]
    assert ln_event.get_linestyle() == "--"
    stacked = F.predicted_probabilities(both, kind="stacked")
    (ax,) = stacked.axes
    assert [_face(c) for c in ax.collections] == [RATING_COLOURS[r] for r in RATINGS]
    assert "Not stacked: Requires improvement or worse" in get_alt_text(stacked)
    with pytest.raises(F.FigureInputError, match="kind"):
        F.predicted_probabilities(pred, kind="pie")


# 7 -------------------------------------------------------------------------------------------


def test_repeat_inspections_pairs_and_colours():
    fig = F.repeat_inspections(S.panel())
    _check_common(fig, "repeat_inspections")
    (ax,) = fig.axes
    pairs = {ln.get_label(): ln for ln in ax.lines if ln.get_label().startswith("_pair")}
    assert set(pairs) == {"_pair_pdu-a", "_pair_pdu-b", "_pair_pdu-d"}
    a = pairs["_pair_pdu-a"].get_ydata()
    assert round(a[0]) == 2 and round(a[1]) == 3  # Requires improvement -> Good
    colours = {k: to_hex(v.get_color()).upper() for k, v in pairs.items()}
    assert colours["_pair_pdu-a"] == colours["_pair_pdu-b"] == "#12436D"  # vacancy fell
    assert colours["_pair_pdu-d"] == "#A285D1"  # unchanged
    assert figure_meta(fig)["title"] == (
        "1 of 3 repeat inspections gave a better rating, 0 a worse one"
    )


def test_repeat_inspections_unknown_change_and_empty():
    panel = S.panel().drop(columns="delta_vacancy_rate_po")
    fig = F.repeat_inspections(panel)
    assert "No column delta_vacancy_rate_po" in get_alt_text(fig)
    dashed = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("_pair")]
    assert len(dashed) == 3 and all(ln.get_linestyle() == "--" for ln in dashed)
    first_only = S.panel()[S.panel()["visit_number"] == 1]
    assert "No unit has two rated inspections" in get_alt_text(F.repeat_inspections(first_only))


# 8 -------------------------------------------------------------------------------------------


def test_data_coverage_grid_matches_missingness():
    feats = S.features()
    fig = F.data_coverage(feats, staffing=S.staffing_long())
    _check_common(fig, "data_coverage")
    (ax,) = fig.axes
    grid = np.asarray(ax.images[0].get_array())
    measures = ["vacancy_rate_po", "caseload_average_po", "sickness_days_all", F.KEEP_SAFE_OUTCOME]
    order = feats.sort_values(["publication_date", "inspection_id"], na_position="last")
    expected = order[measures].notna().to_numpy(int).T
    col = order["inspection_id"].tolist().index("pdu-c-2022")
    expected[2, col] = 2  # sickness stated only as a bound
    assert np.array_equal(grid, expected)
    assert figure_meta(fig)["title"] == "Staffing figures are stated for 9 of 16 inspections"
    assert "1 further figures are stated only as a bound" in get_alt_text(fig)


def test_data_coverage_without_measures():
    fig = F.data_coverage(S.inspections()[["inspection_id", "publication_date"]])
    assert fig.axes[0].texts[0].get_gid() == "probstats-no-data"


# labels and saving ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "label"),
    [
        ("vacancy_rate_po", "PO vacancy rate (%)"),
        ("staffing_pct_target_pso", "PSO staffing (% of target)"),
        ("caseload_average_po", "PO average caseload"),
        ("sickness_days_all", "Sickness days per person, all staff"),
        (
            "case_assessment_keep_safe_pct",
            "Assessment: keeping people safe (% of cases sufficient)",
        ),
        ("something_new", "Something new"),
    ],
)
def test_measure_label(column, label):
    assert F.measure_label(column) == label


def test_saving_twice_gives_identical_bytes(tmp_path):
    made = [F.staffing_by_rating(S.features(), ["vacancy_rate_po"]) for _ in range(2)]
    records = [
        save_figure(fig, tmp_path / f"run{i}" / "by_rating", dpi=60) for i, fig in enumerate(made)
    ]
    again = save_figure(made[0], tmp_path / "again" / "by_rating", dpi=60)
    for suffix in (".png", ".svg", ".alt.txt"):
        blobs = {(r.files[0].parent / f"by_rating{suffix}").read_bytes() for r in (*records, again)}
        assert len(blobs) == 1, suffix
    svg = (tmp_path / "run0" / "by_rating.svg").read_text()
    png = (tmp_path / "run0" / "by_rating.png").read_bytes()
    assert "<dc:date>" not in svg and b"Software" not in png and b"matplotlib" not in png
    alt = get_alt_text(made[0])
    assert "Strip plots with box plots" in (tmp_path / "run0" / "by_rating.alt.txt").read_text()
    assert alt.split(";")[0] in svg  # Dublin Core description carries the alt text
    index = write_figure_index(records[:1], tmp_path / "run0" / "README.md").read_text()
    assert "| [by_rating.png](by_rating.png) | Staffing by inspection rating |" in index
    assert "`probstats.figures.staffing_by_rating`" in index


def test_save_refuses_a_figure_without_alt_text(tmp_path):
    from probstats.style import FigureMetadataError, new_figure

    fig, _ = new_figure()
    with pytest.raises(FigureMetadataError, match="alt text"):
        save_figure(fig, tmp_path / "x")


def test_every_figure_and_table_accepts_the_loaders_types(tmp_path):
    """The built tables (string, Int64, ordered categorical dtypes) go through unchanged."""
    from pathlib import Path

    from probstats import tables as T
    from probstats.build import build_tables

    built = build_tables(Path(__file__).parent / "fixtures" / "raw_minimal")
    ins, feats, panel = built["inspections"], built["features"], built["panel"]
    figs = [
        F.ratings_over_time(ins),
        F.ratings_over_time(ins, period="quarter"),
        F.ratings_by_region(ins),
        F.staffing_vs_outcome(feats, ["vacancy_rate_po", "staffing_pct_target_pso"]),
        F.staffing_by_rating(feats),
        F.repeat_inspections(panel),
        F.data_coverage(feats, staffing=built["staffing"]),
    ]
    for fig in figs:
        assert get_alt_text(fig) and figure_meta(fig)["title"]
    assert T.ratings_by_region_year(ins)["total"].iloc[-1] == int(
        ins["unit_type"].isin(["PDU", "region"]).sum()
    )
    assert T.ratings_by_unit_type_year(ins)["total"].iloc[-1] == len(ins)
    assert len(T.staffing_summary_by_rating(feats)) > 0
    rec = save_figure(figs[-1], tmp_path / "coverage", dpi=40)
    assert [p.name for p in rec.files] == ["coverage.png", "coverage.svg", "coverage.alt.txt"]
