"""Exact detection of complete and quasi-complete separation, one implementation for every family.

The maximum-likelihood estimate of a cumulative link model (ordinal, and binary or
k-of-n binomial as its two-category case) fails to exist exactly when some non-zero
direction ``d`` in parameter space raises every observation's upper category bound,
lowers every lower bound and keeps the cut-points ordered (Albert and Anderson 1984;
Konis 2007). A linear programme finds such a direction when one exists, as
``brglm2::detect_separation`` does for binomial models; the same programme, with the
rows of a k-of-n outcome expanded into its successes and failures, serves the
binomial and beta-binomial families (whose mean model is the binomial logit).

Every model result carries the outcome as a :class:`SeparationReport` in its
``separation`` field; ``report.separated`` is the test generic code uses.

Notation: categories ``0..K-1``; ``P(Y <= k | x) = F(zeta_k - x'beta)``; the parameter
vector is ``[beta (p), zeta (K-1)]`` (polr's order). For a binomial logit with an
intercept, ``zeta = -intercept``: dropping the intercept column and using ``K = 2``
gives the same problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from probstats.errors import ModelSpecificationError
from probstats.models._base import cut_names

__all__ = [
    "BinomialSeparation",
    "SeparationReport",
    "binomial_separation",
    "binomial_rows",
    "check_binomial",
    "check_ordinal",
    "not_separated",
    "separating_direction",
    "separation_extent",
    "separation_message",
    "unbounded_along",
]


@dataclass(frozen=True)
class SeparationReport:
    """Whether, and how, predictors separate the outcome.

    Attributes
    ----------
    kind
        ``"none"``, ``"complete"`` (every row is fitted with probability 1 in the
        limit) or ``"quasi-complete"``; ``"unchecked"`` when the check was skipped.
    terms
        Design columns with a non-zero component in the separating direction: their
        maximum-likelihood estimates are infinite.
    categories
        Outcome categories of the rows that are predicted perfectly.
    n_rows, rows
        Number and index labels of those rows.
    message
        Plain-language explanation (also the warning text).
    directions
        ``{term: +1 or -1}``: the sign of infinity each term's estimate tends to.
    """

    kind: str = "none"
    terms: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    n_rows: int = 0
    rows: list = field(default_factory=list)
    message: str = ""
    directions: dict[str, int] = field(default_factory=dict)

    @property
    def separated(self) -> bool:
        """True when some maximum-likelihood estimates do not exist."""
        return self.kind in ("complete", "quasi-complete")

    def __bool__(self) -> bool:  # ``if result.separation:`` reads as "is it separated"
        return self.separated


def not_separated(kind: str = "none") -> SeparationReport:
    """The report of a fit whose estimates exist (or, with ``"unchecked"``, were not checked)."""
    return SeparationReport(kind=kind)


# --------------------------------------------------------------------------- linear programmes


def _bounds(y: np.ndarray, X: np.ndarray, K: int):
    """Row constraint matrices of the cumulative link problem, columns scaled to [-1, 1].

    Row i's upper bound is ``A_i theta = zeta_{y_i} - x_i'beta`` (absent for the top
    category), its lower bound ``B_i theta = zeta_{y_i - 1} - x_i'beta`` (absent for the
    bottom one). Columns are scaled by the largest absolute predictor value so that the
    box constrains comparable quantities whatever the predictors' units.
    """
    y = np.asarray(y, dtype=np.intp)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n, p = X.shape
    J = K - 1
    q = p + J
    scale = np.ones(q)
    if p:
        scale[:p] = np.maximum(np.max(np.abs(X), axis=0, initial=0.0), 1e-12)
    ra = np.flatnonzero(y < J)
    rb = np.flatnonzero(y > 0)
    A = np.zeros((ra.size, q))
    B = np.zeros((rb.size, q))
    A[:, :p] = -X[ra] / scale[:p]
    B[:, :p] = -X[rb] / scale[:p]
    A[np.arange(ra.size), p + y[ra]] = 1.0
    B[np.arange(rb.size), p + y[rb] - 1] = 1.0
    order = np.zeros((max(J - 1, 0), q))
    for k in range(J - 1):
        order[k, p + k], order[k, p + k + 1] = 1.0, -1.0
    return A, B, ra, rb, scale, order, p


def separating_direction(
    y: np.ndarray, X: np.ndarray, n_levels: int, *, tol: float = 1e-7
) -> np.ndarray | None:
    """A direction along which the likelihood rises for ever, or ``None``.

    Maximises the total slack in the box ``[-1, 1]`` subject to "raise every upper
    bound, lower every lower bound, keep the cut-points ordered"; a positive optimum
    means (quasi-)complete separation. Returns the direction in the original
    parameter scale (``[beta, zeta]``).

    Examples
    --------
    >>> from probstats.models.separation import separating_direction
    >>> import numpy as np
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> bool(separating_direction(np.array([0, 0, 1, 1]), X, 2)[0] > 0)
    True
    >>> separating_direction(np.array([0, 1, 0, 1]), X, 2) is None
    True
    """
    A, B, _, _, scale, order, _ = _bounds(y, X, n_levels)
    A_ub = np.vstack([-A, B, order])
    c = -(A.sum(0) - B.sum(0))
    res = optimize.linprog(
        c, A_ub=A_ub, b_ub=np.zeros(A_ub.shape[0]), bounds=[(-1, 1)] * c.size, method="highs"
    )
    n = len(np.asarray(y))
    if res.status != 0 or -res.fun <= tol * max(1.0, n):
        return None
    return res.x / scale


def separation_extent(
    y: np.ndarray, X: np.ndarray, n_levels: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every row bound that some separating direction can push to infinity.

    Separating directions form a convex cone, so one direction (returned) moves at
    once every bound that any of them moves. Solved as a linear programme that
    maximises the number of moved bounds, each counted up to 1. Returns
    ``(direction, upper_moved, lower_moved)`` with boolean masks over all rows.
    """
    y = np.asarray(y, dtype=np.intp)
    n = y.size
    A, B, ra, rb, scale, order, _ = _bounds(y, X, n_levels)
    q = A.shape[1]
    m = ra.size + rb.size
    S = np.vstack([A, -B])  # slack_i(d) = A_i d (upper) or -B_i d (lower); t_i <= slack_i
    order_t = np.hstack([order, np.zeros((order.shape[0], m))])
    A_ub = np.vstack([np.hstack([-S, np.zeros((m, m))]), np.hstack([-S, np.eye(m)]), order_t])
    c = np.concatenate([np.zeros(q), -np.ones(m)])
    bounds = [(-1e4, 1e4)] * q + [(0, 1)] * m
    res = optimize.linprog(
        c, A_ub=A_ub, b_ub=np.zeros(A_ub.shape[0]), bounds=bounds, method="highs"
    )
    upper = np.zeros(n, dtype=bool)
    lower = np.zeros(n, dtype=bool)
    if res.status != 0:
        return np.zeros(q), upper, lower
    t = res.x[q:]
    upper[ra] = t[: ra.size] > 0.5
    lower[rb] = t[ra.size :] > 0.5
    return res.x[:q] / scale, upper, lower


