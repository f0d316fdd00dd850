"""The cumulative link model as a statsmodels likelihood model (``summary()``, ``t_test`` ...).

MASS::polr's parameterisation with the analytic likelihood of
:mod:`probstats.models.ordinal.likelihood`; :func:`~probstats.models.ordinal.model.
fit_ordinal` builds one and wraps its results.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import statsmodels.base.wrapper as wrap
import statsmodels.regression.linear_model as lm
from scipy import stats
from statsmodels.base.model import (
    GenericLikelihoodModel,
    GenericLikelihoodModelResults,
    LikelihoodModelResults,
)

from probstats.errors import ModelSpecificationError
from probstats.models._base import cut_names, safe_inverse
from probstats.models.ordinal.likelihood import CumulativeLink, probabilities

__all__ = ["PolrModel", "PolrResults"]

Link = Literal["logit", "probit"]


class PolrModel(GenericLikelihoodModel):
    """Cumulative link model in MASS::polr's parameterisation, as a statsmodels model.

    Parameters are the coefficients followed by the cut-points ``zeta`` (named
    ``"lower|upper"``). ``loglike``, ``score`` and ``hessian`` are analytic;
    :meth:`fit` uses Newton's method. Usually built by :func:`fit_ordinal`.

    Parameters
    ----------
    endog
        Integer category codes ``0..K-1``.
    exog
        Design (no intercept), a DataFrame for named coefficients.
    categories
        Labels of the ``K`` ordered categories.
    link
        ``"logit"`` or ``"probit"``.
    weights
        Optional frequency (case) weights.
    """

    def __init__(
        self,
        endog,
        exog,
        *,
        categories: Sequence[object],
        link: Link = "logit",
        weights: np.ndarray | None = None,
        **kwds,
    ) -> None:
        self.link = link
        self.labels = list(categories)
        self.k_levels = len(self.labels)
        super().__init__(endog, exog, extra_params_names=cut_names(self.labels), **kwds)
        self.k_vars = int(np.asarray(self.exog).shape[1])
        self.k_extra = self.k_levels - 1
        self.k_constant = 0
        self.df_model = float(self.k_vars)
        self._lik = CumulativeLink(
            np.asarray(self.endog, dtype=np.intp),
            np.asarray(self.exog, dtype=float),
            self.k_levels,
            link,
            weights=weights,
        )
        # frequency weights count as repeated rows (as polr and clm count them)
        self.nobs = float(self._lik.w.sum()) if weights is not None else len(self.endog)
        self.df_resid = float(self.nobs - self.k_vars - self.k_extra)

    @property
    def start_params(self) -> np.ndarray:
        return self._lik.start()

    def loglike(self, params) -> float:
        return self._lik.loglike(np.asarray(params, dtype=float))

    def loglikeobs(self, params) -> np.ndarray:
        return self._lik.loglikeobs(np.asarray(params, dtype=float))

    def score(self, params) -> np.ndarray:
        return self._lik.score(np.asarray(params, dtype=float))

    def score_obs(self, params) -> np.ndarray:
        return self._lik.score_obs(np.asarray(params, dtype=float))

    def hessian(self, params) -> np.ndarray:
        return self._lik.hessian(np.asarray(params, dtype=float))

    def information(self, params) -> np.ndarray:
        return -self.hessian(params)

    def predict(self, params, exog=None, *args, **kwargs) -> np.ndarray:
        """Category probabilities (``n x K``) for ``exog`` (default: the fitted rows)."""
        X = self.exog if exog is None else np.asarray(exog, dtype=float)
        return probabilities(
            np.asarray(params, dtype=float), np.atleast_2d(X), self.k_levels, self.link
        )

    def fit(
        self,
        start_params=None,
        method: str = "newton",
        maxiter: int = 100,
        tol: float = 1e-6,
        disp: bool = False,
        **kwargs,
    ):
        """Newton's method with the analytic Hessian; returns a :class:`PolrResults`.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from probstats.models.ordinal.model import PolrModel
        >>> y = np.array([0, 0, 1, 1, 2, 2, 1, 0, 2, 1])
        >>> x = pd.DataFrame({"x": [0.1, 0.5, 0.2, 1.0, 1.5, 0.9, 0.4, 0.8, 2.0, 0.3]})
        >>> res = PolrModel(y, x, categories=["low", "mid", "high"]).fit()
        >>> list(res.params.index)
        ['x', 'low|mid', 'mid|high']
        """
        if method != "newton":
            raise ModelSpecificationError("PolrModel.fit supports method='newton' only")
        start = self.start_params if start_params is None else np.asarray(start_params, float)
        sol = self._lik.newton(start, tol=tol, max_iter=maxiter)
        return self.results(
            sol.params,
            safe_inverse(-sol.hessian),
            converged=sol.converged,
            n_iter=sol.n_iter,
            gradient=sol.gradient,
            optimizer="newton",
        )

    def results(
        self,
        params: np.ndarray,
        cov: np.ndarray,
        *,
        converged: bool,
        n_iter: int,
        gradient: np.ndarray,
        optimizer: str,
    ):
        """Wrap estimates found elsewhere (e.g. a penalised fit) as statsmodels results."""
        mlefit = LikelihoodModelResults(self, params, normalized_cov_params=cov, scale=1.0)
        mlefit.mle_retvals = {
            "converged": converged,
            "iterations": n_iter,
            "fopt": -self.loglike(params),
            "gopt": gradient,
        }
        mlefit.mle_settings = {"optimizer": optimizer}
        with warnings.catch_warnings():
            # statsmodels counts rows for nobs; with frequency weights nobs is their sum
            # (as polr and clm), so its consistency check would misfire
            warnings.filterwarnings("ignore", "df_resid differs", UserWarning)
            res = PolrResults(self, mlefit)
        res.nobs = self.nobs
        res.hasconst = 0
        return PolrResultsWrapper(res)


class PolrResults(GenericLikelihoodModelResults):
    """statsmodels results of a :class:`PolrModel` (adds the null log-likelihood)."""

    @property
    def llnull(self) -> float:
        """Log-likelihood of the model with cut-points only (closed form)."""
        lik = self.model._lik
        counts = np.bincount(
            np.asarray(self.model.endog, dtype=np.intp),
            weights=lik.w if lik.weighted else None,
            minlength=self.model.k_levels,
        )
        counts = counts[counts > 0]
        return float(np.sum(counts * np.log(counts / counts.sum())))

    @property
    def prsquared(self) -> float:
        """McFadden's pseudo-R-squared ``1 - llf / llnull``."""
        return 1 - self.llf / self.llnull

    @property
    def llr(self) -> float:
        """Likelihood-ratio statistic against the cut-points-only model."""
        return -2 * (self.llnull - self.llf)

    @property
    def llr_pvalue(self) -> float:
        return float(stats.chi2.sf(self.llr, self.model.k_vars))


class PolrResultsWrapper(lm.RegressionResultsWrapper):
    pass


wrap.populate_wrapper(PolrResultsWrapper, PolrResults)
