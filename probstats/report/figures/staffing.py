"""Figures relating staffing to outcomes and ratings."""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from probstats.dataset.ratings import RATINGS
from probstats.report.figures._common import (
    DEFAULT_STAFFING_MEASURES,
    KEEP_SAFE_OUTCOME,
    FigureInputError,
    as_ratings,
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
    REPORT_WIDTH,
    new_figure,
    no_data,
    panel_title,
)

__all__ = ["binomial_curve", "staffing_vs_outcome", "staffing_by_rating"]


def binomial_curve(
    x: Sequence[float],
    pct: Sequence[float],
    trials: Sequence[float],
    grid: Sequence[float] | None = None,
    *,
    conf_level: float = 0.95,
    n_points: int = 50,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Quasi-binomial logistic fit of a percentage on one predictor, for drawing.

    Fits the proportion with ``var_weights=trials`` and a Pearson scale, which
    allows for more variation between inspections than binomial sampling alone.
    This is for display only; the models live in :mod:`probstats.models`.

    Returns
    -------
    curve : pandas.DataFrame
        ``x, fit, lo, hi`` in percent.
    summary : dict
        ``odds_ratio_per_10``, ``conf_low``, ``conf_high``, ``scale``, ``n``.

    Examples
    --------
    >>> from probstats.report.figures.staffing import binomial_curve
    >>> curve, s = binomial_curve([0, 10, 20, 30], [80, 70, 55, 45], [50, 50, 50, 50])
    >>> bool(curve["fit"].is_monotonic_decreasing) and s["odds_ratio_per_10"] < 1
    True
    """
    import statsmodels.api as sm
    from scipy import stats

    x = np.asarray(x, dtype=float)
    y = np.asarray(pct, dtype=float) / 100
    w = np.asarray(trials, dtype=float)
    if grid is None:
        grid = np.linspace(x.min(), x.max(), n_points)
    grid = np.asarray(grid, dtype=float)
    X = sm.add_constant(x, has_constant="add")
    res = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=w).fit(scale="X2")
    pred = res.get_prediction(sm.add_constant(grid, has_constant="add"))
    frame = pred.summary_frame(alpha=1 - conf_level)
    curve = pd.DataFrame(
        {
            "x": grid,
            "fit": frame["mean"].to_numpy() * 100,
            "lo": frame["mean_ci_lower"].to_numpy() * 100,
            "hi": frame["mean_ci_upper"].to_numpy() * 100,
        }
    )
    beta, se = float(res.params[1]), float(res.bse[1])
    z = stats.norm.ppf(0.5 + conf_level / 2)
    summary = {
        "odds_ratio_per_10": float(np.exp(10 * beta)),
        "conf_low": float(np.exp(10 * (beta - z * se))),
        "conf_high": float(np.exp(10 * (beta + z * se))),
        "scale": float(res.scale),
        "n": int(len(x)),
    }
    return curve, summary


def _curve_columns(curve: pd.DataFrame) -> tuple[str, str, str, str]:
    def pick(*names: str) -> str:
        for n in names:
            if n in curve.columns:
                return n
        raise FigureInputError(f"curve needs one of columns {names}; it has {list(curve.columns)}")

    fit = pick("fit", "probability", "prob", "estimate")
    lo = pick("lo", "conf_low")
    hi = pick("hi", "conf_high")
    known = {fit, lo, hi, "category", "std_error"}
    x = "x" if "x" in curve.columns else next(c for c in curve.columns if c not in known)
    return x, fit, lo, hi


def _size(n: np.ndarray) -> np.ndarray:
    # Marker area proportional to the number of cases inspected.
    return 1.2 * n


@styled
# long: one multi-panel figure drawn top to bottom; each block is a labelled step
def staffing_vs_outcome(
    features: pd.DataFrame,
    measures: str | Sequence[str] = "vacancy_rate_po",
    outcome: str = KEEP_SAFE_OUTCOME,
    *,
    size: str = "cases_inspected",
    trials: str | None = None,
    curve: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    fit: bool = True,
    conf_level: float = 0.95,
    min_fit: int = 5,
    ncols: int = 2,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Scatter of a staffing measure against a case-sample percentage, with a fitted curve.

    One panel per measure. Points are inspections, their area proportional to the
    number of cases inspected. The line is the caller's ``curve`` if given, else a
    quasi-binomial logistic fit (:func:`binomial_curve`) with its confidence band.

    Parameters
    ----------
    features
        :func:`probstats.load_features` frame: the measure column(s), ``outcome``
        (percent), ``size`` and, optionally, the trials column.
    measures
        One column or several (e.g. ``["vacancy_rate_po", "caseload_average_po"]``).
    outcome
        Percentage outcome column (default: keeping people safe, implementation and delivery).
    size
        Column sizing the points (cases inspected).
    trials
        Column of denominators for the fit; default the outcome's ``_n`` column where
        stated, else ``size``. Inspections with neither are drawn hollow and left out of the fit.
    curve
        Precomputed curve(s): a frame (single measure) or measure -> frame, with
        columns ``x`` (or the predictor's name), ``fit``/``probability``,
        ``lo``/``conf_low``, ``hi``/``conf_high``; proportions (0-1) or percent.
    fit
        Fit a curve when ``curve`` is not given.
    min_fit
        Fewest inspections needed to draw a fitted curve.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.figures.staffing import staffing_vs_outcome
    >>> df = pd.DataFrame({"vacancy_rate_po": [5, 10, 20, 30, 40, 15],
    ...     "case_implementation_delivery_keep_safe_pct": [70, 65, 55, 50, 35, 60],
    ...     "cases_inspected": [40, 50, 60, 45, 55, 50]})
    >>> fig = staffing_vs_outcome(df)
    >>> len(fig.axes[0].collections) >= 2  # points and band
    True
    """
    what = "Staffing and case outcomes"
    measures = [measures] if isinstance(measures, str) else list(measures)
    if not measures:
        raise FigureInputError("give at least one measure")
    require_columns(features, [outcome], "staffing_vs_outcome")
    if isinstance(curve, pd.DataFrame):
        if len(measures) != 1:
            raise FigureInputError("give curve as a mapping measure -> frame for several measures")
        curve = {measures[0]: curve}
    curve = dict(curve or {})
    total = len(features)
    if total == 0:
        return empty_figure(
            "No inspections to show", title=title, subtitle=subtitle, source=source, what=what
        )
    trials_col = trials or outcome.removesuffix("_pct") + "_n"
    ncols = min(ncols, len(measures))
    nrows = int(np.ceil(len(measures) / ncols))
    width = REPORT_WIDTH
    fig, axes = new_figure(nrows, ncols, width=width, height=1.9 + 3.0 * nrows)
    for ax in axes[len(measures) :]:
        ax.set_visible(False)
    notes: list[str] = []
    alt_parts: list[str] = []
    fitted_any = False
    for ax, measure in zip(axes, measures, strict=False):
        label = measure_label(measure)
        if measure not in features.columns:
            no_data(ax, f"No column {measure}")
            panel_title(ax, label, f"n = 0 shown; {total} without the measure")
            alt_parts.append(f"{label}: no inspection has this measure.")
            continue
        x_all = pd.to_numeric(features[measure], errors="coerce")
        y_all = pd.to_numeric(features[outcome], errors="coerce")
        has_x, has_y = x_all.notna(), y_all.notna()
        sel = has_x & has_y
        n_shown = int(sel.sum())
        note = (
            f"n = {n_shown} shown; {int((~has_x).sum())} without the measure, "
            f"{int((has_x & ~has_y).sum())} without the outcome"
        )
        panel_title(ax, label, note)
        if n_shown == 0:
            no_data(ax, "No inspection has both the measure and the outcome")
            alt_parts.append(f"{label}: no inspection has both the measure and the outcome.")
            continue
        x, y = x_all[sel].to_numpy(float), y_all[sel].to_numpy(float)
        sizes = (
            pd.to_numeric(features.loc[sel, size], errors="coerce")
            if size in features.columns
            else pd.Series(np.nan, index=x_all[sel].index)
        )
        sizes = sizes.astype("float64")
        if trials_col in features.columns:
            w = pd.to_numeric(features.loc[sel, trials_col], errors="coerce").astype("float64")
            w = w.fillna(sizes)
        else:
            w = sizes
        known_size = sizes.notna().to_numpy()
        s = np.where(known_size, _size(sizes.fillna(0).to_numpy(float)), _size(np.array(40.0)))
        ax.scatter(
            x[known_size],
            y[known_size],
            s=s[known_size],
            color=PALETTE[0],
            alpha=0.75,
            edgecolor="white",
            linewidth=0.5,
            zorder=3,
            label="_points",
        )
        if (~known_size).any():
            ax.scatter(
                x[~known_size],
                y[~known_size],
                s=s[~known_size],
                facecolor="none",
                edgecolor=PALETTE[0],
                linewidth=1,
                zorder=3,
                label="_points_unsized",
            )
            notes.append(
                f"{label}: {plural(int((~known_size).sum()), 'inspection')} without a "
                "number of cases drawn hollow at a fixed size."
            )
        summary_text = ""
        if measure in curve:
            cx, cf, clo, chi = _curve_columns(curve[measure])
            c = curve[measure].sort_values(cx)
            scale = 100.0 if c[cf].max() <= 1.0 else 1.0
            ax.fill_between(
                c[cx],
                c[clo] * scale,
                c[chi] * scale,
                color=PALETTE[1],
                alpha=0.25,
                linewidth=0,
                label="_band",
            )
            ax.plot(c[cx], c[cf] * scale, color=PALETTE[1], label="_fit")
            fitted_any = True
            summary_text = " A model curve with its confidence band is drawn."
        elif fit:
            ok = (w.fillna(0) > 0).to_numpy()
            if ok.sum() >= min_fit and np.unique(x[ok]).size >= 2:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    try:
                        c, summ = binomial_curve(
                            x[ok], y[ok], w.to_numpy(float)[ok], conf_level=conf_level
                        )
                    except Exception as exc:  # a display helper must not crash the figure
                        c, summ = None, None
                        notes.append(f"{label}: curve not fitted ({type(exc).__name__}).")
                if c is not None and caught:
                    notes.append(
                        f"{label}: the fit warned ({caught[0].message}); "
                        "read the curve with caution."
                    )
                if c is not None:
                    ax.fill_between(
                        c["x"],
                        c["lo"],
                        c["hi"],
                        color=PALETTE[1],
                        alpha=0.25,
                        linewidth=0,
                        label="_band",
                    )
                    ax.plot(c["x"], c["fit"], color=PALETTE[1], label="_fit")
                    fitted_any = True
                    orr = (
                        f"odds ratio per 10 units {summ['odds_ratio_per_10']:.2f} "
                        f"({summ['conf_low']:.2f} to {summ['conf_high']:.2f})"
                    )
                    ax.text(
                        0.98,
                        0.98,
                        f"Odds ratio per 10 units:\n"
                        f"{summ['odds_ratio_per_10']:.2f} ({summ['conf_low']:.2f} to "
                        f"{summ['conf_high']:.2f})",
                        transform=ax.transAxes,
                        ha="right",
                        va="top",
                        fontsize=8,
                        color=MUTED_COLOUR,
                    )
                    summary_text = f" Fitted curve: {orr}, from {summ['n']} inspections."
                    if int((~ok).sum()):
                        notes.append(
                            f"{label}: {plural(int((~ok).sum()), 'inspection')} without "
                            "a number of cases left out of the fit."
                        )
            else:
                notes.append(
                    f"{label}: too few inspections ({int(ok.sum())}) with a number of "
                    f"cases to fit a curve (at least {min_fit} needed)."
                )
        ax.set_xlabel(label)
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(PercentFormatter(100))
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        rho = pd.Series(x).corr(pd.Series(y), method="spearman") if n_shown >= 3 else np.nan
        rho_text = f" Spearman correlation {rho:.2f}." if np.isfinite(rho) else ""
        alt_parts.append(
            f"{label}: {n_shown} inspections, measure from {x.min():g} to {x.max():g}, outcome "
            f"from {y.min():g}% to {y.max():g}%.{rho_text}{summary_text}"
        )
    ylabel = textwrap.fill(measure_label(outcome), 34)
    for ax in axes[: len(measures)]:
        if ax.get_subplotspec().is_first_col() and ax.has_data():
            ax.set_ylabel(ylabel)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=np.sqrt(_size(np.array(n))),
            color=PALETTE[0],
            alpha=0.75,
            label=f"{n} cases",
        )
        for n in (25, 50, 100)
    ]
    if fitted_any:
        handles.append(Line2D([], [], color=PALETTE[1], label="Fitted curve"))
        handles.append(
            Patch(color=PALETTE[1], alpha=0.25, label=f"{round(conf_level * 100)}% confidence band")
        )
    fit_words = (
        f"line: quasi-binomial logistic fit with {round(conf_level * 100)}% confidence band; "
        if fitted_any
        else ""
    )
    alt = (
        f"Scatter plot of {lower_first(measure_label(outcome))} against "
        f"{plural(len(measures), 'staffing measure')}, one point per inspection, sized by "
        "cases inspected. "
        + " ".join(alt_parts)
        + " An association in these data is not evidence of cause."
    )
    return finish(
        fig,
        title=title
        or "Staffing and the share of cases where work to keep people safe was sufficient",
        subtitle=subtitle
        or f"Points: inspections, area proportional to cases inspected; "
        f"{fit_words}association, not cause; {total} inspections in the data",
        source=source,
        alt=alt,
        notes=notes,
        legend=handles,
    )


