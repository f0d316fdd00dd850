"""Resampling inference for any model: the bootstrap and permutation tests in one place.

:mod:`probstats.models.inference.bootstrap` (case and region-cluster bootstrap) and
:mod:`probstats.models.inference.permutation` (permutation tests) hold the code;
this module gathers their public names.
"""

from probstats.models.inference.bootstrap import (
    MAX_FAILED_SHARE,
    BootstrapResult,
    CIMethod,
    bootstrap,
    bootstrap_model,
    model_fit_fn,
    resample_clusters,
)
from probstats.models.inference.permutation import PermutationResult, permutation_test

__all__ = [
    "MAX_FAILED_SHARE",
    "BootstrapResult",
    "CIMethod",
    "PermutationResult",
    "bootstrap",
    "bootstrap_model",
    "model_fit_fn",
    "permutation_test",
    "resample_clusters",
]