def unbounded_along(
    y: np.ndarray, X: np.ndarray, n_levels: int, j: int, sign: int, *, tol: float = 1e-7
) -> bool:
    """Whether the profile likelihood of parameter ``j`` never falls towards ``sign * inf``.

    The log-likelihood is concave with a finite supremum, so its profile in
    ``theta_j`` tends to the supremum towards ``sign * inf`` exactly when some
    direction of non-decrease has ``sign * d_j > 0``. One linear programme decides it,
    so the answer does not depend on how far a numerical search reaches.

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.separation import unbounded_along
    >>> y, X = np.array([0, 0, 1, 1]), np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> unbounded_along(y, X, 2, 0, +1), unbounded_along(y, X, 2, 0, -1)
    (True, False)
    """
    A, B, _, _, _, order, _ = _bounds(y, X, n_levels)
    A_ub = np.vstack([-A, B, order])
    c = np.zeros(A.shape[1])
    c[j] = -float(np.sign(sign))
    res = optimize.linprog(
        c, A_ub=A_ub, b_ub=np.zeros(A_ub.shape[0]), bounds=[(-1, 1)] * c.size, method="highs"
    )
    return bool(res.status == 0 and -res.fun > tol)


# --------------------------------------------------------------------------- reports


def _owner(term: str, levels: dict[str, list]) -> str:
    return next((b for b in levels if term.startswith(f"{b}[")), term)


