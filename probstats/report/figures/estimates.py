"""Figures of model results: coefficients and predicted probabilities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import NullFormatter, PercentFormatter

from probstats.dataset.ratings import RATINGS
from probstats.report.figures._common import (
    FigureInputError,
    empty_figure,
    finish,
    lower_first,
    measure_label,
    plural,
    require_columns,
    styled,
)
from probstats.report.style import (
    DEFAULT_SOURCE,
    MUTED_COLOUR,
    PALETTE,
    RATING_COLOURS,
    RATINGS_BEST_FIRST,
    new_figure,
)

__all__ = ["coefficient_plot", "predicted_probabilities"]


def _ratio_ticks(ax) -> None:
    """Plain-number ticks (0.5, 1, 2 ...) on a logarithmic ratio axis, finer for short ranges."""
    lo, hi = ax.get_xlim()
    ticks: list[float] = []
    for mantissas in (
        (1, 2, 5),
        (1, 1.25, 1.5, 2, 3, 5, 7.5),
        (1, 1.1, 1.2, 1.3, 1.5, 1.7, 2, 2.5, 3, 4, 5, 6, 7, 8, 9),
    ):
        ticks = sorted(
            {
                round(m * 10.0**k, 6)
                for k in range(-4, 5)
                for m in mantissas
                if lo <= m * 10.0**k <= hi
            }
        )
        if len(ticks) >= 3:
            break
    if len(ticks) > 9:
        ticks = ticks[:: -(-len(ticks) // 8)]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())


@styled
# long: one figure drawn top to bottom; each block is a labelled step
def coefficient_plot(
    tidy: pd.DataFrame,
    *,
    exponentiate: bool = False,
    log_scale: bool | None = None,
    terms: Sequence[str] | None = None,
    term_labels: Mapping[str, str] | None = None,
    xlabel: str | None = None,
    conf_level: float = 0.95,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Forest plot of estimates and confidence intervals from a tidy coefficient table.

    Parameters
    ----------
    tidy
        Columns ``term, estimate, conf_low, conf_high`` (as ``.tidy()`` returns);
        an optional ``model`` column draws several models side by side.
    exponentiate
        Plot ``exp`` of the estimates and limits (log-odds to odds ratios).
    log_scale
        Logarithmic x axis; default ``exponentiate``. The reference line is at 1 on
        a ratio scale, else at 0.
    terms
        Terms to show, top to bottom (default: all, in table order). Terms not
        listed are counted in a note.
    term_labels
        Readable names for terms.
    conf_level
        The level of the intervals in ``tidy``, for the subtitle.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.figures import coefficient_plot
    >>> tidy = pd.DataFrame({"term": ["vacancy", "caseload"], "estimate": [-0.2, 0.1],
    ...     "conf_low": [-0.4, -0.1], "conf_high": [0.0, 0.3]})
    >>> fig = coefficient_plot(tidy)
    >>> len(fig.axes[0].lines[0].get_xdata())
    2
    """
    what = "Model estimates"
    require_columns(tidy, ["term", "estimate", "conf_low", "conf_high"], "coefficient_plot")
    log_scale = exponentiate if log_scale is None else log_scale
    df = tidy.copy()
    if "model" not in df.columns:
        df["model"] = ""
    df["model"] = df["model"].fillna("").astype(str)
    notes: list[str] = []
    if terms is not None:
        hidden = df[~df["term"].isin(terms)]
        if len(hidden):
            notes.append(f"Not shown: {', '.join(dict.fromkeys(hidden['term'].astype(str)))}.")
        df = df[df["term"].isin(terms)]
        order = [t for t in terms if t in set(df["term"])]
    else:
        order = list(dict.fromkeys(df["term"]))
    for c in ("estimate", "conf_low", "conf_high"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
        if exponentiate:
            df[c] = np.exp(df[c])
    no_est = df["estimate"].isna()
    if no_est.any():
        notes.append(
            f"No estimate for: {', '.join(dict.fromkeys(df.loc[no_est, 'term'].astype(str)))}."
        )
    df = df[~no_est]
    if df.empty:
        return empty_figure(
            "No estimates to show", title=title, subtitle=subtitle, source=source, what=what
        )
    if log_scale and (df[["estimate", "conf_low", "conf_high"]] <= 0).any().any():
        raise FigureInputError(
            "a log scale needs positive estimates and limits; pass "
            "exponentiate=True for log-odds, or log_scale=False"
        )
    no_ci = df["conf_low"].isna() | df["conf_high"].isna()
    if no_ci.any():
        notes.append(
            "No interval for: "
            f"{', '.join(dict.fromkeys(df.loc[no_ci, 'term'].astype(str)))} "
            "(point only)."
        )
    labels = dict(term_labels or {})
    models = list(dict.fromkeys(df["model"]))
    fig, (ax,) = new_figure(height=1.8 + 0.35 * len(order) * max(1, len(models) * 0.6))
    ypos = {t: i for i, t in enumerate(order)}
    step = 0.6 / max(1, len(models))
    alt_parts = []
    for k, model in enumerate(models):
        sub = df[df["model"] == model]
        offset = (k - (len(models) - 1) / 2) * step
        y = np.array([ypos[t] for t in sub["term"]]) + offset
        colour = PALETTE[k % len(PALETTE)]
        ok = ~(sub["conf_low"].isna() | sub["conf_high"].isna()).to_numpy()
        ax.hlines(
            y[ok],
            sub["conf_low"].to_numpy()[ok],
            sub["conf_high"].to_numpy()[ok],
            color=colour,
            linewidth=2,
            label="_ci",
        )
        ax.plot(
            sub["estimate"],
            y,
            "o",
            color=colour,
            markersize=6,
            label=model if model else "_estimate",
        )
        for _, row in sub.iterrows():
            ci = (
                "no interval"
                if pd.isna(row["conf_low"])
                else f"{row['conf_low']:.3g} to {row['conf_high']:.3g}"
            )
            alt_parts.append(
                f"{(model + ': ') if model else ''}"
                f"{labels.get(row['term'], row['term'])} {row['estimate']:.3g} "
                f"({ci})."
            )
    ref = 1.0 if (log_scale or exponentiate) else 0.0
    ax.axvline(ref, color=MUTED_COLOUR, linewidth=1, linestyle="--", zorder=0)
    if log_scale:
        ax.set_xscale("log")
        _ratio_ticks(ax)
    ax.set_yticks(range(len(order)), [labels.get(t, t) for t in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    scale = "Odds ratio" if exponentiate else "Estimate"
    ax.set_xlabel(xlabel or f"{scale} ({round(conf_level * 100)}% confidence interval)")
    if len(models) > 1:
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(3, len(models)))
    alt = (
        f"Forest plot of {len(df)} {'odds ratios' if exponentiate else 'estimates'} with "
        f"{round(conf_level * 100)}% confidence intervals; the dashed line marks {ref:g}, "
        "no association. " + " ".join(alt_parts)
    )
    return finish(
        fig,
        title=title or what,
        subtitle=subtitle
        or f"Points: {scale.lower()}s; lines: {round(conf_level * 100)}% "
        f"confidence intervals; dashed line at {ref:g} (no association)",
        source=source,
        alt=alt,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------
# 6. predicted probabilities


def _category_colours(categories: Sequence[str]) -> dict[str, str]:
    extra = iter(PALETTE[4:] + PALETTE[:4])
    return {c: RATING_COLOURS[c] if c in RATING_COLOURS else next(extra) for c in categories}


@styled
# long: one figure drawn top to bottom; each block is a labelled step
def predicted_probabilities(
    pred: pd.DataFrame,
    *,
    x: str | None = None,
    kind: Literal["lines", "stacked"] = "lines",
    x_label: str | None = None,
    xlim: tuple[float, float] | None = None,
    conf_level: float = 0.95,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Predicted probability of each rating across a predictor (e.g. PO vacancy 0-50%).

    Parameters
    ----------
    pred
        Long frame: the predictor column, ``category``, ``prob`` (or ``probability``),
        ``lo``/``hi`` (or ``conf_low``/``conf_high``), as
        :func:`probstats.models.inference.predict.predict_curve` returns. Probabilities are 0-1.
    x
        The predictor column; default the first column that is none of the above.
    kind
        ``"lines"``: one line and band per category (ratings in their colours,
        other categories such as "Requires improvement or worse" in grey and purple).
        ``"stacked"``: stacked areas of the four ratings (no bands: intervals do not stack).
    xlim
        Range of the x axis, e.g. ``(0, 50)``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from probstats import RATINGS
    >>> from probstats.report.figures import predicted_probabilities
    >>> xs = [0, 25, 50]
    >>> pred = pd.DataFrame({"x": np.repeat(xs, 4), "category": list(RATINGS) * 3,
    ...     "prob": [0.1, 0.4, 0.4, 0.1] * 3, "lo": [0.05, 0.3, 0.3, 0.05] * 3,
    ...     "hi": [0.2, 0.5, 0.5, 0.2] * 3})
    >>> fig = predicted_probabilities(pred)
    >>> len(fig.axes[0].lines)
    4
    """
    what = "Predicted probability of each rating"
    if kind not in ("lines", "stacked"):
        raise FigureInputError(f"kind must be 'lines' or 'stacked', got {kind!r}")
    require_columns(pred, ["category"], "predicted_probabilities")
    cols = {c: None for c in ("prob", "lo", "hi")}
    for key, names in {
        "prob": ("prob", "probability"),
        "lo": ("lo", "conf_low"),
        "hi": ("hi", "conf_high"),
    }.items():
        cols[key] = next((n for n in names if n in pred.columns), None)
    if cols["prob"] is None:
        raise FigureInputError(
            f"pred needs a 'prob' or 'probability' column; it has {list(pred.columns)}"
        )
    known = {"category", "std_error", *[v for v in cols.values() if v]}
    if x is None:
        x = next((c for c in pred.columns if c not in known), None)
        if x is None:
            raise FigureInputError("pred has no predictor column; pass x=")
    require_columns(pred, [x], "predicted_probabilities")
    df = pred.dropna(subset=[x, cols["prob"]])
    notes: list[str] = []
    if len(df) < len(pred):
        notes.append(
            f"{plural(len(pred) - len(df), 'row')} without a value or probability not shown."
        )
    if df.empty:
        return empty_figure(
            "No predictions to show", title=title, subtitle=subtitle, source=source, what=what
        )
    cats = list(dict.fromkeys(df["category"].astype(str)))
    ratings = [r for r in RATINGS_BEST_FIRST if r in cats]
    others = [c for c in cats if c not in RATINGS]
    colours = _category_colours(ratings + others)
    fig, (ax,) = new_figure(height=4.4)
    label = x_label or measure_label(x)
    alt_parts = []
    if kind == "lines":
        for c in ratings + others:
            sub = df[df["category"].astype(str) == c].sort_values(x)
            style = "-" if c in RATINGS else "--"
            if cols["lo"] and cols["hi"]:
                ax.fill_between(
                    sub[x],
                    sub[cols["lo"]],
                    sub[cols["hi"]],
                    color=colours[c],
                    alpha=0.18,
                    linewidth=0,
                    label="_band",
                )
            ax.plot(sub[x], sub[cols["prob"]], style, color=colours[c], label=c)
            first, last = sub.iloc[0], sub.iloc[-1]
            alt_parts.append(
                f"{c}: {first[cols['prob']]:.0%} at {first[x]:g} to "
                f"{last[cols['prob']]:.0%} at {last[x]:g}."
            )
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="Rating")
        band = (
            f"; bands: {round(conf_level * 100)}% confidence intervals"
            if cols["lo"] and cols["hi"]
            else ""
        )
    else:
        if others:
            notes.append(f"Not stacked: {', '.join(others)} (not one of the four ratings).")
        wide = (
            df[df["category"].isin(RATINGS)]
            .pivot_table(index=x, columns="category", values=cols["prob"], observed=False)
            .reindex(columns=list(RATINGS))
        )
        if wide.isna().any().any():
            notes.append("Some ratings lack a prediction at some values; drawn as zero.")
        wide = wide.fillna(0)
        sums = wide.sum(axis=1)
        if not np.allclose(sums, 1, atol=1e-3):
            notes.append(f"Probabilities sum to {sums.min():.3f}-{sums.max():.3f}, not 1.")
        ax.stackplot(
            wide.index.to_numpy(float),
            *[wide[r].to_numpy() for r in RATINGS],
            colors=[RATING_COLOURS[r] for r in RATINGS],
            labels=list(RATINGS),
            edgecolor="white",
            linewidth=0.5,
        )
        handles = [Patch(color=RATING_COLOURS[r], label=r) for r in RATINGS_BEST_FIRST]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="Rating")
        for r in RATINGS_BEST_FIRST:
            alt_parts.append(
                f"{r}: {wide[r].iloc[0]:.0%} at {wide.index[0]:g} to "
                f"{wide[r].iloc[-1]:.0%} at {wide.index[-1]:g}."
            )
        band = "; stacked areas, intervals not shown"
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1))
    if xlim is not None:
        ax.set_xlim(*xlim)
    ax.set_xlabel(label)
    ax.set_ylabel("Predicted probability")
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    chart = "Line chart" if kind == "lines" else "Stacked area chart"
    alt = (
        f"{chart} of the model's predicted probability of each rating as {lower_first(label)} "
        f"varies, other predictors held fixed. "
        + " ".join(alt_parts)
        + " Predictions describe the fitted association, not the effect of changing staffing."
    )
    return finish(
        fig,
        title=title or f"{what} by {lower_first(label.split(' (')[0])}",
        subtitle=subtitle or f"Model predictions, other predictors held at typical values{band}",
        source=source,
        alt=alt,
        notes=notes,
    )
