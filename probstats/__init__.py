"""probstats: probation staffing and HM Inspectorate of Probation inspection outcomes.

Load the cited, validated dataset::

    >>> import probstats
    >>> df = probstats.load_inspections()
    >>> df["overall_rating"].cat.ordered
    True

The subpackages follow the data's way down: :mod:`probstats.dataset` (the cited
tables), :mod:`probstats.official` (official workforce statistics),
:mod:`probstats.extract` (records from publications), :mod:`probstats.models`
(models and inference), :mod:`probstats.report` (tables, figures, the publication).
Each is imported on first use, so ``import probstats`` stays quick::

    >>> callable(probstats.models.fit_ordinal)
    True
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from probstats.dataset.loaders import (
    load_case_measures,
    load_features,
    load_inspections,
    load_panel,
    load_sources,
    load_staffing,
    load_standard_ratings,
    load_units,
)
from probstats.dataset.ratings import RATING_DTYPE, RATINGS, parse_rating, to_rating

_SUBPACKAGES = ("dataset", "official", "extract", "models", "report", "errors")

__all__ = [
    "RATINGS",
    "RATING_DTYPE",
    "__version__",
    "load_case_measures",
    "load_features",
    "load_inspections",
    "load_panel",
    "load_sources",
    "load_staffing",
    "load_standard_ratings",
    "load_units",
    "parse_rating",
    "to_rating",
    *_SUBPACKAGES,
]


def __getattr__(name: str) -> Any:
    # PEP 562: probstats.models (and friends) work after a plain ``import probstats``
    if name in _SUBPACKAGES:
        return importlib.import_module(f"probstats.{name}")
    raise AttributeError(f"module 'probstats' has no attribute {name!r}")
