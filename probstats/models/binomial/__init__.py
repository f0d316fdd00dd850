"""Binomial, quasi-binomial and beta-binomial models of case-sample outcomes.

``model`` fits (:func:`fit_binomial`), ``results`` holds :class:`BinomialResult`,
``likelihood`` the beta-binomial and random-intercept likelihoods.
"""

from probstats.models.binomial.likelihood import betabinomial_loglik
from probstats.models.binomial.model import Family, RegionEffect, fit_binomial
from probstats.models.binomial.results import BinomialResult

__all__ = ["BinomialResult", "Family", "RegionEffect", "betabinomial_loglik", "fit_binomial"]