def _details(preds, levels, frame, X, y, perfect, cats, verb) -> list[str]:
    """Plain-language description of how each involved predictor separates."""
    K = len(cats)
    out = []
    for pred in preds:
        if pred in levels and frame is not None and pred in frame.columns:
            col = frame[pred]
            for lev in levels[pred]:
                rows = (col == lev).to_numpy()
                if rows.any() and perfect[rows].all():
                    rated = sorted({cats[k] for k in y[rows]}, key=cats.index)
                    out.append(
                        f"every row with {pred} = {lev} (n={int(rows.sum())}) {verb} "
                        f"{' or '.join(rated)}"
                    )
        elif pred in X.columns:
            col = X[pred].to_numpy(dtype=float)
            rng = [
                f"{cats[k]} {np.min(col[y == k]):.4g} to {np.max(col[y == k]):.4g}"
                for k in range(K)
                if (y == k).any()
            ]
            out.append(f"{pred} by category: " + "; ".join(rng))
    return out


def _report(
    d: np.ndarray,
    y: np.ndarray,
    X: pd.DataFrame,
    categories: Sequence[object],
    levels: dict[str, list],
    frame: pd.DataFrame | None,
    rated_as: str = "is rated",
) -> SeparationReport:
    """Describe a separating direction ``d`` found for codes ``y`` and design ``X``."""
    p = X.shape[1]
    K = len(categories)
    Xv = X.to_numpy(dtype=float)
    d_union, moved_a, moved_b = separation_extent(y, Xv, K)
    if moved_a.any() or moved_b.any():
        d = d_union
    dbeta = d[:p]
    contrib = np.abs(dbeta) * np.maximum(np.abs(Xv).max(0, initial=0.0), 1e-300)
    involved = np.flatnonzero(contrib > 1e-6 * max(contrib.max(initial=0.0), 1e-300))
    terms = [str(X.columns[j]) for j in involved]
    # the likelihood rises along d, so each involved estimate tends to sign(d_j) * inf;
    # cut-points (scale 1) count as involved on the same relative scale as coefficients
    directions = {str(X.columns[j]): int(np.sign(dbeta[j])) for j in involved}
    thr = 1e-6 * max(contrib.max(initial=0.0), np.abs(d[p:]).max(initial=0.0), 1e-300)
    for name, dk in zip(cut_names(categories), d[p:], strict=True):
        if abs(dk) > thr:
            directions[name] = int(np.sign(dk))
    preds = list(dict.fromkeys(_owner(t, levels) for t in terms))
    s = Xv @ dbeta
    tol = 1e-7 * max(1.0, np.abs(s).max(initial=0.0))
    perfect = (moved_a | (y == K - 1)) & (moved_b | (y == 0))
    if not perfect.any():
        perfect = moved_a | moved_b
    complete = all(
        s[y <= k].max() < s[y > k].min() - tol
        for k in range(K - 1)
        if (y <= k).any() and (y > k).any()
    )
    if complete:
        perfect = np.ones_like(perfect)
    cats = [str(c) for c in categories]
    hit = [cats[k] for k in range(K) if bool((perfect & (y == k)).any())]
    kind = "complete" if complete else "quasi-complete"
    rows_idx = list(dict.fromkeys(X.index[perfect]))  # expanded binomial rows repeat
    n_perfect = len(rows_idx)
    details = _details(preds, levels, frame, X, y, perfect, cats, rated_as)
    who = ", ".join(preds) if preds else "the predictors"
    verb = "together separate" if len(preds) > 1 else "separates"
    message = (
        f"{kind.capitalize()} separation: {who} {verb} the outcome categories; "
        f"{n_perfect} row(s) {'rated' if rated_as == 'is rated' else 'with outcome'} "
        f"{', '.join(hit)} are fitted with probability 1 "
        "in the limit. The maximum-likelihood estimate does not exist: the estimates and "
        f"standard errors of {', '.join(terms)} drift towards infinity and are not "
        "interpretable (profile-likelihood intervals remain valid, with an infinite end). "
        + ("Details: " + "; ".join(details) + ". " if details else "")
        + "Consider merging categories, coarsening or dropping the predictor, or a "
        "penalised fit."
    )
    return SeparationReport(kind, terms, hit, n_perfect, rows_idx, message, directions)


