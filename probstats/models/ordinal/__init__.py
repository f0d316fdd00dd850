"""Proportional-odds (cumulative link) models of the ordered inspection rating.

``model`` fits (:func:`fit_ordinal`), ``results`` holds :class:`OrdinalResult`,
``likelihood`` the analytic cumulative link likelihood, ``profile`` the
profile-likelihood limits, ``brant`` the tests of proportional odds.
"""

from probstats.models.ordinal.brant import (
    ProportionalOddsTest,
    brant_test,
    proportional_odds_lr_test,
)
from probstats.models.ordinal.model import (
    PolrModel,
    PolrResults,
    fit_ordinal,
    fit_ordinal_arrays,
    fit_ordinal_formula,
    ordinal_separation,
)
from probstats.models.ordinal.results import OrdinalResult

__all__ = [
    "OrdinalResult",
    "PolrModel",
    "PolrResults",
    "ProportionalOddsTest",
    "brant_test",
    "fit_ordinal",
    "fit_ordinal_arrays",
    "fit_ordinal_formula",
    "ordinal_separation",
    "proportional_odds_lr_test",
]
