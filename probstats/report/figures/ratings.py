"""Figures of inspection ratings: over time and by region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from probstats.dataset.ratings import RATINGS
from probstats.dataset.vocab import REGIONS
from probstats.report.figures._common import (
    UNIFICATION_DATE,
    FigureInputError,
    as_ratings,
    count_phrase,
    empty_figure,
    finish,
    plural,
    rating_handles,
    require_columns,
    styled,
)
from probstats.report.style import (
    DEFAULT_SOURCE,
    MISSING_COLOUR,
    MUTED_COLOUR,
    RATING_COLOURS,
    RATINGS_BEST_FIRST,
    new_figure,
    panel_title,
)

__all__ = ["ratings_over_time", "ratings_by_region"]


_DEFAULT_GROUPS: dict[str, tuple[str, ...]] = {
    "PDUs": ("PDU",),
    "Regions": ("region",),
    "CRCs and NPS divisions (before unification)": ("CRC", "NPS division"),
}


def _date_position(date: pd.Timestamp, period: str) -> float:
    frac = (date.day_of_year - 1) / (366 if date.is_leap_year else 365)
    half = 0.5 if period == "year" else 0.125
    return date.year + frac - half


@styled
def ratings_over_time(
    inspections: pd.DataFrame,
    *,
    period: Literal["year", "quarter"] = "year",
    groups: Mapping[str, Sequence[str]] | None = None,
    unification: str | pd.Timestamp | None = UNIFICATION_DATE,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Stacked bars: number of inspections given each rating, by publication year or quarter.

    One panel per group of unit types (PDUs, regions, CRCs and NPS divisions by
    default); the CRC/NPS era before unification is shaded. The headline speaks of
    each era on its own (the post-2021 units first): pooling eras would describe
    neither. Inspections without a publication date are placed by their ``year``
    (fieldwork year, or the year their source gives) when that column is present,
    hatched and counted in a note, rather than dropped.

    Parameters
    ----------
    inspections
        Columns ``unit_type``, ``publication_date``, ``overall_rating``; optionally
        ``year`` (used for undated inspections) and ``publication_date_precision``
        (dates known only to the year are not placed in a quarter, and are counted
        in a note instead).
    period
        ``"year"`` or ``"quarter"`` of publication.
    groups
        Panel title -> unit types in that panel. Inspections of other unit types
        are counted in a note.
    unification
        Date marked as the end of the CRC/NPS era; ``None`` for no marker.
    title, subtitle, source
        Override the generated headline, subtitle or source line.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.figures import ratings_over_time
    >>> df = pd.DataFrame({"unit_type": ["PDU", "PDU", "region"],
    ...     "publication_date": pd.to_datetime(["2022-03-01", "2023-05-01", "2023-07-01"]),
    ...     "overall_rating": ["Good", "Inadequate", "Requires improvement"]})
    >>> fig = ratings_over_time(df)
    >>> len(fig.axes)
    2
    """
    what = "Inspection ratings over time"
    require_columns(
        inspections, ["unit_type", "publication_date", "overall_rating"], "ratings_over_time"
    )
    if period not in ("year", "quarter"):
        raise FigureInputError(f"period must be 'year' or 'quarter', got {period!r}")
    groups = dict(groups or _DEFAULT_GROUPS)
    shown, notes = _shown_for_time(inspections, groups, period)
    if shown.empty:
        return empty_figure(
            "No rated, dated inspections to show",
            title=title,
            subtitle=subtitle,
            source=source,
            what=what,
        )
    step = 1.0 if period == "year" else 0.25
    lo, hi = shown["pos"].min(), shown["pos"].max()
    positions = np.round(np.arange(lo, hi + step / 2, step), 4)
    present = [
        (name, types) for name, types in groups.items() if shown["unit_type"].isin(types).any()
    ]
    empty_groups = [name for name, _ in groups.items() if name not in dict(present)]
    if empty_groups:
        notes.append("No inspections to show for: " + "; ".join(empty_groups) + ".")
    fig, axes = new_figure(len(present), 1, height=1.0 + 2.0 * len(present), sharex=True)
    alt_parts = []
    for i, (ax, (name, types)) in enumerate(zip(axes, present, strict=True)):
        sub = shown[shown["unit_type"].isin(types)]
        _stacked_bars(ax, sub, positions, 0.8 if period == "year" else 0.2)
        panel_title(ax, name, f"n = {len(sub)}")
        alt_parts.append(
            f"{name}: {len(sub)} inspections, {int(sub['pos'].min())} to "
            f"{int(sub['pos'].max())} ({count_phrase(sub['rating'].value_counts().to_dict())})."
        )
        if unification is not None:
            _mark_unification(ax, unification, period, positions[0] - step / 2, i == 0)
    _time_axis(axes[-1], positions, period, step)
    alt = (
        f"Stacked bar chart of the number of inspections given each overall rating, by "
        f"{period} of publication, one panel per kind of unit. " + " ".join(alt_parts)
    )
    if shown["placed_by_year"].any():
        alt += " Hatched segments are inspections placed by their year (no publication date)."
    if unification is not None:
        alt += (
            " A dashed line marks unification in June 2021; the shaded period before it "
            "is the CRC and NPS era."
        )
    return finish(
        fig,
        title=title or _era_headline(shown),
        subtitle=subtitle
        or f"Number of inspections by overall rating and {period} of publication; "
        f"n = {len(shown)} of {len(inspections)} inspections shown",
        source=source,
        alt=alt,
        notes=notes,
        legend=rating_handles(),
    )


