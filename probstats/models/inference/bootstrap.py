"""Resampling inference for any model: case and region-cluster bootstrap, permutation tests.

Everything works on a ``fit_fn(data) -> pd.Series`` of estimates indexed by term (or a
frame with ``estimate`` and ``std_error`` columns indexed by, or with a column, ``term``;
the standard errors enable studentised intervals and pivotal permutation statistics).
:meth:`BinomialResult.refit_fn` and the ordinal engine's lean refit give such functions.

Resampling is reproducible: pass an integer seed or a ``numpy.random.Generator``; all
resampling indices are drawn before any refit, so a failing refit cannot shift the
random stream. Failed refits (exceptions, non-finite estimates, terms that cannot be
estimated in a resample) are counted and reported, never silently dropped; a
:class:`BootstrapFailureWarning` is emitted when any occur. Failures are rarely random
(a resample that separates the outcome fails, and those are the resamples with the most
extreme estimates), so:

* a bootstrap whose share of failed resamples exceeds ``max_failed_share`` (default
  10%) reports NaN intervals, standard errors and p-values rather than intervals from
  the survivors, which would be too narrow;
* a permutation test counts a failed refit as at least as extreme as the observed
  statistic (a conservative p-value), and refuses to run when the observed statistic
  itself cannot be computed;
* :func:`bootstrap_model` refuses a model whose full-data fit is separated.

A long run shows a tqdm progress bar on a terminal.

With 12 regions the region-cluster bootstrap has few distinct resamples and is itself
approximate; treat its intervals as a check on the cluster-robust ones, not as exact.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from tqdm import TqdmWarning

with warnings.catch_warnings():
    # in Jupyter without ipywidgets tqdm.auto falls back to a text bar; the fallback is
    # fine, its warning on every import is noise in an analyst's notebook
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

from probstats.errors import BootstrapFailureWarning, ModelSpecificationError, ZeroProbabilityError
from probstats.models._base import ModelResult, RowRefit, check_literal
from probstats.models.separation import separation_message

__all__ = [
    "MAX_FAILED_SHARE",
    "BootstrapResult",
    "CIMethod",
    "bootstrap",
    "bootstrap_model",
    "model_fit_fn",
    "resample_clusters",
]

CIMethod = Literal["percentile", "bca", "studentized", "basic", "normal"]
FitFn = Callable[[pd.DataFrame], "pd.Series | pd.DataFrame"]


#: Default largest share of failed resamples for which bootstrap intervals are reported.
MAX_FAILED_SHARE = 0.10


def _call(fit_fn: FitFn, data: pd.DataFrame) -> tuple[pd.Series, pd.Series | None]:
    out = fit_fn(data)
    if isinstance(out, ModelResult):
        out = out.tidy()
    if isinstance(out, pd.DataFrame):
        frame = out.set_index("term") if "term" in out.columns else out
        est = frame["estimate"].astype(float)
        se = frame["std_error"].astype(float) if "std_error" in frame.columns else None
        return est, se
    if isinstance(out, pd.Series):
        return out.astype(float), None
    if isinstance(out, dict):
        return pd.Series(out, dtype=float), None
    raise ModelSpecificationError(
        "fit_fn must return a pandas Series of estimates or a frame with 'estimate' "
        f"(and optionally 'std_error'); got {type(out).__name__}"
    )


def _progress(total: int, show: bool | None, desc: str):
    return tqdm(total=total, disable=(None if show is None else not show), desc=desc, leave=False)


def resample_clusters(
    data: pd.DataFrame,
    cluster: str,
    rng: np.random.Generator,
    *,
    relabel: bool = True,
) -> pd.DataFrame:
    """One cluster-bootstrap sample: draw clusters with replacement, keep all their rows.

    With ``relabel`` a cluster drawn twice gets distinct labels (``"London#0"``,
    ``"London#1"``) so that a model using the clusters treats the copies as the
    independent draws they are.
    """
    codes, uniq = pd.factorize(data[cluster], sort=True)
    rows = [np.flatnonzero(codes == g) for g in range(len(uniq))]
    draw = rng.integers(0, len(uniq), len(uniq))
    return _assemble_clusters(data, cluster, rows, uniq, draw, relabel)


def _assemble_clusters(data, cluster, rows, uniq, draw, relabel):
    idx = np.concatenate([rows[g] for g in draw])
    out = data.iloc[idx].copy()
    if relabel:
        seen: Counter = Counter()
        labels = []
        for g in draw:
            labels += [f"{uniq[g]}#{seen[g]}"] * len(rows[g])
            seen[g] += 1
        out[cluster] = pd.Series(labels, index=out.index, dtype=object)
    return out.reset_index(drop=True)


@dataclass
class BootstrapResult:
    """Bootstrap distribution of a model's estimates.

    Attributes
    ----------
    estimate
        Estimates on the original data.
    replicates
        Successful replicates (rows) by term (columns).
    failures
        One row per failed refit: ``replicate``, ``error``.
    warnings_seen
        Count of warning messages raised inside refits (by category and first line).
    kind
        ``"case"`` or ``"cluster"``.
    max_failed_share
        Largest share of failed resamples for which intervals are reported; above it
        (:attr:`too_many_failures`) intervals, standard errors and p-values are NaN.
    """

    estimate: pd.Series
    replicates: pd.DataFrame
    failures: pd.DataFrame
    kind: str
    n_resamples: int
    conf_level: float
    std_error: pd.Series | None = None
    replicate_se: pd.DataFrame | None = None
    warnings_seen: pd.Series = field(default_factory=lambda: pd.Series(dtype=int))
    _data: pd.DataFrame | None = field(default=None, repr=False)
    _fit_fn: FitFn | None = field(default=None, repr=False)
    _cluster: str | None = field(default=None, repr=False)
    _jack: pd.DataFrame | None = field(default=None, repr=False)
    n_clusters: int | None = None
    max_failed_share: float = MAX_FAILED_SHARE

    @property
    def n_failed(self) -> int:
        return len(self.failures)

    @property
    def failed_share(self) -> float:
        """Share of resamples whose refit failed."""
        return self.n_failed / self.n_resamples if self.n_resamples else 0.0

    @property
    def too_many_failures(self) -> bool:
        """More resamples failed than ``max_failed_share`` allows: no intervals."""
        return self.failed_share > self.max_failed_share

    def failure_message(self) -> str:
        """Why intervals are withheld (empty when they are not)."""
        if not self.too_many_failures:
            return ""
        common = self.failures["error"].value_counts().index[0] if self.n_failed else ""
        return (
            f"{self.n_failed} of {self.n_resamples} bootstrap refits failed "
            f"({self.failed_share:.0%}, more than the {self.max_failed_share:.0%} allowed by "
            f"max_failed_share); most common: {common}. Failed resamples are typically the "
            "most extreme (e.g. separated), so intervals from the survivors would be "
            "misleadingly narrow: intervals, standard errors and p-values are NaN"
        )

    @property
    def bootstrap_se(self) -> pd.Series:
        """Standard deviation of the replicates (NaN when too many refits failed)."""
        se = self.replicates.std(ddof=1)
        return se * np.nan if self.too_many_failures else se

    def jackknife(self) -> pd.DataFrame:
        """Leave-one-out (or leave-one-cluster-out) estimates, computed once, for BCa."""
        if self._jack is None:
            if self._data is None or self._fit_fn is None:
                raise ModelSpecificationError("BCa needs the data and fit function")
            d = self._data
            if self._cluster is None:
                subsets = (d.drop(index=d.index[i]) for i in range(len(d)))
                n = len(d)
            else:
                labels = pd.unique(d[self._cluster])
                subsets = (d[d[self._cluster] != g] for g in labels)
                n = len(labels)
            rows = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for sub in subsets:
                    try:
                        est, _ = _call(self._fit_fn, sub)
                        rows.append(est.reindex(self.estimate.index))
                    except Exception:  # a failed leave-out fit cannot inform acceleration
                        rows.append(pd.Series(np.nan, index=self.estimate.index))
            self._jack = pd.DataFrame(rows).reset_index(drop=True)
            if self._jack.isna().any(axis=None):
                warnings.warn(
                    f"{int(self._jack.isna().any(axis=1).sum())} of {n} jackknife fits failed; "
                    "BCa acceleration uses the rest",
                    BootstrapFailureWarning,
                    stacklevel=2,
                )
        return self._jack

    def conf_int(
        self, method: CIMethod = "percentile", conf_level: float | None = None
    ) -> pd.DataFrame:
        """Bootstrap confidence intervals, one row per term.

        ``percentile``; ``bca`` (bias-corrected and accelerated, acceleration from the
        jackknife at the resampling unit); ``studentized`` (bootstrap-t; needs standard
        errors from ``fit_fn``); ``basic``; ``normal`` (estimate +- z * bootstrap SE).
        NaN when more resamples failed than ``max_failed_share`` allows.
        """
        check_literal(method, CIMethod, "method")
        level = self.conf_level if conf_level is None else conf_level
        if self.too_many_failures:
            nan = np.full(len(self.estimate), np.nan)
            return pd.DataFrame(
                {"term": self.estimate.index, "conf_low": nan, "conf_high": nan.copy()}
            )
        alpha = 1 - level
        reps = self.replicates
        est = self.estimate
        lo_q, hi_q = alpha / 2, 1 - alpha / 2
        if method == "percentile":
            low, high = reps.quantile(lo_q), reps.quantile(hi_q)
        elif method == "basic":
            low, high = 2 * est - reps.quantile(hi_q), 2 * est - reps.quantile(lo_q)
        elif method == "normal":
            z = stats.norm.ppf(hi_q)
            se = self.bootstrap_se
            low, high = est - z * se, est + z * se
        elif method == "studentized":
            if self.std_error is None or self.replicate_se is None:
                raise ModelSpecificationError(
                    "studentized intervals need fit_fn to return std_error as well"
                )
            t = (reps - est) / self.replicate_se
            t = t.replace([np.inf, -np.inf], np.nan)
            low = est - t.quantile(hi_q) * self.std_error
            high = est - t.quantile(lo_q) * self.std_error
        else:
            jack = self.jackknife()
            low, high = {}, {}
            for term in est.index:
                r = reps[term].dropna().to_numpy()
                prop = (np.sum(r < est[term]) + 0.5 * np.sum(r == est[term])) / len(r)
                z0 = stats.norm.ppf(np.clip(prop, 1 / (len(r) + 1), len(r) / (len(r) + 1)))
                j = jack[term].dropna().to_numpy()
                d = j.mean() - j
                den = 6 * (np.sum(d**2)) ** 1.5
                a = np.sum(d**3) / den if den > 0 else 0.0
                zs = stats.norm.ppf([lo_q, hi_q])
                adj = stats.norm.cdf(z0 + (z0 + zs) / (1 - a * (z0 + zs)))
                ql, qh = np.quantile(r, adj)
                low[term], high[term] = ql, qh
            low, high = pd.Series(low), pd.Series(high)
        return pd.DataFrame(
            {
                "term": est.index,
                "conf_low": low.reindex(est.index).to_numpy(),
                "conf_high": high.reindex(est.index).to_numpy(),
            }
        )

    def tidy(
        self, method: CIMethod = "percentile", conf_level: float | None = None
    ) -> pd.DataFrame:
        """``term, estimate, std_error`` (bootstrap SD), ``statistic`` (estimate / SE),
        ``p_value`` (two-sided, from inverting the percentile interval at 0, at least
        1/(B+1)), ``conf_low, conf_high`` (by ``method``), plus ``bias`` and ``n_boot``.
        All but the estimate are NaN when more resamples failed than
        ``max_failed_share`` allows."""
        ci = self.conf_int(method, conf_level).set_index("term")
        se = self.bootstrap_se.reindex(self.estimate.index)
        reps = self.replicates
        B = reps.notna().sum()
        p = 2 * np.minimum((reps <= 0).sum(), (reps >= 0).sum()) / B
        p = np.clip(np.maximum(p, 1 / (B + 1)), 0, 1)
        bias = reps.mean() - self.estimate
        if self.too_many_failures:
            p, bias = p * np.nan, bias * np.nan
        return pd.DataFrame(
            {
                "term": self.estimate.index,
                "estimate": self.estimate.to_numpy(),
                "std_error": se.to_numpy(),
                "statistic": (self.estimate / se).to_numpy(),
                "p_value": p.reindex(self.estimate.index).to_numpy(),
                "conf_low": ci["conf_low"].to_numpy(),
                "conf_high": ci["conf_high"].to_numpy(),
                "bias": bias.reindex(self.estimate.index).to_numpy(),
                "n_boot": B.reindex(self.estimate.index).to_numpy(),
            }
        )

    def glance(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "kind": [self.kind],
                "n_resamples": [self.n_resamples],
                "n_failed": [self.n_failed],
                "failed_share": [self.failed_share],
                "intervals_reported": [not self.too_many_failures],
                "n_clusters": [self.n_clusters],
                "n_warned": [int(self.warnings_seen.sum())],
            }
        )


def _run_refits(fit_fn, datasets, terms, show, desc):
    """Refit on each dataset; collect estimates, SEs, failures and warnings."""
    ests, ses, fails = [], [], []
    seen: Counter = Counter()
    bar = _progress(len(datasets) if hasattr(datasets, "__len__") else None, show, desc)
    for b, d in enumerate(datasets):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                est, se = _call(fit_fn, d() if callable(d) else d)
                est = est.reindex(terms)
                if not np.all(np.isfinite(est.to_numpy())):
                    bad = est.index[~np.isfinite(est.to_numpy())].tolist()
                    raise ZeroProbabilityError(f"non-finite or missing estimate for {bad}")
            except Exception as exc:  # recorded and reported, not hidden
                fails.append({"replicate": b, "error": f"{type(exc).__name__}: {exc}"})
                est, se = None, None
        for w in caught:
            seen[f"{w.category.__name__}: {str(w.message).splitlines()[0][:120]}"] += 1
        if est is not None:
            ests.append(est.rename(b))
            ses.append(None if se is None else se.reindex(terms).rename(b))
        bar.update(1)
    bar.close()
    return ests, ses, fails, seen


def _run_row_refits(fit_fn: RowRefit, positions, terms, show, desc):
    """The fast path of :func:`_run_refits`: refits on row positions, arrays throughout."""
    ests, fails = [], []
    bar = _progress(len(positions), show, desc)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for b, pos in enumerate(positions):
            try:
                est = np.asarray(fit_fn.rows(pos), dtype=float)
                if not np.all(np.isfinite(est)):
                    bad = [t for t, v in zip(terms, est, strict=True) if not np.isfinite(v)]
                    raise ZeroProbabilityError(f"non-finite or missing estimate for {bad}")
                ests.append(pd.Series(est, index=terms, name=b))
            except Exception as exc:  # recorded and reported, not hidden
                fails.append({"replicate": b, "error": f"{type(exc).__name__}: {exc}"})
            bar.update(1)
    bar.close()
    seen: Counter = Counter(
        f"{w.category.__name__}: {str(w.message).splitlines()[0][:120]}" for w in caught
    )
    return ests, [None] * len(ests), fails, seen


def bootstrap(
    data: pd.DataFrame,
    fit_fn: FitFn,
    *,
    n_resamples: int = 999,
    cluster: str | None = None,
    relabel_clusters: bool = True,
    conf_level: float = 0.95,
    seed: int | np.random.Generator | None = None,
    progress: bool | None = None,
    max_failed_share: float = MAX_FAILED_SHARE,
) -> BootstrapResult:
    """Case or cluster bootstrap of any model.

    Parameters
    ----------
    data
        The analysis frame (complete cases; e.g. ``result.data`` of a fitted model).
    fit_fn
        ``fit_fn(data) -> pd.Series`` of estimates by term, or a frame with ``estimate``
        and ``std_error`` (enables ``studentized`` intervals).
    n_resamples
        Number of bootstrap resamples.
    cluster
        Column to resample whole clusters of (e.g. ``"region"``); ``None`` resamples rows.
    relabel_clusters
        Give repeated draws of one cluster distinct labels (see :func:`resample_clusters`).
    conf_level
        Default level for :meth:`BootstrapResult.conf_int`.
    seed
        Integer seed or ``numpy.random.Generator``.
    progress
        ``True``/``False`` to force the progress bar on/off; ``None`` shows it on a terminal.
    max_failed_share
        Largest share of failed refits (0-1) for which intervals are reported; above
        it the result's intervals, standard errors and p-values are NaN and a
        :class:`BootstrapFailureWarning` gives the share. The failures stay in
        ``failures`` either way.

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.models.inference.resampling import bootstrap
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"y": rng.normal(size=50)})
    >>> res = bootstrap(df, lambda d: pd.Series({"mean": d["y"].mean()}), n_resamples=200,
    ...                 seed=2, progress=False)
    >>> bool(abs(res.bootstrap_se["mean"] - df["y"].std() / np.sqrt(50)) < 0.03)
    True
    """
    if n_resamples < 2:
        raise ModelSpecificationError("n_resamples must be at least 2")
    if not 0 <= max_failed_share <= 1:
        raise ModelSpecificationError(
            f"max_failed_share={max_failed_share!r} must be a share between 0 and 1"
        )
    rng = np.random.default_rng(seed)
    est, se = _call(fit_fn, data)
    terms = est.index
    # a model's own refit on positions of its model frame skips building data frames
    by_rows = isinstance(fit_fn, RowRefit) and data.index.equals(fit_fn.index)
    if cluster is not None:
        if cluster not in data.columns:
            raise ModelSpecificationError(f"cluster column {cluster!r} not in data")
        if data[cluster].isna().any():
            raise ModelSpecificationError(
                f"{int(data[cluster].isna().sum())} row(s) have no {cluster}; drop or assign "
                "them before a cluster bootstrap"
            )
        codes, uniq = pd.factorize(data[cluster], sort=True)
        G = len(uniq)
        if G < 2:
            raise ModelSpecificationError("a cluster bootstrap needs at least 2 clusters")
        rows = [np.flatnonzero(codes == g) for g in range(G)]
        draws = rng.integers(0, G, size=(n_resamples, G))
        if by_rows:
            datasets = [np.concatenate([rows[g] for g in dr]) for dr in draws]
        else:
            datasets = [
                (lambda dr=dr: _assemble_clusters(data, cluster, rows, uniq, dr, relabel_clusters))
                for dr in draws
            ]
    else:
        G = None
        idx = rng.integers(0, len(data), size=(n_resamples, len(data)))
        datasets = (
            list(idx)
            if by_rows
            else [(lambda ix=ix: data.iloc[ix].reset_index(drop=True)) for ix in idx]
        )
    refits = _run_row_refits if by_rows else _run_refits
    ests, ses, fails, seen = refits(
        fit_fn, datasets, terms, progress, f"{cluster or 'case'} bootstrap"
    )
    reps = pd.DataFrame(ests, columns=terms) if ests else pd.DataFrame(columns=terms)
    rep_se = None
    if se is not None and ses and all(s is not None for s in ses):
        rep_se = pd.DataFrame(ses, columns=terms)
    failures = pd.DataFrame(fails, columns=["replicate", "error"])
    share = len(failures) / n_resamples
    if len(failures) and share <= max_failed_share:  # above it: warned by the result below
        common = failures["error"].value_counts().index[0]
        warnings.warn(
            f"{len(failures)} of {n_resamples} bootstrap refits failed ({share:.0%}); "
            f"most common: {common}. Intervals use the {len(reps)} successful refits"
            + (
                "; failures are unlikely to be random (e.g. separation), so treat the "
                "intervals as optimistic"
                if share > 0.05
                else ""
            ),
            BootstrapFailureWarning,
            stacklevel=2,
        )
    if len(reps) < 2 and share <= max_failed_share:
        raise ModelSpecificationError(f"only {len(reps)} bootstrap refits succeeded")
    out = BootstrapResult(
        estimate=est,
        replicates=reps.reset_index(drop=True),
        failures=failures,
        kind="cluster" if cluster else "case",
        n_resamples=n_resamples,
        conf_level=conf_level,
        std_error=se,
        replicate_se=rep_se,
        warnings_seen=pd.Series(seen, dtype=int),
        _data=data,
        _fit_fn=fit_fn,
        _cluster=cluster,
        n_clusters=G,
        max_failed_share=max_failed_share,
    )
    if out.too_many_failures:
        warnings.warn(out.failure_message(), BootstrapFailureWarning, stacklevel=2)
    return out


def model_fit_fn(result: ModelResult) -> FitFn:
    """The lean refit function of a fitted probstats model (``result.refit_fn()``).

    Raises
    ------
    ModelSpecificationError
        If ``result`` does not satisfy the model-result contract.
    """
    if not isinstance(result, ModelResult):
        raise ModelSpecificationError(
            f"a {type(result).__name__} is not a probstats model result; pass fit_fn to "
            "bootstrap() instead"
        )
    return result.refit_fn()


def bootstrap_model(
    result,
    *,
    cluster: str | None = None,
    n_resamples: int = 999,
    conf_level: float | None = None,
    seed: int | np.random.Generator | None = None,
    progress: bool | None = None,
    data: pd.DataFrame | None = None,
    max_failed_share: float = MAX_FAILED_SHARE,
) -> BootstrapResult:
    """Bootstrap a fitted model on its own complete-case data.

    ``cluster="region"`` gives the region-cluster bootstrap recommended alongside
    cluster-robust standard errors with 12 regions. When the model frame does not keep
    the cluster column (the ordinal engine keeps only outcome and predictors), pass the
    original ``data``: the cluster column is joined on the model frame's index.
    ``max_failed_share`` is as in :func:`bootstrap`: with more failed resamples than
    that, intervals are NaN (the failures frame says why).

    Raises
    ------
    ModelSpecificationError
        The full-data fit is separated (its estimates do not exist, so there is
        nothing to bootstrap), did not converge, or has non-finite standard errors.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.models.inference.resampling import bootstrap_model
    >>> from probstats.models.binomial.model import fit_binomial
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=48), "n": 20,
    ...                    "region": np.repeat(list("ABCDEFGHIJKL"), 4)})
    >>> df["k"] = rng.binomial(20, 0.5, 48)
    >>> res = fit_binomial(df, "k", ["x"], trials="n", outcome_scale="count", warn=False)
    >>> boot = bootstrap_model(res, cluster="region", n_resamples=50, seed=1, progress=False)
    >>> boot.n_clusters
    12
    """
    fit_fn = model_fit_fn(result)
    sep = separation_message(result)
    if sep is not None:
        raise ModelSpecificationError(
            "cannot bootstrap a model whose full-data fit is separated: its estimates do "
            "not exist (they drift towards infinity), so resampled estimates have nothing "
            f"to estimate and most resamples are separated too. {sep}"
        )
    if not result.estimable:
        raise ModelSpecificationError(
            "cannot bootstrap a model whose full-data fit has no usable estimates (it did "
            "not converge or some standard errors are not finite); resampling it would "
            "describe the optimiser, not the data. Notes: " + "; ".join(result.notes)
        )
    frame = result.data
    if cluster is not None and cluster not in frame.columns:
        if data is None or cluster not in data.columns:
            raise ModelSpecificationError(
                f"the model frame has no {cluster!r} column; pass data= (the frame the model "
                "was fitted on) so that it can be joined by index"
            )
        frame = frame.join(data[[cluster]], how="left")
    level = conf_level if conf_level is not None else result.conf_level
    return bootstrap(
        frame,
        fit_fn,
        n_resamples=n_resamples,
        cluster=cluster,
        conf_level=level,
        seed=seed,
        progress=progress,
        max_failed_share=max_failed_share,
    )
