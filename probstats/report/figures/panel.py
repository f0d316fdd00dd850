"""Figure of repeat inspections of the same unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from probstats.dataset.ratings import RATINGS
from probstats.report.figures._common import (
    as_ratings,
    empty_figure,
    finish,
    lower_first,
    measure_label,
    plural,
    require_columns,
    styled,
)
from probstats.report.style import DEFAULT_SOURCE, PALETTE, REPORT_WIDTH, new_figure

__all__ = ["repeat_inspections"]


@styled
# long: one figure drawn top to bottom; each block is a labelled step
def repeat_inspections(
    panel: pd.DataFrame,
    change: str | None = "delta_vacancy_rate_po",
    *,
    higher_is_worse: bool = True,
    change_label: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Slope chart: each unit's rating at one inspection and the next, coloured by staffing change.

    Parameters
    ----------
    panel
        :func:`probstats.load_panel` frame: ``unit_id``, ``overall_rating``,
        ``previous_overall_rating`` (rows without one are first inspections) and the
        ``change`` column.
    change
        Column of the change in a staffing measure between the two inspections
        (e.g. ``delta_vacancy_rate_po``); ``None`` colours nothing.
    higher_is_worse
        Whether a rise in the measure means worse staffing (true for vacancy rates),
        which sets the colours.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from probstats.report.figures import repeat_inspections
    >>> panel = pd.DataFrame({"unit_id": ["a", "a"], "visit_number": [1, 2],
    ...     "overall_rating": ["Inadequate", "Good"],
    ...     "previous_overall_rating": [None, "Inadequate"],
    ...     "delta_vacancy_rate_po": [np.nan, -5.0]})
    >>> fig = repeat_inspections(panel)
    >>> len([ln for ln in fig.axes[0].lines if ln.get_label().startswith("_pair")])
    1
    """
    what = "Ratings at repeat inspections"
    require_columns(
        panel, ["unit_id", "overall_rating", "previous_overall_rating"], "repeat_inspections"
    )
    df = panel.copy()
    df["now"] = as_ratings(df["overall_rating"])
    df["before"] = as_ratings(df["previous_overall_rating"])
    # A row is a later visit if it says so; without visit numbers, if it has a predecessor.
    if "visit_number" in df.columns:
        later = (pd.to_numeric(df["visit_number"], errors="coerce") >= 2).fillna(False)
    elif "previous_inspection_id" in df.columns:
        later = df["previous_inspection_id"].notna() | df["before"].notna()
    else:
        later = df["before"].notna()
    later = later.astype(bool)
    notes: list[str] = []
    incomplete = later & (df["now"].isna() | df["before"].isna())
    if incomplete.any():
        notes.append(
            f"{plural(int(incomplete.sum()), 'repeat inspection')} without a rating at "
            "one of the two inspections not shown."
        )
    pairs = df[later & ~incomplete].copy()
    if pairs.empty:
        return empty_figure(
            "No unit has two rated inspections",
            title=title,
            subtitle=subtitle,
            source=source,
            what=what,
        )
    pairs["y0"] = pairs["before"].cat.codes + 1
    pairs["y1"] = pairs["now"].cat.codes + 1
    measure = change.removeprefix("delta_") if change else None
    mlabel = change_label or (measure_label(measure) if measure else "")
    short = mlabel.split(" (")[0]
    if change and change in pairs.columns:
        delta = pd.to_numeric(pairs[change], errors="coerce")
    else:
        if change:
            notes.append(f"No column {change}: staffing change not shown.")
        delta = pd.Series(np.nan, index=pairs.index)
    # Orange for the direction that means worse staffing, dark blue for better.
    worse_colour, better_colour = PALETTE[3], PALETTE[0]
    up_colour, down_colour = (
        (worse_colour, better_colour) if higher_is_worse else (better_colour, worse_colour)
    )
    groups = {
        f"{short} rose": (delta > 0, up_colour, "-"),
        f"{short} fell": (delta < 0, down_colour, "-"),
        f"{short} unchanged": (delta == 0, PALETTE[5], "-"),
        "Change not known": (delta.isna(), "#8C8C8C", (0, (3, 2))),
    }
    pairs["group"] = ""
    for name, (mask, _, _) in groups.items():
        pairs.loc[mask, "group"] = name
    fig, (ax,) = new_figure(width=REPORT_WIDTH, height=5.0)
    # Spread lines sharing the same pair of ratings so each stays visible.
    pairs = pairs.sort_values(["y0", "y1", "group", "unit_id"], kind="stable")
    bundle = pairs.groupby(["y0", "y1"], sort=False).cumcount()
    size = pairs.groupby(["y0", "y1"], sort=False)["unit_id"].transform("size")
    spread = np.minimum(0.07, 0.36 / size.clip(lower=1))
    pairs["off"] = (bundle - (size - 1) / 2) * spread
    for _, row in pairs.iterrows():
        _, colour, style = groups[row["group"]]
        ax.plot(
            [0, 1],
            [row["y0"] + row["off"], row["y1"] + row["off"]],
            color=colour,
            linestyle=style,
            linewidth=1.6,
            marker="o",
            markersize=4,
            alpha=0.9,
            label=f"_pair_{row['unit_id']}",
        )
    ax.set_yticks(range(1, 5), list(RATINGS))
    ax.set_ylim(0.5, 4.5)
    ax.set_xticks([0, 1], ["Earlier inspection", "Later inspection"])
    ax.set_xlim(-0.25, 1.25)
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    counts = pairs["group"].value_counts()
    handles = [
        Line2D([], [], color=c, linestyle=s, linewidth=1.6, label=f"{name} ({counts.get(name, 0)})")
        for name, (_, c, s) in groups.items()
        if counts.get(name, 0)
    ]
    if change:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            title="Staffing between\ninspections",
        )
    change_counts = (
        pd.to_numeric(pairs["rating_change"], errors="coerce")
        if ("rating_change" in pairs.columns)
        else (pairs["y1"] - pairs["y0"])
    )
    change_counts = change_counts.fillna(pairs["y1"] - pairs["y0"])
    better, same, worse = (
        int((change_counts > 0).sum()),
        int((change_counts == 0).sum()),
        int((change_counts < 0).sum()),
    )
    n = len(pairs)
    alt = (
        f"Slope chart of {plural(n, 'pair')} of consecutive inspections of the same unit: "
        f"{better} improved, {same} kept the same rating and {worse} got worse. "
    )
    if change:
        alt += (
            "Lines are coloured by the change in "
            + lower_first(short)
            + ": "
            + "; ".join(f"{lower_first(name)}: {counts.get(name, 0)}" for name in groups)
            + "."
        )
    return finish(
        fig,
        title=title
        or (f"{better} of {n} repeat inspections gave a better rating, {worse} a worse one"),
        subtitle=subtitle
        or f"Overall rating at consecutive inspections of the same unit; n = {n} "
        "pairs; lines sharing the same ratings are spread apart",
        source=source,
        alt=alt,
        notes=notes,
    )
