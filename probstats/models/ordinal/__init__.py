"""Proportional-odds (cumulative link) models of the ordered inspection rating."""

from probstats.models.ordinal.brant import (
    ProportionalOddsTest,
    brant_test,
    proportional_odds_lr_test,
)
from probstats.models.ordinal.model import *  # noqa: F403
from probstats.models.ordinal.model import __all__ as _model_all

__all__ = [*_model_all, "ProportionalOddsTest", "brant_test", "proportional_odds_lr_test"]
