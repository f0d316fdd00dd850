"""Figure 09: every row of the analysis table at once, as a forest plot with its caveats.

Odds ratios of the model-based rows (maximum likelihood and bias-reduced, unit and
region level) share one logarithmic axis; rows that are not on that scale (exact
rank comparisons, permutation tests) or have no estimate are written out beside
the axis, so that nothing in the table is left off the figure.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from probstats.report.figures._common import empty_figure, finish, require_columns, styled
from probstats.report.figures.estimates import _ratio_ticks
from probstats.report.style import DEFAULT_SOURCE, MUTED_COLOUR, PALETTE, new_figure

__all__ = ["forest_plot"]

_MARKERS = {"maximum likelihood": ("o", PALETTE[0]), "bias-reduced (Firth)": ("D", PALETTE[2])}
#: Odds ratios are drawn within these limits; longer intervals end in an arrow.
_CLIP = (1e-2, 1e2)


def _side_text(rows: pd.DataFrame) -> str:
    """Lines for the rows not drawn on the odds-ratio axis (or without an estimate)."""
    parts = []
    for _, r in rows.iterrows():
        if r["status"] == "test":
            parts.append(f"regions shuffled: p = {r['p_value']:.2g}")
        elif r["estimator"] == "exact rank comparison" and r["status"] == "estimate":
            ci = (
                "no 95% interval possible"
                if not np.isfinite(r["conf_low"])
                else f"95% {r['conf_low']:.3g} to {r['conf_high']:.3g}"
            )
            parts.append(f"exact: shift {r['estimate']:+.3g} ({ci}), p = {r['p_value']:.2g}")
        elif r["status"] == "no finite estimate (separated)":
            parts.append("ML: separated, no finite estimate")
    if not parts:
        reasons = rows.loc[rows["status"] == "not estimable"].get("can_say", pd.Series()).dropna()
        if len(reasons):
            parts.append(str(reasons.iloc[0]).split(":")[0])
    return "\n".join(textwrap.fill(p, 34) for p in dict.fromkeys(parts))


def _groups(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    out = []
    for (label, level), rows in table.groupby(["label", "level"], sort=False):
        if not label:
            continue
        n = int(rows["n"].max()) if rows["n"].notna().any() else 0
        short = "unit" if level.startswith("unit") else "region"
        out.append((f"{label}\n{short} level, n = {n}", rows))
    return out


@styled
# long: one figure drawn top to bottom: rows, markers, clipped arrows, side notes, alt text
def forest_plot(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Forest plot of the analysis table (:func:`probstats.report.evidence.analysis_table`).

    Parameters
    ----------
    table
        The analysis table: ``label, level, estimator, n, estimate, conf_low, conf_high,
        status, p_value``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.figures import forest_plot
    >>> t = pd.DataFrame({"label": ["PO shortfall"] * 2, "level": ["unit (stated)"] * 2,
    ...     "estimator": ["maximum likelihood", "bias-reduced (Firth)"], "n": [8, 8],
    ...     "estimate": [0.9, 0.92], "conf_low": [0.2, 0.25], "conf_high": [4.1, 3.5],
    ...     "status": ["estimate"] * 2, "p_value": [0.89, float("nan")]})
    >>> fig = forest_plot(t)
    >>> len(fig.axes[0].get_yticks())
    1
    """
    what = "Staffing and ratings: every estimate"
    require_columns(
        table,
        ["label", "level", "estimator", "n", "estimate", "conf_low", "conf_high", "status"],
        "forest_plot",
    )
    groups = _groups(table)
    if not groups:
        return empty_figure(
            "No staffing measure to show", title=title, subtitle=subtitle, source=source, what=what
        )
    fig, (ax, side_ax) = new_figure(
        1, 2, height=2.1 + 0.7 * len(groups), gridspec_kw={"width_ratios": [3, 2]}
    )
    side_ax.set_axis_off()
    side_ax.set_ylim(len(groups) - 0.5, -0.5)
    alt_parts = []
    drawn = 0
    for i, (name, rows) in enumerate(groups):
        for k, (estimator, (marker, colour)) in enumerate(_MARKERS.items()):
            row = rows[rows["estimator"] == estimator]
            if row.empty:
                continue
            r = row.iloc[0]
            y = i + (k - 0.5) * 0.28
            lo, hi = r["conf_low"], r["conf_high"]
            if pd.notna(lo) and pd.notna(hi):
                clo, chi = max(lo, _CLIP[0]), min(hi, _CLIP[1])
                ax.hlines(y, clo, chi, color=colour, linewidth=2)
                for end, clipped, d in ((clo, lo < _CLIP[0], "<"), (chi, hi > _CLIP[1], ">")):
                    if clipped:
                        ax.plot(end, y, d, color=colour, markersize=6)
            if r["status"] == "estimate" and pd.notna(r["estimate"]):
                ax.plot(np.clip(r["estimate"], *_CLIP), y, marker, color=colour, markersize=6)
                drawn += 1
                alt_parts.append(
                    f"{name.splitlines()[0]} ({name.splitlines()[1]}), {estimator}: odds ratio "
                    f"{r['estimate']:.2g}, 95% interval {lo:.2g} to {hi:.2g}."
                )
        side = _side_text(rows)
        if side:
            side_ax.text(0.0, i, side, va="center", ha="left", fontsize=7, color=MUTED_COLOUR)
            alt_parts.append(f"{name.splitlines()[0]}: {side.replace(chr(10), ' ')}.")
    ax.axvline(1.0, color=MUTED_COLOUR, linewidth=1, linestyle="--", zorder=0)
    ax.set_xscale("log")
    ax.set_xlim(*_CLIP)
    _ratio_ticks(ax)
    ax.set_yticks(range(len(groups)), [g[0] for g in groups], fontsize=8)
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    ax.set_xlabel("Odds ratio of a better rating (log scale)")
    handles = [
        Line2D([], [], marker=m, color=c, linestyle="-", label=e) for e, (m, c) in _MARKERS.items()
    ]
    alt = (
        f"Forest plot of the analysis table: {drawn} odds ratios with 95% intervals on a log "
        "scale; the dashed line at 1 is no association; rows without an estimate or on "
        "another scale are described beside the axis. " + " ".join(alt_parts)
    )
    return finish(
        fig,
        title=title or what,
        subtitle=subtitle
        or "Odds ratio of a better rating per stated change (points: estimates; lines: 95% "
        "intervals); above 1, better ratings where the measure is higher. Associations, not "
        "causes.",
        source=source,
        alt=alt,
        legend=handles,
    )
