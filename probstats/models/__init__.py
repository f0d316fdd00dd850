"""Statistical models relating staffing to inspection outcomes.

Every fitted model satisfies one contract (:class:`ModelResult`: ``params``,
``cov_params()``, ``tidy()``, ``glance()``, ``augment()``, ``predict_proba()``,
``separation``, ``refit_fn()``), so the inference tools below work on any of them.

* families: :func:`fit_ordinal` (the rating), :func:`fit_binomial` (k of n cases),
  :func:`fit_change` (repeat inspections), :func:`fit_contextual` (region-level
  predictors);
* exact separation checks for every family (:mod:`probstats.models.separation`);
* inference: predictions and scenarios, bootstrap and permutation tests, simulation
  power, missing data (:mod:`probstats.models.inference`).

Associations estimated here are not causal effects of staffing.
"""

from probstats.errors import (
    BootstrapFailureWarning,
    ClusteringWarning,
    InvalidDrawsWarning,
    OrdinalSeparationError,
)
from probstats.models._base import (
    GLANCE_COLUMNS,
    TIDY_COLUMNS,
    DroppedRows,
    ModelResult,
    complete_cases,
    tidy_table,
    typical_values,
)
from probstats.models.binomial import BinomialResult, betabinomial_loglik, fit_binomial
from probstats.models.change import (
    ChangeResult,
    add_changes,
    direction_agreement,
    fit_change,
    mcnemar_change,
    sign_test,
)
from probstats.models.contextual import (
    attach_region_covariates,
    covariate_levels,
    fit_contextual,
    within_between,
)
from probstats.models.inference.missing import (
    MIResult,
    impute_chained,
    multiple_imputation,
    rubin_pool,
)
from probstats.models.inference.permutation_lr import permutation_test_model
from probstats.models.inference.power import (
    PowerResult,
    min_detectable_effect,
    power_binomial,
    power_ordinal,
)
from probstats.models.inference.predict import predict_curve, scenario
from probstats.models.inference.resampling import (
    MAX_FAILED_SHARE,
    BootstrapResult,
    PermutationResult,
    bootstrap,
    bootstrap_model,
    permutation_test,
)
from probstats.models.ordinal import (
    OrdinalResult,
    PolrModel,
    PolrResults,
    ProportionalOddsTest,
    brant_test,
    fit_ordinal,
    fit_ordinal_arrays,
    fit_ordinal_formula,
    ordinal_separation,
    proportional_odds_lr_test,
)
from probstats.models.separation import SeparationReport, separation_message

__all__ = [
    "GLANCE_COLUMNS",
    "MAX_FAILED_SHARE",
    "TIDY_COLUMNS",
    "BinomialResult",
    "BootstrapFailureWarning",
    "BootstrapResult",
    "ChangeResult",
    "ClusteringWarning",
    "DroppedRows",
    "InvalidDrawsWarning",
    "MIResult",
    "ModelResult",
    "OrdinalResult",
    "OrdinalSeparationError",
    "PermutationResult",
    "PolrModel",
    "PolrResults",
    "PowerResult",
    "ProportionalOddsTest",
    "SeparationReport",
    "add_changes",
    "attach_region_covariates",
    "betabinomial_loglik",
    "bootstrap",
    "bootstrap_model",
    "brant_test",
    "complete_cases",
    "covariate_levels",
    "direction_agreement",
    "fit_binomial",
    "fit_change",
    "fit_contextual",
    "fit_ordinal",
    "fit_ordinal_arrays",
    "fit_ordinal_formula",
    "impute_chained",
    "mcnemar_change",
    "min_detectable_effect",
    "multiple_imputation",
    "ordinal_separation",
    "permutation_test",
    "permutation_test_model",
    "power_binomial",
    "power_ordinal",
    "predict_curve",
    "proportional_odds_lr_test",
    "rubin_pool",
    "scenario",
    "separation_message",
    "sign_test",
    "tidy_table",
    "typical_values",
    "within_between",
]
