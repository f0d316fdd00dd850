"""Figure of which measures are known for which inspections."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from probstats.dataset.schema import HARMONISED_SUFFIXES
from probstats.report.figures._common import (
    ID_COLUMNS,
    empty_figure,
    finish,
    measure_label,
    plural,
    require_columns,
    styled,
)
from probstats.report.style import DEFAULT_SOURCE, MISSING_COLOUR, PALETTE, new_figure

__all__ = ["data_coverage"]


def _measure_columns(features: pd.DataFrame, include_case: bool) -> list[str]:
    cols = []
    for c in features.columns:
        if c in ID_COLUMNS or c.startswith("delta_") or c.endswith("_n"):
            continue
        if c.endswith(tuple(HARMONISED_SUFFIXES)):  # trail of a measure, not a measure
            continue
        if not pd.api.types.is_numeric_dtype(features[c]):
            continue
        if c.startswith("case_") and not include_case:
            continue
        cols.append(c)
    staffing = [c for c in cols if not c.startswith("case_")]
    case = [c for c in cols if c.startswith("case_")]
    return staffing + case


@styled
# long: one figure drawn top to bottom: grid, labels, notes, alt text
def data_coverage(
    features: pd.DataFrame,
    measures: Sequence[str] | None = None,
    *,
    staffing: pd.DataFrame | None = None,
    include_case: bool = True,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Grid of which measures are known (rows) for which inspections (columns, by date).

    Parameters
    ----------
    features
        :func:`probstats.load_features` frame (``inspection_id``, ``publication_date``
        and measure columns).
    measures
        Columns to show; default every staffing column, then the case-sample
        percentages if ``include_case``.
    staffing
        Optional :func:`probstats.load_staffing` long frame: figures stated only as a
        bound or approximately (non-empty ``qualifier``), which the features frame
        leaves out, are shown in a third colour.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from probstats.report.figures import data_coverage
    >>> df = pd.DataFrame({"inspection_id": ["a", "b"],
    ...     "publication_date": pd.to_datetime(["2022-01-01", "2023-01-01"]),
    ...     "vacancy_rate_po": [10.0, np.nan]})
    >>> fig = data_coverage(df)
    >>> fig.axes[0].images[0].get_array().tolist()
    [[1, 0]]
    """
    what = "Which measures are known for which inspections"
    require_columns(features, ["inspection_id"], "data_coverage")
    measures = list(measures) if measures is not None else _measure_columns(features, include_case)
    if not measures or len(features) == 0:
        return empty_figure(
            "No inspections or measures to show",
            title=title,
            subtitle=subtitle,
            source=source,
            what=what,
        )
    df = features.copy()
    sort_cols = [c for c in ("publication_date", "inspection_id") if c in df.columns]
    df = df.sort_values(sort_cols, kind="stable", na_position="last").reset_index(drop=True)
    grid = np.zeros((len(measures), len(df)), dtype=int)
    for i, m in enumerate(measures):
        if m in df.columns:
            grid[i] = df[m].notna().to_numpy(dtype=int)
    approx = 0
    if staffing is not None:
        require_columns(
            staffing, ["inspection_id", "measure", "grade", "qualifier"], "data_coverage"
        )
        q = staffing[staffing["qualifier"].fillna("").astype(str) != ""]
        keys = set(
            zip(
                q["inspection_id"].astype(str),
                q["measure"].astype(str) + "_" + q["grade"].astype(str).str.lower(),
                strict=True,
            )
        )
        ids = df["inspection_id"].astype(str).to_numpy()
        for i, m in enumerate(measures):
            for j, iid in enumerate(ids):
                if grid[i, j] == 0 and (iid, m) in keys:
                    grid[i, j] = 2
                    approx += 1
    n = len(df)
    colours = [MISSING_COLOUR, PALETTE[0]] + ([PALETTE[3]] if approx else [])
    fig, (ax,) = new_figure(height=2.2 + 0.36 * len(measures))
    ax.imshow(
        grid,
        aspect="auto",
        interpolation="nearest",
        cmap=ListedColormap(colours),
        vmin=0,
        vmax=len(colours) - 1,
    )
    known = (grid == 1).sum(axis=1)
    labels = [
        textwrap.fill(
            f"{measure_label(m).replace(' (% of cases sufficient)', ' (%)')} ({k} of {n})", 34
        )
        for m, k in zip(measures, known, strict=True)
    ]
    ax.set_yticks(range(len(measures)), labels, fontsize=8)
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    if "publication_date" in df.columns and df["publication_date"].notna().any():
        years = pd.to_datetime(df["publication_date"]).dt.year
        starts = years.ne(years.shift()) & years.notna()
        first = np.flatnonzero(starts.to_numpy())
        # Label a year only where it does not crowd the previous label.
        min_gap = max(1, int(np.ceil(n * 0.08)))
        shown_ticks, last = [], -min_gap
        for j in first:
            if j - last >= min_gap:
                shown_ticks.append(j)
                last = j
        ax.set_xticks(shown_ticks, [str(int(years.iloc[j])) for j in shown_ticks], fontsize=8)
        for j in first[1:]:
            ax.axvline(j - 0.5, color="white", linewidth=1.2)
        ax.set_xlabel(f"{n} inspections in order of publication; white lines separate years")
        undated = int(df["publication_date"].isna().sum())
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"Inspections ({n})")
        undated = 0
    handles = [
        Patch(color=PALETTE[0], label="Stated exactly"),
        Patch(color=MISSING_COLOUR, label="Not stated"),
    ]
    if approx:
        handles.insert(1, Patch(color=PALETTE[3], label="Stated as a bound or approximately"))
    notes = []
    if undated:
        notes.append(f"{plural(undated, 'inspection')} without a publication date at the right.")
    any_staff = (
        int(
            (grid[[i for i, m in enumerate(measures) if not m.startswith("case_")]] == 1)
            .any(axis=0)
            .sum()
        )
        if any(not m.startswith("case_") for m in measures)
        else 0
    )
    alt = (
        f"Grid of {len(measures)} measures by {n} inspections in date order, showing which "
        f"measures are stated. {any_staff} of {n} inspections have at least one staffing "
        "measure stated exactly. "
        + "; ".join(f"{measure_label(m)}: {k}" for m, k in zip(measures, known, strict=True))
        + "."
    )
    if approx:
        alt += f" {approx} further figures are stated only as a bound or approximately."
    headline = (
        f"Staffing figures are stated for {any_staff} of {n} inspections"
        if any(not m.startswith("case_") for m in measures)
        else what
    )
    return finish(
        fig,
        title=title or headline,
        subtitle=subtitle
        or f"Measures stated exactly, by inspection; the most complete measure "
        f"is known for {int(known.max())} of {n} inspections",
        source=source,
        alt=alt,
        notes=notes,
        legend=handles,
    )
