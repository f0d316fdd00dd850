"""The main analysis: which models are fitted to the real data, on which rows, with which caveats.

The specifications live here (not in notebooks or the build) so the build's
figures and tables and the notebooks report the same fits. Every fit records
the rows it used, the rows it dropped and why, and every warning the model
raised (separation, small samples, few clusters), so that a table of results
never travels without its caveats.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from probstats.errors import ProbstatsError

#: Staffing predictor of the main models: PO shortfall (the stated PO vacancy rate, or
#: 100 minus PO staffing as a percentage of target), in percentage points.
MAIN_PREDICTOR = "shortfall_po_pct"
#: Case-sample outcome of the binomial model.
KEEP_SAFE = "case_implementation_delivery_keep_safe_pct"
#: Units compared: the post-2021 PDUs and regions (CRCs and NPS divisions differ in remit).
POST_UNIFICATION_TYPES = ("PDU", "region")


@dataclass
class Fit:
    """A fitted model, or the reason it could not be fitted, with its caveats."""

    name: str
    description: str
    n_used: int
    result: object | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def separated(self) -> bool:
        """True when the data separate the outcome: no finite estimate exists."""
        return self.ok and self.result.separation.separated

    @property
    def estimable(self) -> bool:
        """Fitted, with finite estimates worth plotting (converged, not separated)."""
        return self.ok and self.result.estimable

    def notes_frame(self) -> pd.DataFrame:
        """One row per caveat: model name, kind (warning or error) and message."""
        rows = [(self.name, "warning", w) for w in self.warnings]
        if self.error:
            rows.append((self.name, "not fitted", self.error))
        return pd.DataFrame(rows, columns=["model", "kind", "message"])


def _capture(name: str, description: str, data: pd.DataFrame, fit_fn) -> Fit:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fit_fn(data)
            error = None
        except (ProbstatsError, ValueError, ArithmeticError) as exc:
            result, error = None, f"{type(exc).__name__}: {exc}"
    messages = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    n_used = len(data)
    if result is not None:
        n_used = int(result.glance()["n"].iloc[0])
    return Fit(name, description, n_used, result, error, messages)


def post_unification(features: pd.DataFrame) -> pd.DataFrame:
    """PDU and region inspections (from 2021), the units the main models compare."""
    return features[features["unit_type"].isin(POST_UNIFICATION_TYPES)]


def ordinal_rating_model(
    features: pd.DataFrame, predictor: str = MAIN_PREDICTOR, estimator: str = "ml"
) -> Fit:
    """Proportional-odds model of the overall rating on one staffing measure.

    Rows without the rating or the predictor are dropped by the model (and
    reported); categories no inspection reached are dropped rather than
    estimated.

    Examples
    --------
    >>> from probstats.report.analysis import ordinal_rating_model
    >>> import probstats
    >>> fit = ordinal_rating_model(probstats.load_features())
    >>> fit.name
    'ordinal: overall rating ~ shortfall_po_pct'
    >>> ordinal_rating_model(probstats.load_features(), estimator="firth").name
    'ordinal (bias-reduced): overall rating ~ shortfall_po_pct'
    """
    from probstats.models.ordinal.model import fit_ordinal

    data = post_unification(features)[["inspection_id", "region", "overall_rating", predictor]]
    data = data.set_index("inspection_id")
    kind = "ordinal" if estimator == "ml" else "ordinal (bias-reduced)"
    how = (
        "Proportional-odds logit"
        if estimator == "ml"
        else "Bias-reduced (Firth) proportional-odds logit"
    )
    return _capture(
        f"{kind}: overall rating ~ {predictor}",
        f"{how} of the overall rating on {predictor}, PDU and region inspections with the "
        "figure stated",
        data,
        lambda d: fit_ordinal(
            d, "overall_rating", [predictor], empty_categories="drop", estimator=estimator
        ),
    )


def binomial_keep_safe_model(
    features: pd.DataFrame, predictor: str = MAIN_PREDICTOR, outcome: str = KEEP_SAFE
) -> Fit:
    """Quasi-binomial model of the share of cases where work to keep people safe was sufficient.

    Needs the stated number of cases behind each percentage (``<outcome>_n``);
    percentages without it are dropped and reported, never given an assumed
    denominator.

    Examples
    --------
    >>> from probstats.report.analysis import binomial_keep_safe_model
    >>> import probstats
    >>> fit = binomial_keep_safe_model(probstats.load_features())
    >>> fit.n_used >= 0
    True
    """
    from probstats.models.binomial.model import fit_binomial

    n_col = outcome.removesuffix("_pct") + "_n"
    cols = ["inspection_id", "region", outcome, predictor]
    if n_col in features.columns:
        cols.append(n_col)
    data = post_unification(features)[cols].set_index("inspection_id")
    if n_col not in data.columns:
        return Fit(
            f"binomial: {outcome} ~ {predictor}",
            "Quasi-binomial logit of the keep-safe sufficiency share",
            0,
            error=f"no inspection states the number of cases behind {outcome}",
        )
    return _capture(
        f"binomial: {outcome} ~ {predictor}",
        "Quasi-binomial logit of the keep-safe sufficiency share, trials = stated cases, "
        "standard errors clustered by region",
        data,
        lambda d: fit_binomial(d, outcome, [predictor], trials=n_col),
    )


def exact_rank_test(features: pd.DataFrame, predictor: str = MAIN_PREDICTOR) -> pd.DataFrame:
    """Exact rank comparison of a staffing measure between Inadequate and better-rated units.

    A small-sample check that needs no model and stays valid under separation: the
    p-value is exact (every split of the units enumerated), the shift is the
    Hodges-Lehmann estimate with its exact interval (unbounded when the groups are too
    small for one), see :func:`probstats.models.inference.exact.rank_shift_test`.

    Returns
    -------
    pandas.DataFrame
        One row: group sizes and medians, the U statistic, the exact two-sided p-value,
        the smallest p-value these group sizes allow, the shift with its interval and the
        probability that a random Inadequate unit has the higher value.

    Examples
    --------
    >>> import probstats
    >>> from probstats.report.analysis import exact_rank_test
    >>> row = exact_rank_test(probstats.load_features()).iloc[0]
    >>> bool(0 <= row["p_value_exact"] <= 1)
    True
    """
    from probstats.errors import ModelSpecificationError
    from probstats.models.inference.exact import rank_shift_test

    df = post_unification(features)[["overall_rating", predictor]].dropna()
    worst = df.loc[df["overall_rating"] == "Inadequate", predictor]
    better = df.loc[df["overall_rating"] != "Inadequate", predictor]
    row = {
        "measure": predictor,
        "n_inadequate": len(worst),
        "n_better": len(better),
        "median_inadequate": worst.median(),
        "median_better": better.median(),
    }
    try:
        r = rank_shift_test(worst, better)
    except ModelSpecificationError:
        nan = float("nan")
        row.update(
            u_statistic=nan,
            p_value_exact=nan,
            min_p_value=nan,
            shift=nan,
            conf_low=nan,
            conf_high=nan,
            prob_inadequate_higher=nan,
            note="",
        )
        return pd.DataFrame([row])
    row.update(
        u_statistic=r.u_statistic,
        p_value_exact=r.p_value,
        min_p_value=r.min_p_value,
        shift=r.shift,
        conf_low=r.conf_low,
        conf_high=r.conf_high,
        prob_inadequate_higher=r.prob_first_higher,
        note=r.note,
    )
    return pd.DataFrame([row])


def main_fits(features: pd.DataFrame) -> dict[str, Fit]:
    """Every model of the main analysis, keyed by short name."""
    return {
        "ordinal": ordinal_rating_model(features),
        "ordinal_firth": ordinal_rating_model(features, estimator="firth"),
        "binomial": binomial_keep_safe_model(features),
    }
