"""The publication set: every figure and table, regenerated from the processed tables.

Called by ``probstats build``. Figures go to ``figures/`` (PNG at 300 dpi and
SVG, with an ``.alt.txt`` sidecar each) and are listed with their alt text in
``figures/README.md``; tables go to ``figures/tables/`` as CSV and Markdown.
Everything is written deterministically, so an unchanged input gives
byte-identical files.

The analysis behind them: :mod:`probstats.report.evidence` (every staffing dimension x
level x estimator) and :mod:`probstats.report.analysis` (the main fits of PO shortfall:
maximum likelihood beside the bias-reduced estimate, never instead of it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from probstats import outputs
from probstats.dataset.summaries import coverage_by_year
from probstats.report import figures as figs
from probstats.report import tables as tab
from probstats.report.analysis import KEEP_SAFE, MAIN_PREDICTOR, Fit, exact_rank_test, main_fits
from probstats.report.render import FigureRecord, save_figure, write_figure_index
from probstats.report.style import DEFAULT_SOURCE

#: Predicted probabilities are shown over this range of PO shortfall (percentage points).
SHORTFALL_GRID = np.arange(0.0, 60.5, 2.5)
#: Effects are reported per this many percentage points of PO shortfall.
PER = 10.0
_EVENTS = {"Requires improvement or worse": ["Inadequate", "Requires improvement"]}


@dataclass
class _Analysis:
    """Everything the figures and tables of one build are drawn from."""

    features: pd.DataFrame
    fits: dict[str, Fit]
    table: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    prediction: pd.DataFrame | None
    coefficients: pd.DataFrame
    caveat: str


def _model_notes(fits) -> pd.DataFrame:
    frames = [f.notes_frame() for f in fits.values()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _prediction_frame(fit: Fit) -> pd.DataFrame | None:
    """Predicted rating probabilities across PO shortfall with delta-method bands."""
    from probstats.models.inference.predict import predict_curve

    if not fit.estimable:
        return None
    # "Requires improvement or worse" says something only when better ratings occur
    cats = set(fit.result.categories)
    events = _EVENTS if cats - set(_EVENTS["Requires improvement or worse"]) else None
    return predict_curve(fit.result, MAIN_PREDICTOR, values=SHORTFALL_GRID, events=events)


def _coefficients(fits: dict[str, Fit]) -> pd.DataFrame:
    """Odds ratios of PO shortfall per 10 points, ML beside bias-reduced, profile intervals."""
    frames = []
    for key in ("ordinal", "ordinal_firth"):
        fit = fits[key]
        if not fit.estimable:
            continue
        t = fit.result.tidy(conf_method="profile", per={MAIN_PREDICTOR: PER}, auxiliary=False)
        label = "maximum likelihood" if key == "ordinal" else "bias-reduced (Firth)"
        frames.append(t.assign(model=f"{label} (n = {fit.n_used})"))
    if not frames:
        return pd.DataFrame(columns=["term", "estimate", "conf_low", "conf_high", "model"])
    return pd.concat(frames, ignore_index=True)


def _caveat(fits: dict[str, Fit], features: pd.DataFrame) -> str:
    ml, firth = fits["ordinal"], fits["ordinal_firth"]
    observed = features.loc[features["unit_type"].isin(("PDU", "region")), MAIN_PREDICTOR]
    observed = observed.dropna()
    if not firth.ok:
        return "Model not fitted: see tables/model_notes."
    rng = f" (observed {observed.min():g}-{observed.max():g}%)" if len(observed) else ""
    ml_text = (
        "the maximum-likelihood estimate does not exist (the ratings are separated), so only "
        "the bias-reduced one is shown"
        if ml.separated
        else "maximum likelihood beside the bias-reduced (Firth) estimate"
    )
    return (
        f"{firth.n_used} PDU and region inspections with PO shortfall stated{rng}; {ml_text}; "
        "95% profile-likelihood intervals. Too few inspections for a reliable estimate; an "
        "association, not a cause."
    )


def analyse(
    tables: dict[str, pd.DataFrame],
    staffing_features: pd.DataFrame | None = None,
    *,
    n_boot: int = 499,
    n_perm: int = 499,
) -> _Analysis:
    """Fit everything the publication shows (no files written)."""
    from probstats.report.evidence import analysis_table, region_rule_sensitivity

    feats = tables["features"]
    # a raw folder that states no staffing or case figures (e.g. a synthetic one) still
    # gets every figure: the main models' columns are then empty, not missing
    for col in (MAIN_PREDICTOR, KEEP_SAFE):
        if col not in feats.columns:
            feats = feats.assign(**{col: np.nan})
    if staffing_features is not None:
        from probstats.official.panel import with_staffing_features

        feats = with_staffing_features(feats, staffing_features)
    fits = main_fits(feats)
    official = tables.get("official")
    region = (tables["inspections"], official, tables["units"]) if official is not None else ()
    table = analysis_table(feats, *region, n_boot=n_boot, n_perm=n_perm)
    sensitivity = region_rule_sensitivity(*region, n_boot=max(99, n_boot // 2)) if region else None
    return _Analysis(
        feats,
        fits,
        table,
        sensitivity,
        _prediction_frame(fits["ordinal_firth"]),
        _coefficients(fits),
        _caveat(fits, feats),
    )


def _figures(tables, a: _Analysis, source: str) -> list[tuple[str, Callable[[], object]]]:
    insp, feats, panel = tables["inspections"], a.features, tables["panel"]
    x_label = "PO shortfall (vacancy, %)"
    empty_pred = pd.DataFrame(columns=[MAIN_PREDICTOR, "category", "prob", "lo", "hi"])
    return [
        ("01_ratings_over_time", lambda: figs.ratings_over_time(insp, source=source)),
        ("02_ratings_by_region", lambda: figs.ratings_by_region(insp, source=source)),
        (
            "03_staffing_vs_keep_safe",
            lambda: figs.staffing_vs_outcome(
                feats,
                measures=[m for m in figs.DEFAULT_STAFFING_MEASURES if m in feats.columns]
                or [MAIN_PREDICTOR],
                source=source,
            ),
        ),
        ("04_staffing_by_rating", lambda: figs.staffing_by_rating(feats, source=source)),
        (
            "05_coefficients",
            lambda: figs.coefficient_plot(
                a.coefficients,
                exponentiate=True,
                term_labels={MAIN_PREDICTOR: "PO shortfall, per 10 points"},
                xlabel="Odds ratio of a better rating per 10 points more PO shortfall (log)",
                title="PO shortfall and the rating: the estimates these data allow",
                subtitle=a.caveat,
                source=source,
            ),
        ),
        (
            "06_predicted_rating_by_po_vacancy",
            lambda: figs.predicted_probabilities(
                a.prediction if a.prediction is not None else empty_pred,
                x=MAIN_PREDICTOR,
                x_label=x_label,
                xlim=(0, 60),
                title="Predicted rating by PO shortfall: bias-reduced (Firth) estimate",
                subtitle=a.caveat,
                source=source,
            ),
        ),
        ("07_repeat_inspections", lambda: figs.repeat_inspections(panel, source=source)),
        (
            "08_data_coverage",
            lambda: figs.data_coverage(feats, staffing=tables["staffing"], source=source),
        ),
        ("09_analysis_forest", lambda: figs.forest_plot(a.table, source=source)),
    ]


def _tables(tables, a: _Analysis) -> dict[str, pd.DataFrame]:
    insp = tables["inspections"]
    out = {
        "coverage_by_year": coverage_by_year(insp).reset_index(),
        "ratings_by_unit_type_year": tab.ratings_by_unit_type_year(insp),
        "ratings_by_region_year": tab.ratings_by_region_year(insp),
        "staffing_by_rating": tab.staffing_summary_by_rating(a.features),
        "analysis_table": a.table,
        "model_notes": _model_notes(a.fits),
        "po_shortfall_by_rating_exact_test": exact_rank_test(a.features),
    }
    if a.sensitivity is not None:
        out["region_rule_sensitivity"] = a.sensitivity
    for key, fit in a.fits.items():
        # a separated fit has no finite estimates: its table would only show drift
        if fit.estimable:
            out[f"model_{key}_tidy"] = fit.result.tidy(conf_method="profile")
            out[f"model_{key}_glance"] = fit.result.glance()
    if a.prediction is not None:
        out["predicted_rating_by_po_shortfall"] = a.prediction
    return out


def build_publication(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    *,
    progress: Callable[[str], None] = lambda message: None,
    staffing_features: pd.DataFrame | None = None,
    staffing_source: str | None = None,
) -> list[Path]:
    """Write every figure, table and the figure index; return the paths written.

    Parameters
    ----------
    tables
        The processed tables, as returned by :func:`probstats.dataset.build.build_tables`
        (with ``official``, the official workforce figures, for the region level).
    out_dir
        The figures folder; tables go to ``out_dir / "tables"``.
    staffing_features
        Per-inspection harmonised staffing measures from an analyst's panel
        (``probstats build --staffing``; :func:`probstats.official.panel.attach_staffing`):
        they replace the same-named columns of the features view.
    staffing_source
        Source line for every figure when a panel is used (its provenance; private
        data is never credited to the probstats dataset).

    Outside :func:`probstats.pipeline.build` this takes the folder's build lock,
    refuses unsafe folders and writes the manifest itself (:mod:`probstats.outputs`).
    """
    out_dir = Path(out_dir)
    if not outputs.building(out_dir):
        with outputs.Build({"figures": out_dir}, progress=progress) as build:
            done = build_publication(
                tables,
                out_dir,
                progress=progress,
                staffing_features=staffing_features,
                staffing_source=staffing_source,
            )
            build.commit(done)
            return done
    table_dir = out_dir / "tables"
    out_dir.mkdir(parents=True, exist_ok=True)
    table_dir.mkdir(parents=True, exist_ok=True)
    source = staffing_source or DEFAULT_SOURCE
    progress("fitting the models of the analysis")
    a = analyse(tables, staffing_features)
    written: list[Path] = []
    records: list[FigureRecord] = []
    for stem, make in _figures(tables, a, source):
        record = save_figure(make(), out_dir / stem)
        records.append(record)
        written += list(record.files)
        progress(f"figure {stem}")
    written.append(write_figure_index(records, out_dir / "README.md"))
    frames = _tables(tables, a)
    for name, frame in frames.items():
        written.append(tab.write_table_csv(frame, table_dir / f"{name}.csv"))
        written.append(tab.write_table_markdown(frame, table_dir / f"{name}.md"))
    progress(f"wrote {len(frames)} tables to {table_dir}")
    # Outputs of earlier builds that this one no longer makes (e.g. the table of a model
    # that can no longer be estimated) are removed when the build commits: only files
    # listed in the folder's previous manifest (probstats.outputs.Build.commit).
    return written