def _shown_for_time(inspections, groups, period) -> tuple[pd.DataFrame, list[str]]:
    """The rows that can be placed in time, their bar positions, and notes on the rest."""
    df = inspections.copy()
    df["rating"] = as_ratings(df["overall_rating"])
    df["date"] = pd.to_datetime(df["publication_date"])
    notes: list[str] = []
    known_types = {t for types in groups.values() for t in types}
    other = ~df["unit_type"].isin(known_types)
    if other.any():
        kinds = ", ".join(sorted(df.loc[other, "unit_type"].fillna("unknown").astype(str).unique()))
        notes.append(
            f"{plural(int(other.sum()), 'inspection')} of other unit types ({kinds}) not shown."
        )
    by_year = (
        df["date"].isna() & df["year"].notna()
        if period == "year" and "year" in df.columns
        else pd.Series(False, index=df.index)
    )
    undated = ~other & df["date"].isna() & ~by_year
    if undated.any():
        notes.append(
            f"{plural(int(undated.sum()), 'inspection')} without a publication date not shown."
        )
    unrated = ~other & ~undated & df["rating"].isna()
    if unrated.any():
        notes.append(
            f"{plural(int(unrated.sum()), 'inspection')} without an overall rating not shown."
        )
    coarse = pd.Series(False, index=df.index)
    if period == "quarter" and "publication_date_precision" in df.columns:
        coarse = ~other & ~undated & ~unrated & (df["publication_date_precision"] == "year")
        if coarse.any():
            notes.append(
                f"{plural(int(coarse.sum()), 'inspection')} dated only to the year "
                "not shown by quarter."
            )
    shown = df[~other & ~undated & ~unrated & ~coarse].copy()
    shown["placed_by_year"] = by_year.loc[shown.index]
    if period == "year":
        year = shown["date"].dt.year.astype(float)
        if "year" in shown.columns:
            year = year.fillna(pd.to_numeric(shown["year"], errors="coerce").astype(float))
        shown["pos"] = year
    else:
        shown["pos"] = shown["date"].dt.year + (shown["date"].dt.quarter - 1) / 4
    n_by_year = int(shown["placed_by_year"].sum())
    if n_by_year:
        notes.append(
            f"{plural(n_by_year, 'inspection')} without a publication date placed by the year "
            "of their fieldwork or their source (hatched)."
        )
    return shown, notes


