"""Binomial, quasi-binomial and beta-binomial models of case-sample outcomes."""

from probstats.models.binomial.model import *  # noqa: F403
from probstats.models.binomial.model import __all__
