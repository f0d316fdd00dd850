"""What every model family shares: the result contract, options, design matrix, tidy tables.

* :class:`ModelResult` is the protocol every fitted model satisfies (ordinal,
  binomial, change, contextual), so generic code (predictions, resampling, power,
  the analysis specifications) never asks what class a result is. Its
  ``separation`` field is a :class:`~probstats.models.separation.SeparationReport`
  in every family.
* :func:`check_literal` validates ``Literal`` options with a message listing the
  allowed values.
* :func:`design_matrix` is the one design matrix: numeric predictors as they are,
  categorical ones as treatment dummies ``name[level]``; new data with a level not
  seen when fitting, a missing category or a non-finite value is refused by name.
* :func:`complete_cases` drops incomplete rows and reports each one.
* :func:`tidy_table` builds broom-style tables (``term, estimate, std_error,
  statistic, p_value, conf_low, conf_high``); :func:`safe_inverse` inverts an
  information matrix; :func:`typical_values` fixes covariates for predictions.
"""

from probstats.models._base.contract import (
    GLANCE_COLUMNS,
    TIDY_COLUMNS,
    Alternative,
    ConfMethod,
    Estimator,
    ModelResult,
    RowRefit,
    Typical,
    check_literal,
    cut_names,
)
from probstats.models._base.design import (
    MAX_CONDITION,
    DroppedRows,
    collinearity_problem,
    complete_cases,
    design_matrix,
    is_categorical,
    outcome_categorical,
    typical_values,
)
from probstats.models._base.tidy import safe_inverse, tidy_table

__all__ = [
    "GLANCE_COLUMNS",
    "MAX_CONDITION",
    "TIDY_COLUMNS",
    "Alternative",
    "ConfMethod",
    "DroppedRows",
    "Estimator",
    "ModelResult",
    "RowRefit",
    "Typical",
    "check_literal",
    "collinearity_problem",
    "complete_cases",
    "cut_names",
    "design_matrix",
    "is_categorical",
    "outcome_categorical",
    "safe_inverse",
    "tidy_table",
    "typical_values",
]
