"""The publication set: every figure and table, regenerated from the processed tables.

Called by ``probstats build``. Figures go to ``figures/`` (PNG at 300 dpi and
SVG, with an ``.alt.txt`` sidecar each) and are listed with their alt text in
``figures/README.md``; tables go to ``figures/tables/`` as CSV and Markdown.
Everything is written deterministically, so an unchanged input gives
byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from probstats import outputs
from probstats.dataset.summaries import coverage_by_year
from probstats.report import figures as figs
from probstats.report import tables as tab
from probstats.report.analysis import MAIN_PREDICTOR, exact_rank_test, main_fits
from probstats.report.render import FigureRecord, save_figure, write_figure_index

#: Predicted probabilities are shown over this range of PO vacancy (percentage points).
VACANCY_GRID = np.arange(0.0, 50.5, 2.5)


def _model_notes(fits) -> pd.DataFrame:
    frames = [f.notes_frame() for f in fits.values()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _prediction_frame(fit) -> pd.DataFrame | None:
    """Predicted rating probabilities across PO vacancy 0-50% with delta-method bands."""
    from probstats.models.inference.predict import predict_curve

    if not fit.estimable:
        return None
    return predict_curve(
        fit.result,
        MAIN_PREDICTOR,
        values=VACANCY_GRID,
        events={"Requires improvement or worse": ["Inadequate", "Requires improvement"]},
    )


# long: the publication's table of contents: one call per output, in order
def build_publication(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    *,
    progress: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """Write every figure, table and the figure index; return the paths written.

    Parameters
    ----------
    tables
        The processed tables, as returned by :func:`probstats.dataset.build.build_tables`.
    out_dir
        The figures folder; tables go to ``out_dir / "tables"``.

    Outside :func:`probstats.pipeline.build` this takes the folder's build lock,
    refuses unsafe folders and writes the manifest itself (:mod:`probstats.outputs`).
    """
    out_dir = Path(out_dir)
    if not outputs.building(out_dir):
        with outputs.Build({"figures": out_dir}, progress=progress) as build:
            done = build_publication(tables, out_dir, progress=progress)
            build.commit(done)
            return done
    table_dir = out_dir / "tables"
    out_dir.mkdir(parents=True, exist_ok=True)
    table_dir.mkdir(parents=True, exist_ok=True)
    insp, feats, panel = tables["inspections"], tables["features"], tables["panel"]
    written: list[Path] = []

    progress("fitting the main models")
    fits = main_fits(feats)
    ordinal = fits["ordinal"]
    pred = _prediction_frame(ordinal)

    coef_frames = []
    for fit in fits.values():
        if fit.estimable:
            t = fit.result.tidy()
            t = t[t.get("coef_type", pd.Series("coefficient", index=t.index)) == "coefficient"]
            coef_frames.append(t.assign(model=f"{fit.name} (n = {fit.n_used})"))
    coefs = (
        pd.concat(coef_frames, ignore_index=True)
        if coef_frames
        else pd.DataFrame(columns=["term", "estimate", "conf_low", "conf_high", "model"])
    )

    observed = feats.loc[feats["unit_type"].isin(("PDU", "region")), MAIN_PREDICTOR].dropna()
    if ordinal.separated:
        caveat = (
            f"No finite estimate: among the {ordinal.n_used} PDU and region inspections with a "
            "stated PO vacancy rate, the rate separates the ratings completely (see "
            "tables/model_notes). Too few inspections to estimate an association."
        )
    elif ordinal.ok and len(observed):
        caveat = (
            f"Fitted to {ordinal.n_used} PDU and region inspections with the PO vacancy rate "
            f"stated (observed {observed.min():g}-{observed.max():g}%); "
            f"{len(ordinal.warnings)} model warnings, see tables/model_notes. "
            "Too few inspections for a reliable estimate; an association, not a cause."
        )
    else:
        caveat = "Model not fitted: see tables/model_notes."
    figure_specs: list[tuple[str, Callable[[], object]]] = [
        ("01_ratings_over_time", lambda: figs.ratings_over_time(insp)),
        ("02_ratings_by_region", lambda: figs.ratings_by_region(insp)),
        (
            "03_staffing_vs_keep_safe",
            lambda: figs.staffing_vs_outcome(
                feats,
                measures=[m for m in figs.DEFAULT_STAFFING_MEASURES if m in feats.columns]
                or [MAIN_PREDICTOR],
            ),
        ),
        ("04_staffing_by_rating", lambda: figs.staffing_by_rating(feats)),
        ("05_coefficients", lambda: figs.coefficient_plot(coefs, subtitle=caveat)),
        (
            "06_predicted_rating_by_po_vacancy",
            lambda: figs.predicted_probabilities(
                pred
                if pred is not None
                else pd.DataFrame(columns=[MAIN_PREDICTOR, "category", "prob", "lo", "hi"]),
                x=MAIN_PREDICTOR,
                xlim=(0, 50),
                subtitle=caveat,
            ),
        ),
        ("07_repeat_inspections", lambda: figs.repeat_inspections(panel)),
        ("08_data_coverage", lambda: figs.data_coverage(feats, staffing=tables["staffing"])),
    ]
    records: list[FigureRecord] = []
    for stem, make in figure_specs:
        fig = make()
        record = save_figure(fig, out_dir / stem)
        records.append(record)
        written += list(record.files)
        progress(f"figure {stem}")
    written.append(write_figure_index(records, out_dir / "README.md"))

    descriptive = {
        "coverage_by_year": coverage_by_year(insp).reset_index(),
        "ratings_by_unit_type_year": tab.ratings_by_unit_type_year(insp),
        "ratings_by_region_year": tab.ratings_by_region_year(insp),
        "staffing_by_rating": tab.staffing_summary_by_rating(feats),
        "model_notes": _model_notes(fits),
        "po_vacancy_by_rating_exact_test": exact_rank_test(feats),
    }
    for fit_key, fit in fits.items():
        # A separated fit has no finite estimates: its table would only show drift.
        if fit.estimable:
            descriptive[f"model_{fit_key}_tidy"] = fit.result.tidy()
            descriptive[f"model_{fit_key}_glance"] = fit.result.glance()
    if pred is not None:
        descriptive["predicted_rating_by_po_vacancy"] = pred
    for name, frame in descriptive.items():
        written.append(tab.write_table_csv(frame, table_dir / f"{name}.csv"))
        written.append(tab.write_table_markdown(frame, table_dir / f"{name}.md"))
    progress(f"wrote {len(descriptive)} tables to {table_dir}")
    # Outputs of earlier builds that this one no longer makes (e.g. the table of a model
    # that can no longer be estimated) are removed when the build commits: only files
    # listed in the folder's previous manifest (probstats.outputs.Build.commit).
    return written