def _stacked_bars(ax, sub: pd.DataFrame, positions: np.ndarray, width: float) -> None:
    """Rating bars, worst at the bottom; inspections placed by year hatched on top."""
    bottom = np.zeros(len(positions))
    for placed in (False, True):
        part = sub[sub["placed_by_year"] == placed]
        if placed and part.empty:
            break
        table = pd.crosstab(part["pos"].round(4), part["rating"], dropna=False).reindex(
            index=positions, columns=list(RATINGS), fill_value=0
        )
        for rating in RATINGS:
            heights = table[rating].to_numpy(dtype=float)
            ax.bar(
                positions,
                heights,
                width=width,
                bottom=bottom,
                color=RATING_COLOURS[rating],
                label=rating if not placed else "_nolegend_",
                edgecolor="white",
                linewidth=0.5,
                hatch="///" if placed else None,
            )
            bottom += heights
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    ax.set_ylabel("Inspections")


def _mark_unification(ax, unification, period, left, label: bool) -> None:
    u = _date_position(pd.Timestamp(unification), period)
    if left >= u:
        return
    ax.axvspan(left, u, color=MISSING_COLOUR, zorder=0, linewidth=0)
    ax.axvline(u, color=MUTED_COLOUR, linestyle="--", linewidth=1)
    if label:  # inside the shaded era, where post-2021 panels have no bars
        ax.text(
            u,
            0.97,
            "CRC and NPS era \nuntil unification, \nJune 2021 ",
            transform=ax.get_xaxis_transform(),
            ha="right",
            va="top",
            fontsize=8,
            color=MUTED_COLOUR,
        )


def _time_axis(ax, positions: np.ndarray, period: str, step: float) -> None:
    if period == "year":
        ax.set_xticks(positions, [str(int(p)) for p in positions])
        ax.set_xlabel("Year of publication")
    else:
        years = positions[np.isclose(positions % 1, 0)]
        ax.set_xticks(positions, minor=True)
        ax.set_xticks(years, [f"{int(y)} Q1" for y in years])
        ax.set_xlabel("Quarter of publication")
    ax.set_xlim(positions[0] - step / 2, positions[-1] + step / 2)


def _modal(ratings: pd.Series) -> tuple[list[str], int]:
    counts = ratings.value_counts()
    top = int(counts.max()) if len(counts) else 0
    return [r for r in RATINGS_BEST_FIRST if counts.get(r, 0) == top and top], top


def _era_headline(shown: pd.DataFrame) -> str:
    """The most common rating of each era, the post-2021 units first (never pooled)."""
    parts = []
    for label, types in (
        ("PDUs since 2021", ("PDU",)),
        ("CRCs and NPS divisions before", ("CRC", "NPS division")),
    ):
        sub = shown[shown["unit_type"].isin(types)]
        modal, top = _modal(sub["rating"])
        each = " each" if len(modal) > 1 else ""
        if modal:
            parts.append(f"{label}: {' and '.join(modal)} most common ({top}{each} of {len(sub)})")
    return "; ".join(parts) if parts else "Inspection ratings over time"


# ---------------------------------------------------------------------------------------------
# 2. ratings by region


