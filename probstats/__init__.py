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

Bring your own staffing data (a long staffing panel: see ``data/README.md``)::

    >>> callable(probstats.attach_staffing) and callable(probstats.read_staffing_panel)
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

#: Functions of the subpackages offered at the top level, imported on first use.
_LAZY = {
    "attach_staffing": "probstats.official.panel",
    "read_staffing_panel": "probstats.dataset.panel",
    "simulate_panel": "probstats.official.simulate",
}

__all__ = [
    "RATINGS",
    "RATING_DTYPE",
    "__version__",
    "attach_staffing",
    "load_case_measures",
    "load_features",
    "load_inspections",
    "load_panel",
    "load_sources",
    "load_staffing",
    "load_standard_ratings",
    "load_units",
    "parse_rating",
    "read_staffing_panel",
    "simulate_panel",
    "to_rating",
    *_SUBPACKAGES,
]


def __getattr__(name: str) -> Any:
    # PEP 562: probstats.models (and friends) work after a plain ``import probstats``
    if name in _SUBPACKAGES:
        return importlib.import_module(f"probstats.{name}")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'probstats' has no attribute {name!r}")