def check_ordinal(
    y: np.ndarray,
    X: pd.DataFrame,
    categories: Sequence[object],
    levels: dict[str, list] | None = None,
    frame: pd.DataFrame | None = None,
    *,
    weights: np.ndarray | None = None,
) -> SeparationReport:
    """Exact separation check of a proportional-odds model (codes ``y``, design ``X``).

    Rows with zero frequency weight do not count.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.models.separation import check_ordinal
    >>> X = pd.DataFrame({"x": [5.0, 6, 7, 1, 2, 3]})
    >>> check_ordinal(np.array([0, 0, 0, 1, 1, 1]), X, ["Inadequate", "Good"]).kind
    'complete'
    """
    y = np.asarray(y, dtype=np.intp)
    if weights is not None:
        keep = np.asarray(weights, dtype=float) > 0
        y, X = y[keep], X.loc[keep]
        if frame is not None:
            frame = frame.loc[keep]
    d = separating_direction(y, X.to_numpy(dtype=float), len(categories))
    if d is None:
        return not_separated()
    return _report(d, y, X, categories, levels or {}, frame)


def binomial_rows(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand k-of-n rows into binary rows: ``(codes, row positions)``.

    A row with ``0 < k < n`` contributes both a success (code 1) and a failure (code
    0); ``k = 0`` only a failure and ``k = n`` only a success. Frequencies do not
    matter for separation, only which outcomes occur.

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.separation import binomial_rows
    >>> binomial_rows(np.array([0, 2, 3]), np.array([3, 3, 3]))
    (array([0, 0, 1, 1]), array([0, 1, 1, 2]))
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(k < 0) or np.any(k > n):
        raise ModelSpecificationError("successes must lie between 0 and the number of trials")
    fail = np.flatnonzero(k < n)
    succ = np.flatnonzero(k > 0)
    rows = np.concatenate([fail, succ])
    codes = np.concatenate([np.zeros(fail.size, np.intp), np.ones(succ.size, np.intp)])
    order = np.argsort(rows, kind="stable")
    return codes[order], rows[order]


def check_binomial(
    k: np.ndarray,
    n: np.ndarray,
    X: pd.DataFrame,
    levels: dict[str, list] | None = None,
    frame: pd.DataFrame | None = None,
) -> SeparationReport:
    """Exact separation check of a binomial logit (and the beta-binomial mean model).

    ``X`` is the design with its ``Intercept`` column; the intercept becomes the
    cut-point of a two-category cumulative model (``zeta = -intercept``), so the same
    linear programme decides separation for every family.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.models.separation import check_binomial
    >>> X = pd.DataFrame({"Intercept": 1.0, "x": [1.0, 2, 3, 4]})
    >>> check_binomial(np.array([0, 0, 5, 5]), np.array([5, 5, 5, 5]), X).terms
    ['x']
    >>> check_binomial(np.array([1, 3, 2, 4]), np.array([5, 5, 5, 5]), X).separated
    False
    """
    codes, rows = binomial_rows(k, n)
    Xb = X.drop(columns=[c for c in X.columns if c == "Intercept"])
    if Xb.shape[1] == 0:
        Xb = pd.DataFrame(index=X.index)
    Xe = Xb.iloc[rows]
    if np.unique(codes).size < 2:
        # every case succeeded (or every case failed): the intercept is infinite
        return SeparationReport(
            "complete",
            ["Intercept"],
            ["sufficient" if codes.size and codes[0] == 1 else "insufficient"],
            len(X),
            list(X.index),
            "Complete separation: every case has the same outcome, so the intercept's "
            "maximum-likelihood estimate is infinite. Use estimator='firth'.",
            {"Intercept": 1 if codes.size and codes[0] == 1 else -1},
        )
    d = separating_direction(codes, Xe.to_numpy(dtype=float), 2)
    if d is None:
        return not_separated()
    fr = frame.iloc[rows] if frame is not None else None
    rep = _report(
        d,
        codes,
        Xe,
        ["insufficient", "sufficient"],
        levels or {},
        fr,
        "has cases judged",
    )
    # express the cut-point direction as the intercept's (zeta = -intercept)
    directions = dict(rep.directions)
    cut = directions.pop("insufficient|sufficient", None)
    if cut is not None:
        directions["Intercept"] = -cut
    # slope directions: with zeta = -intercept the binomial logit is intercept + x'b where
    # P(success) = 1 - F(zeta - x'beta) = F(x'beta - zeta): the same sign as beta
    return SeparationReport(
        rep.kind, rep.terms, rep.categories, rep.n_rows, rep.rows, rep.message, directions
    )


@dataclass
class BinomialSeparation:
    """Exact separation check of a binomial logit model (see :func:`binomial_separation`).

    Attributes
    ----------
    separated
        Whether the maximum-likelihood estimate fails to exist (complete or
        quasi-complete separation).
    direction
        A direction of the coefficients (columns of ``X``) along which the
        log-likelihood rises for ever, or ``None``.
    infinite_up, infinite_down
        Per coefficient: whether some such direction moves it towards ``+inf`` /
        ``-inf`` (the likelihood's supremum is approached with that coefficient
        unbounded). brglm2 / detectseparation report one direction, whose non-zero
        components are a subset of these.
    """

    separated: bool
    direction: np.ndarray | None
    infinite_up: np.ndarray
    infinite_down: np.ndarray


def binomial_separation(k: np.ndarray, n: np.ndarray, X: np.ndarray) -> BinomialSeparation:
    """Which coefficients of a binomial logit model have infinite ML estimates.

    The ``k`` of ``n`` rows are expanded into a success (``y = 1``, when ``k > 0``) and a
    failure (``y = 0``, when ``k < n``) and handed to the one linear-programme
    implementation used for every family,
    :func:`separating_direction` / :func:`unbounded_along`
    with two levels: ``P(Y = 1) = F(x'beta - zeta)``, so the logit slopes are ``beta``
    and the intercept is ``-zeta``. This is the same question as brglm2 /
    detectseparation's ``detect_separation`` (Konis 2007).

    Parameters
    ----------
    k, n
        Successes and trials per row.
    X
        Design matrix whose FIRST column is the intercept (all ones).

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.separation import binomial_separation
    >>> X = np.column_stack([np.ones(6), [1.0, 2, 3, 4, 5, 6]])
    >>> sep = binomial_separation(np.array([0, 0, 0, 1, 1, 1]), np.ones(6), X)
    >>> sep.separated, sep.infinite_up.tolist(), sep.infinite_down.tolist()
    (True, [False, True], [True, False])
    """
    X = np.asarray(X, dtype=float)
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if X.ndim != 2 or not np.all(X[:, 0] == 1.0):
        raise ModelSpecificationError(
            "X must be 2-d with the intercept (all ones) as its first column"
        )
    succ = np.flatnonzero(k > 0)
    fail = np.flatnonzero(k < n)
    rows = np.concatenate((succ, fail))
    y = np.concatenate((np.ones(succ.size, np.intp), np.zeros(fail.size, np.intp)))
    q = X.shape[1]
    if succ.size == 0 or fail.size == 0:
        # only one outcome observed: the intercept alone separates
        up = np.zeros(q, dtype=bool)
        down = np.zeros(q, dtype=bool)
        (up if fail.size == 0 else down)[0] = True
        d = np.zeros(q)
        d[0] = 1.0 if fail.size == 0 else -1.0
        return BinomialSeparation(True, d, up, down)
    Xc = X[rows, 1:]
    # cumulative parameters: [beta (q - 1), zeta]; logit coefficients [-zeta, beta]
    to_cl = list(range(q - 1)) if q > 1 else []
    d_cl = separating_direction(y, Xc, 2)
    up = np.zeros(q, dtype=bool)
    down = np.zeros(q, dtype=bool)
    if d_cl is None:  # the estimate exists: every coefficient is bounded
        return BinomialSeparation(False, None, up, down)
    up[0] = unbounded_along(y, Xc, 2, q - 1, -1)
    down[0] = unbounded_along(y, Xc, 2, q - 1, +1)
    for c, j in enumerate(to_cl, start=1):
        up[c] = unbounded_along(y, Xc, 2, j, +1)
        down[c] = unbounded_along(y, Xc, 2, j, -1)
    direction = None
    if d_cl is not None:
        direction = np.concatenate(([-d_cl[-1]], d_cl[:-1]))
    return BinomialSeparation(d_cl is not None, direction, up, down)


def separation_message(result) -> str | None:
    """Why a fitted model's estimates do not exist (separation), or ``None``.

    Reads the ``separation`` field of the result contract. Used to refuse
    predictions and resampling that would otherwise report intervals around an
    estimate that drifts towards infinity.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.separation import separation_message
    >>> from probstats.models.ordinal.model import _example, fit_ordinal
    >>> df = pd.DataFrame({"rating": ["Inadequate"] * 3 + ["Good"] * 3,
    ...                    "x": [5.0, 6, 7, 1, 2, 3]})
    >>> res = fit_ordinal(df, "rating", ["x"], empty_categories="drop", warn=False)
    >>> separation_message(res).startswith("Complete separation")
    True
    >>> separation_message(_example()) is None
    True
    """
    sep = result.separation
    if not sep.separated:
        return None
    return sep.message or f"{sep.kind} separation"