# ---------------------------------------------------------------------------------------------
# 4. staffing by rating


@styled
# long: one multi-panel figure drawn top to bottom; each block is a labelled step
def staffing_by_rating(
    features: pd.DataFrame,
    measures: Sequence[str] | None = None,
    *,
    min_box: int = 4,
    ncols: int = 2,
    seed: int = 20240101,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
) -> Figure:
    """Each staffing measure within each rating: every inspection as a point, plus a box.

    Boxes (median and quartiles; whiskers to 1.5 IQR) are drawn only for ratings
    with at least ``min_box`` inspections; every inspection is shown as a point.

    Parameters
    ----------
    features
        :func:`probstats.load_features` frame: ``overall_rating`` and the measure columns.
    measures
        Columns to show; default those of :data:`DEFAULT_STAFFING_MEASURES` present.
    min_box
        Fewest points for which a box is drawn.
    seed
        Seed of the horizontal jitter, so the figure is the same on every run.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.figures import staffing_by_rating
    >>> df = pd.DataFrame({"overall_rating": ["Good", "Good", "Inadequate"],
    ...     "vacancy_rate_po": [10.0, 12.0, 30.0]})
    >>> fig = staffing_by_rating(df, ["vacancy_rate_po"])
    >>> sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    3
    """
    what = "Staffing by inspection rating"
    require_columns(features, ["overall_rating"], "staffing_by_rating")
    if measures is None:
        measures = [m for m in DEFAULT_STAFFING_MEASURES if m in features.columns]
    measures = [measures] if isinstance(measures, str) else list(measures)
    if not measures or len(features) == 0:
        return empty_figure(
            "No staffing measures to show", title=title, subtitle=subtitle, source=source, what=what
        )
    rating = as_ratings(features["overall_rating"])
    total = len(features)
    ncols = min(ncols, len(measures))
    nrows = int(np.ceil(len(measures) / ncols))
    fig, axes = new_figure(nrows, ncols, height=1.5 + 2.9 * nrows)
    for ax in axes[len(measures) :]:
        ax.set_visible(False)
    rng = np.random.default_rng(seed)
    notes: list[str] = []
    alt_parts: list[str] = []
    any_pre = False
    for ax, measure in zip(axes, measures, strict=False):
        label = measure_label(measure)
        if measure not in features.columns:
            no_data(ax, f"No column {measure}")
            panel_title(ax, label, f"n = 0 shown; {total} without the measure")
            alt_parts.append(f"{label}: no inspection has this measure.")
            continue
        values = pd.to_numeric(features[measure], errors="coerce")
        known = values.notna()
        unrated = known & rating.isna()
        sel = known & rating.notna()
        note = f"n = {int(sel.sum())} shown; {int((~known).sum())} without the measure"
        if unrated.any():
            note += f", {int(unrated.sum())} unrated"
        panel_title(ax, label, note)
        if not sel.any():
            no_data(ax, "No rated inspection has this measure")
            alt_parts.append(f"{label}: no rated inspection has this measure.")
            continue
        # Ratings on the y axis (best at the top) leave room for their names and n.
        pre = (
            features["era"].eq("pre_unification").fillna(False)
            if "era" in features.columns
            else pd.Series(False, index=features.index)
        )
        groups, positions, ticklabels, medians = [], [], [], []
        for pos, r in enumerate(RATINGS):
            in_r = sel & (rating == r)
            v = values[in_r].to_numpy(float)
            jitter = rng.uniform(-0.18, 0.18, size=v.size)
            early = pre[in_r].to_numpy(bool)
            if v.size:
                _era_points(ax, v, pos + jitter, early, RATING_COLOURS[r], r)
                n_pre = int(early.sum())
                medians.append(
                    f"{r} median {np.median(v):g} (n = {v.size}"
                    + (f", {n_pre} before 2021" if n_pre else "")
                    + ")"
                )
                any_pre = any_pre or bool(n_pre)
            if v.size >= min_box:
                groups.append(v)
                positions.append(pos)
            name = "Requires\nimprovement" if r == "Requires improvement" else r
            ticklabels.append(f"{name}\nn = {v.size}")
        if groups:
            ax.boxplot(
                groups,
                positions=positions,
                widths=0.5,
                showfliers=False,
                orientation="horizontal",
                manage_ticks=False,
                zorder=2,
                boxprops={"color": MUTED_COLOUR},
                whiskerprops={"color": MUTED_COLOUR},
                capprops={"color": MUTED_COLOUR},
                medianprops={"color": "#0B0C0C", "linewidth": 1.5},
            )
        ax.set_yticks(range(len(RATINGS)), ticklabels, fontsize=8)
        ax.set_ylim(-0.6, len(RATINGS) - 0.4)
        ax.set_xlabel(label)
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        alt_parts.append(f"{label}: " + "; ".join(medians) + ".")
    alt = (
        "Strip plots with box plots of staffing measures within each overall rating "
        "(Outstanding at the top to Inadequate at the bottom); each point is one inspection"
        + (
            "; hollow points are CRC and NPS inspections before unification in 2021. "
            if any_pre
            else ". "
        )
        + " ".join(alt_parts)
        + " Differences between ratings are associations, not causes."
    )
    legend = None
    if any_pre:
        legend = [
            Line2D(
                [], [], marker="o", linestyle="", color=MUTED_COLOUR, label="PDU or region, 2021 on"
            ),
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor="none",
                color=MUTED_COLOUR,
                label="CRC or NPS division, before 2021",
            ),
        ]
    return finish(
        fig,
        title=title or what,
        subtitle=subtitle
        or f"Each point is an inspection; boxes show median and quartiles where "
        f"a rating has at least {min_box} inspections; {total} inspections "
        "in the data",
        source=source,
        alt=alt,
        notes=notes,
        legend=legend,
    )


def _era_points(ax, v, y, early, colour, rating) -> None:
    """Filled points for units since unification, hollow ones for CRCs/NPS before it."""
    for is_early in (False, True):
        m = early == is_early
        if not m.any():
            continue
        ax.scatter(
            v[m],
            y[m],
            s=18 if not is_early else 22,
            facecolor="none" if is_early else colour,
            color=colour,
            alpha=0.85 if not is_early else 1.0,
            edgecolor=colour if is_early else "white",
            linewidth=1.0 if is_early else 0.4,
            zorder=3,
            label=f"_{rating}{'_pre' if is_early else ''}",
        )
