"""Statistical models relating staffing to inspection outcomes."""

from probstats.models.binomial.model import BinomialResult, ClusteringWarning, fit_binomial
from probstats.models.ordinal.brant import ProportionalOddsTest, brant_test, proportional_odds_lr_test
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
    DroppedRows,
    MIResult,
    complete_cases,
    impute_chained,
    multiple_imputation,
    rubin_pool,
)
from probstats.models.ordinal.model import (
    OrdinalResult,
    OrdinalSeparationError,
    PolrModel,
    PolrResults,
    SeparationInfo,
    fit_ordinal,
    fit_ordinal_arrays,
    fit_ordinal_formula,
    ordinal_separation,
    separation_message,
)
from probstats.models.inference.power import (
    PowerResult,
    min_detectable_effect,
    power_binomial,
    power_ordinal,
)
from probstats.models.inference.predict import InvalidDrawsWarning, predict_curve, scenario, typical_values
from probstats.models.inference.resampling import (
    MAX_FAILED_SHARE,
    BootstrapFailureWarning,
    BootstrapResult,
    PermutationResult,
    bootstrap,
    bootstrap_model,
    permutation_test,
)
from probstats.models._base import TIDY_COLUMNS, tidy_table
