"""probstats: probation staffing and HM Inspectorate of Probation inspection outcomes.

Load the cited, validated dataset::

    >>> import probstats
    >>> df = probstats.load_inspections()
    >>> df["overall_rating"].cat.ordered
    True
"""

from __future__ import annotations

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
]
