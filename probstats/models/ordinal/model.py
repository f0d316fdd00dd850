"""Proportional-odds (cumulative link) regression of the four-point inspection rating.

The model is MASS::polr's::

    logit P(Y <= k | x) = zeta_k - x'beta        (k = 1 .. K-1)

(``probit`` replaces the logit by the normal quantile function). A positive coefficient
means higher values of the predictor go with *better* ratings: ``exp(beta)`` is the
odds ratio of being rated above any given level per unit of the predictor. Cut-points
``zeta`` are reported as thresholds on the latent scale exactly as ``polr$zeta``, not
as statsmodels' first-threshold-plus-log-increments.

Estimation is by Newton's method with the analytic score and Hessian (the
log-likelihood is concave for these links), so estimates agree with R to rounding
error and a refit takes a fraction of a millisecond. The result wraps a statsmodels
likelihood-model result (:attr:`OrdinalResult.statsmodels`: ``summary()``,
``params``, ``bse``, ``cov_params()``, ``t_test`` ...).

Guardrails, all raised or warned before any estimate is shown:

* rows with missing outcome or predictors are dropped and reported
  (:class:`~probstats.errors.DroppedRowsWarning`, ``glance()["n_dropped"]``);
* empty outcome categories and perfectly collinear or constant predictors raise
  :class:`~probstats.errors.ModelSpecificationError` naming them;
* complete or quasi-complete separation (the maximum-likelihood estimate does not
  exist) is detected exactly by a linear programme and reported with the predictors
  and categories involved (:class:`~probstats.errors.SeparationWarning`);
* fewer than ten observations per parameter gives a
  :class:`~probstats.errors.SmallSampleWarning`; outcome categories or predictor
  levels with fewer than ``min_category_count`` rows a
  :class:`~probstats.errors.SparseCategoryWarning`.

Associations estimated here are not causal effects of staffing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Literal

import numpy as np
import pandas as pd

from probstats.dataset.ratings import RATING_DTYPE
from probstats.errors import (
    ModelSpecificationError,
    NonConvergenceWarning,
    OrdinalSeparationError,
    SeparationWarning,
    ZeroProbabilityError,
)
from probstats.models._base import (
    Estimator,
    check_literal,
    design_matrix,
    outcome_categorical,
)
from probstats.models.ordinal.likelihood import CumulativeLink
from probstats.models.ordinal.penalised import CumulativeJeffreys
from probstats.models.ordinal.polr import PolrModel, PolrResults
from probstats.models.ordinal.prepare import (
    _Notes,
    _prepare,
    _sparse_notes,
    _with_weights,
)
from probstats.models.ordinal.results import OrdinalResult
from probstats.models.separation import (
    SeparationReport,
    check_ordinal,
    not_separated,
    separating_direction,
)

__all__ = [
    "Link",
    "OrdinalResult",
    "PolrModel",
    "PolrResults",
    "fit_ordinal",
    "fit_ordinal_arrays",
    "fit_ordinal_formula",
    "ordinal_separation",
]

Link = Literal["logit", "probit"]
EmptyCategories = Literal["raise", "drop"]
OnSeparation = Literal["raise", "nan", "ignore"]

#: Default count below which an outcome category or predictor level is "sparse".
MIN_CATEGORY_COUNT = 5
# Distance of a row's linear predictor from its category bounds beyond which a lean
# refit is suspected of separation and checked exactly (about p = 1e-11).
_SUSPECT_BOUND = {"logit": 25.0, "probit": 7.0}


def ordinal_separation(
    data: pd.DataFrame, outcome: str, predictors: Sequence[str]
) -> SeparationReport:
    """Check a proportional-odds model for complete or quasi-complete separation.

    Exact (a linear programme on the complete cases), independent of any fit.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.ordinal.model import ordinal_separation
    >>> df = pd.DataFrame({"rating": ["Inadequate"] * 3 + ["Good"] * 3,
    ...                    "x": [5.0, 6, 7, 1, 2, 3]})
    >>> ordinal_separation(df, "rating", ["x"]).kind
    'complete'
    """
    kept = data[[outcome, *predictors]].dropna()
    ycat = outcome_categorical(kept[outcome], outcome).cat.remove_unused_categories()
    X, levels = design_matrix(kept, predictors)
    y = ycat.cat.codes.to_numpy()
    return check_ordinal(y, X, list(ycat.cat.categories), levels, kept)


# --------------------------------------------------------------------------- lean path


def fit_ordinal_arrays(
    y: np.ndarray,
    X: np.ndarray,
    n_levels: int,
    *,
    link: Link = "logit",
    start: np.ndarray | None = None,
    empty_categories: EmptyCategories = "raise",
    on_separation: OnSeparation = "raise",
    max_iter: int = 50,
    estimator: Estimator = "ml",
) -> np.ndarray:
    """Lean refit: integer codes and a design matrix in, polr-scale parameters out.

    Made for resampling loops: no data frames, no checks beyond those needed for a
    correct answer, no covariance. Parameters are ``[beta (p), zeta (n_levels-1)]``.

    Parameters
    ----------
    y
        Category codes ``0..n_levels-1``.
    X
        ``n x p`` design without intercept.
    n_levels
        Number of categories ``K`` of the full model.
    link
        ``"logit"`` or ``"probit"``.
    start
        Warm start (e.g. the full-data estimates); default: the null model.
    empty_categories
        ``"raise"`` (:class:`~probstats.errors.ModelSpecificationError` naming the
        category codes) or ``"drop"``: fit the categories present and return NaN for
        the cut-points next to an empty category. Under proportional odds merging
        categories leaves ``beta`` unchanged, so the coefficients stay comparable.
    on_separation
        What to do when the resample is (quasi-)separated: ``"raise"``
        (:class:`~probstats.errors.OrdinalSeparationError`), ``"nan"`` (all-NaN
        parameters) or ``"ignore"`` (return the diverging iterate). A cheap screen
        (non-convergence or a fitted bound beyond about 1e-11 probability) triggers the
        exact check.
    max_iter
        Newton iterations.
    estimator
        ``"ml"`` or ``"firth"`` (bias-reduced: finite under separation, so
        ``on_separation`` does not apply).

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.ordinal.model import fit_ordinal_arrays
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = np.digitize(X @ [1.0, -0.5] + rng.logistic(size=200), [-1.0, 0.0, 1.0])
    >>> fit_ordinal_arrays(y, X, 4).shape
    (5,)
    """
    check_literal(estimator, Estimator, "estimator")
    y = np.asarray(y, dtype=np.intp)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    counts = np.bincount(y, minlength=n_levels)
    present = counts > 0
    if not present.all():
        if empty_categories == "raise":
            raise ModelSpecificationError(
                f"outcome categor(ies) with codes {np.flatnonzero(~present).tolist()} have "
                "no observations"
            )
        return _fit_collapsed(
            y, X, n_levels, present, link, start, on_separation, max_iter, estimator
        )
    lik = CumulativeLink(y, X, n_levels, link)
    theta0 = lik.start() if start is None else np.array(start, dtype=float)
    return _lean(lik, theta0, link, on_separation, max_iter, estimator)


def _lean(lik, theta0, link, on_separation, max_iter, estimator) -> np.ndarray:
    if estimator == "ml":
        return lean_newton(lik, theta0, link, on_separation, max_iter)
    prob = CumulativeJeffreys(lik.y, lik.X, lik.n_levels, link)
    try:
        fit = prob.fit(theta0, max_iter=max_iter)
    except ZeroProbabilityError:  # the warm start is outside this sample's support
        fit = prob.fit(None, max_iter=max_iter)
    if not fit.converged:
        if on_separation == "nan":
            return np.full(fit.params.shape, np.nan)
        raise OrdinalSeparationError("the penalised fit did not converge in this sample")
    return fit.params


def lean_newton(
    lik: CumulativeLink, theta0: np.ndarray, link: str, on_separation: str, max_iter: int
) -> np.ndarray:
    """Newton fit without derivatives at the end; separation screened, then checked exactly."""
    try:
        sol = lik.newton(theta0, max_iter=max_iter, final_derivatives=False)
    except ZeroProbabilityError:  # the warm start is outside this resample's support
        sol = lik.newton(lik.start(), max_iter=max_iter, final_derivatives=False)
    if on_separation != "ignore":
        a, b = lik.linear_bounds(sol.params)
        bound = np.concatenate([a[np.isfinite(a)], -b[np.isfinite(b)]])
        suspect = not sol.converged or bound.max(initial=0.0) > _SUSPECT_BOUND[link]
        if suspect and separating_direction(lik.y, lik.X, lik.n_levels) is not None:
            if on_separation == "nan":
                return np.full(sol.params.shape, np.nan)
            raise OrdinalSeparationError(
                "the outcome is (quasi-)completely separated in this sample; the "
                "maximum-likelihood estimate does not exist"
            )
    return sol.params


def _fit_collapsed(
    y, X, K, present, link, start, on_separation, max_iter, estimator="ml"
) -> np.ndarray:
    p = X.shape[1]
    keep = np.flatnonzero(present)
    recode = np.full(K, -1)
    recode[keep] = np.arange(keep.size)
    if keep.size < 2:
        raise ModelSpecificationError("fewer than two outcome categories are present")
    lik = CumulativeLink(recode[y], X, keep.size, link)
    theta0 = lik.start()
    if start is not None:
        theta0[:p] = np.asarray(start, dtype=float)[:p]
    sub = _lean(lik, theta0, link, on_separation, max_iter, estimator)
    out = np.full(p + K - 1, np.nan)
    out[:p] = sub[:p]
    # cut k separates categories <= k from > k; it survives when both sides are present
    # and maps to the cut between the last present category <= k and the next one
    for k in range(K - 1):
        if present[k] and present[k + 1]:
            out[p + k] = sub[p + recode[k]]
    return out


# --------------------------------------------------------------------------- fitting


def fit_ordinal(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    link: Link = "logit",
    *,
    conf_level: float = 0.95,
    empty_categories: EmptyCategories = "raise",
    min_category_count: int = MIN_CATEGORY_COUNT,
    check_separation: bool = True,
    warn: bool = True,
    max_iter: int = 100,
    estimator: Estimator = "ml",
    weights: str | Sequence[float] | None = None,
) -> OrdinalResult:
    """Fit a proportional-odds model of an ordered outcome (e.g. the overall rating).

    Parameters
    ----------
    data
        One row per inspection.
    outcome
        Ordered outcome column: a :data:`~probstats.dataset.ratings.RATING_DTYPE`
        categorical, rating labels as text, any ordered categorical, or integers
        (ordered by value).
    predictors
        Numeric columns (used as they are) and categorical ones (treatment dummies
        ``name[level]`` against the first level).
    link
        ``"logit"`` (proportional odds) or ``"probit"``.
    conf_level
        Default level of intervals in :meth:`OrdinalResult.tidy` and friends.
    empty_categories
        ``"raise"`` (default) refuses outcome categories without observations, naming
        them; ``"drop"`` removes them from the model with a note.
    min_category_count
        Categories or predictor levels with fewer rows give a SparseCategoryWarning.
    check_separation
        Run the exact separation check (a small linear programme).
    warn
        Emit warnings (they are always recorded in ``notes``).
    max_iter
        Newton iterations.
    estimator
        ``"ml"`` (maximum likelihood, as ``MASS::polr``) or ``"firth"``: the
        bias-reduced estimate maximising the Jeffreys-prior penalised likelihood
        ``l + 1/2 log det I`` (Kosmidis 2014). Prefer ``"firth"`` with few units or
        under separation, where the maximum-likelihood estimate is biased away from
        zero or does not exist; its intervals are penalised-likelihood profile ones
        (``tidy(conf_method="profile")``). With many units the two agree.
    weights
        Frequency (case) weights: a column name or one value per row; a row of weight
        ``w`` counts as ``w`` identical rows (as ``polr(weights=)`` and ``clm(weights=)``).

    Returns
    -------
    OrdinalResult

    Raises
    ------
    ModelSpecificationError
        Empty outcome categories, fewer than two categories, perfectly collinear or
        constant predictors, unknown columns or options.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from probstats import RATING_DTYPE
    >>> from probstats.models import fit_ordinal
    >>> rng = np.random.default_rng(3)
    >>> x = rng.uniform(0, 40, 150)
    >>> latent = 2.5 - 0.08 * x + rng.logistic(size=150)
    >>> codes = np.digitize(latent, [-1.0, 1.0, 3.5])
    >>> df = pd.DataFrame({"rating": pd.Categorical.from_codes(codes, dtype=RATING_DTYPE),
    ...                    "vacancy_rate_po": x})
    >>> res = fit_ordinal(df, "rating", ["vacancy_rate_po"])
    >>> bool(res.params["vacancy_rate_po"] < 0)
    True
    >>> res.tidy()["term"].tolist()[:2]
    ['vacancy_rate_po', 'Inadequate|Requires improvement']
    """
    check_literal(link, Link, "link")
    check_literal(empty_categories, EmptyCategories, "empty_categories")
    check_literal(estimator, Estimator, "estimator")
    predictors = list(predictors)
    if not predictors:
        raise ModelSpecificationError("give at least one predictor")
    if outcome in predictors:
        raise ModelSpecificationError(f"outcome {outcome!r} is also listed as a predictor")
    note = _Notes(warn)
    data, weight_col = _with_weights(data, weights, note)
    prep = _prepare(data, outcome, [*predictors, *weight_col], empty_categories, note)
    w = None
    if weight_col:
        w = prep.frame[weight_col[0]].to_numpy(dtype=float)
        prep.frame = prep.frame.drop(columns=weight_col)
        prep.X = prep.X.drop(columns=weight_col)
    _sparse_notes(prep, outcome, min_category_count, note)
    model = PolrModel(
        pd.Series(prep.y, index=prep.X.index, name=outcome),
        prep.X,
        categories=prep.categories,
        link=link,
        weights=w,
    )
    penalised = None
    if estimator == "ml":
        smres = model.fit(maxiter=max_iter)
        ml = SimpleNamespace(
            params=np.asarray(smres.params, dtype=float),
            converged=smres.mle_retvals["converged"],
        )
    else:
        ml = model._lik.newton(model._lik.start(), max_iter=max_iter, final_derivatives=False)
        problem = CumulativeJeffreys(prep.y, prep.X.to_numpy(float), len(prep.categories), link, w)
        # the penalised maximum lies near an existing ML estimate: start there
        interior = _interior(model._lik, ml, link)
        penalised = problem.fit(
            ml.params if interior else None, max_iter=max_iter, approximate=interior
        )
        smres = model.results(
            penalised.params,
            penalised.cov,
            converged=penalised.converged,
            n_iter=penalised.n_iter,
            gradient=penalised.score,
            optimizer="penalised Newton (Jeffreys prior)",
        )
    sep = not_separated("unchecked")
    if check_separation:
        sep = _separation(model, ml, prep, link, estimator, note)
    if not smres.mle_retvals["converged"] and not (sep.separated and estimator == "ml"):
        note(f"Newton's method did not converge in {max_iter} iterations", NonConvergenceWarning)
    return OrdinalResult(
        outcome,
        predictors,
        link,
        prep.categories,
        prep.frame,
        prep.report,
        smres,
        prep.X,
        prep.levels,
        sep,
        note.messages,
        conf_level,
        estimator,
        w,
        penalised=penalised,
    )


def _interior(lik: CumulativeLink, sol, link: str) -> bool:
    """A converged ML fit with every fitted probability away from 0 and 1."""
    if not sol.converged:
        return False
    a, b = lik.linear_bounds(np.asarray(sol.params, dtype=float))
    bound = np.concatenate([a[np.isfinite(a)], -b[np.isfinite(b)]])
    return bool(bound.max(initial=0.0) <= _SUSPECT_BOUND[link])


def _separation(model, ml, prep, link, estimator, note) -> SeparationReport:
    """Exact separation check, run only when the maximum-likelihood fit gives a reason to.

    The log-likelihood is concave, so a maximum-likelihood fit that converged with every
    fitted probability away from 0 and 1 is an interior maximum: the estimate exists and
    the data are not separated, which the linear programme would only confirm. Otherwise
    the linear programme decides.
    """
    if _interior(model._lik, ml, link):
        return not_separated()
    sep = check_ordinal(prep.y, prep.X, prep.categories, prep.levels, prep.frame)
    if sep.separated and estimator == "ml":
        note(sep.message, SeparationWarning)
    elif sep.separated:
        note(
            f"{sep.kind.capitalize()} separation by {', '.join(sep.terms)}: the "
            "maximum-likelihood estimate does not exist; the bias-reduced (Firth) estimate "
            "reported here is finite, but rests on the penalty as much as on the data "
            "for those terms. Read it with its penalised profile interval.",
            SeparationWarning,
        )
    return sep


_FORMULA = re.compile(r"^\s*([^~]+?)\s*~\s*(.+?)\s*$")
_CAT_TERM = re.compile(r"^C\(\s*([^)]+?)\s*\)$")


def fit_ordinal_formula(formula: str, data: pd.DataFrame, **kwargs) -> OrdinalResult:
    """Formula front end: ``"overall_rating ~ vacancy_rate_po + C(region)"``.

    Terms are column names joined by ``+``; ``C(name)`` treats a column as
    categorical. Transformations and interactions are not supported: compute them as
    columns first. Other arguments go to :func:`fit_ordinal`.

    Examples
    --------
    >>> from probstats.models.ordinal.model import fit_ordinal_formula
    >>> from probstats.models.ordinal.model import _example
    >>> d = _example().data
    >>> fit_ordinal_formula("rating ~ vacancy_rate_po", d).params.index[0]
    'vacancy_rate_po'
    """
    m = _FORMULA.match(formula)
    if not m:
        raise ModelSpecificationError(f"formula {formula!r} is not of the form 'y ~ a + b'")
    outcome = m.group(1).strip()
    data = data.copy()
    predictors = []
    for term in (t.strip() for t in m.group(2).split("+")):
        c = _CAT_TERM.match(term)
        if c:
            name = c.group(1)
            if name not in data.columns:
                raise ModelSpecificationError(f"formula term {term!r}: no column {name!r}")
            if not isinstance(data[name].dtype, pd.CategoricalDtype):
                data[name] = data[name].astype("category")
            predictors.append(name)
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", term):
            predictors.append(term)
        else:
            raise ModelSpecificationError(
                f"formula term {term!r} is not a column name or C(column); compute "
                "transformations and interactions as columns first"
            )
    return fit_ordinal(data, outcome, predictors, **kwargs)


def _example() -> OrdinalResult:
    """A small fitted model used in the docstring examples."""
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 40, 160)
    codes = np.digitize(2.5 - 0.08 * x + rng.logistic(size=160), [-1.0, 1.0, 3.5])
    df = pd.DataFrame(
        {"rating": pd.Categorical.from_codes(codes, dtype=RATING_DTYPE), "vacancy_rate_po": x}
    )
    return fit_ordinal(df, "rating", ["vacancy_rate_po"], warn=False)