@styled
# long: one figure drawn top to bottom; each block is a labelled step
def ratings_by_region(
    inspections: pd.DataFrame,
    *,
    unit_types: Sequence[str] | None = ("PDU", "region"),
    proportions: bool = False,
    regions: Sequence[str] = REGIONS,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Horizontal stacked bars of the overall ratings in each of the twelve probation regions.

    Parameters
    ----------
    inspections
        Columns ``region``, ``overall_rating`` and (if ``unit_types`` is given) ``unit_type``.
    unit_types
        Unit types to include; ``None`` for all. Others are counted in a note.
    proportions
        Show percentages of each region's inspections instead of counts.
    regions
        Regions in display order (top to bottom); every one gets a bar, even
        with no inspections. Regions found in the data but not listed are added after.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.figures import ratings_by_region
    >>> df = pd.DataFrame({"unit_type": ["PDU"] * 3, "region": ["Wales", "Wales", "London"],
    ...     "overall_rating": ["Good", "Inadequate", "Good"]})
    >>> fig = ratings_by_region(df)
    >>> len(fig.axes[0].patches)
    48
    """
    what = "Inspection ratings by region"
    cols = ["region", "overall_rating"] + (["unit_type"] if unit_types is not None else [])
    require_columns(inspections, cols, "ratings_by_region")
    df = inspections.copy()
    df["rating"] = as_ratings(df["overall_rating"])
    notes: list[str] = []
    total = len(df)
    keep = pd.Series(True, index=df.index)
    if unit_types is not None:
        other = ~df["unit_type"].isin(unit_types)
        if other.any():
            kinds = ", ".join(
                sorted(df.loc[other, "unit_type"].fillna("unknown").astype(str).unique())
            )
            notes.append(
                f"{plural(int(other.sum()), 'inspection')} of other unit types ({kinds}) not shown."
            )
        keep &= ~other
    no_region = keep & df["region"].isna()
    if no_region.any():
        notes.append(f"{plural(int(no_region.sum()), 'inspection')} without a region not shown.")
    unrated = keep & ~no_region & df["rating"].isna()
    if unrated.any():
        notes.append(
            f"{plural(int(unrated.sum()), 'inspection')} without an overall rating not shown."
        )
    shown = df[keep & ~no_region & ~unrated]
    if shown.empty:
        return empty_figure(
            "No rated inspections with a region to show",
            title=title,
            subtitle=subtitle,
            source=source,
            what=what,
        )

    order = list(regions) + sorted(set(shown["region"].astype(str)) - set(regions))
    table = pd.crosstab(shown["region"].astype(str), shown["rating"], dropna=False).reindex(
        index=order, columns=list(RATINGS), fill_value=0
    )
    totals = table.sum(axis=1)
    values = table.div(totals.where(totals > 0), axis=0).fillna(0) * 100 if proportions else table
    fig, (ax,) = new_figure(height=1.6 + 0.3 * len(order))
    y = np.arange(len(order))
    left = np.zeros(len(order))
    for rating in RATINGS:  # worst next to the axis, as in the other rating charts
        widths = values[rating].to_numpy(dtype=float)
        ax.barh(
            y,
            widths,
            left=left,
            color=RATING_COLOURS[rating],
            label=rating,
            height=0.7,
            edgecolor="white",
            linewidth=0.5,
        )
        left += widths
    for yi, (_region, n) in enumerate(totals.items()):
        ax.text(left[yi], yi, f"  {n}", va="center", ha="left", fontsize=8, color=MUTED_COLOUR)
    ax.set_yticks(y, order)
    ax.invert_yaxis()
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    if proportions:
        ax.xaxis.set_major_formatter(PercentFormatter(100))
        ax.set_xlim(0, 112)
        ax.set_xlabel("Share of the region's inspections (number at bar end)")
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max(1, totals.max()) * 1.1)
        ax.set_xlabel("Inspections")

    empty = [r for r in order if totals[r] == 0]
    modal_by_region = {
        r: [k for k in RATINGS_BEST_FIRST if table.loc[r, k] == table.loc[r].max()]
        for r in order
        if totals[r] > 0
    }
    counts_modal: dict[str, int] = {}
    for ratings in modal_by_region.values():
        if len(ratings) == 1:
            counts_modal[ratings[0]] = counts_modal.get(ratings[0], 0) + 1
    headline = what
    if counts_modal:
        best, k = max(counts_modal.items(), key=lambda kv: kv[1])
        headline = (
            f"{best} was the most common rating in {k} of "
            f"the {len(modal_by_region)} regions with inspections"
        )
    if empty:
        notes.append("No inspections shown for: " + "; ".join(empty) + ".")
    scope = "all unit types" if unit_types is None else ", ".join(unit_types)
    alt = (
        f"Horizontal stacked bar chart of overall ratings in each of {len(order)} probation "
        f"regions ({scope}), {len(shown)} inspections in all. The most inspected region is "
        f"{totals.idxmax()} with {totals.max()}. "
        + " ".join(f"{r}: {count_phrase(table.loc[r].to_dict())}." for r in order if totals[r] > 0)
    )
    unit = "percentage" if proportions else "number"
    return finish(
        fig,
        title=title or headline,
        subtitle=subtitle
        or f"{unit.capitalize()} of inspections by overall rating and region "
        f"({scope}); n = {len(shown)} of {total} inspections shown",
        source=source,
        alt=alt,
        notes=notes,
        legend=rating_handles(RATINGS),
    )
