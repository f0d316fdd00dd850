"""Everything the extraction subsystem takes from the rest of probstats, in one place.

The dataset modules are being regrouped; when they move, only the imports in
this file change.
"""

from __future__ import annotations

from probstats import __version__
from probstats.dates import parse_partial_date
from probstats.errors import (
    ExtractionError,
    ExtractionOptionError,
    ExtractionWarning,
    MissingReaderError,
    Problem,
    ProbstatsError,
    StagingError,
    UnknownRatingError,
    UnsupportedFormatError,
)
from probstats.ratings import RATINGS, parse_rating
from probstats.schema import RAW_TABLES, Column
from probstats.units import normalise_name
from probstats.vocab import (
    CASE_ASPECTS,
    CASE_STAGES,
    GRADES,
    QUALIFIERS,
    REGIONS,
    STAFFING_MEASURES,
    UNIT_TYPES,
)

__all__ = [
    "CASE_ASPECTS",
    "CASE_STAGES",
    "GRADES",
    "QUALIFIERS",
    "RATINGS",
    "RAW_TABLES",
    "REGIONS",
    "STAFFING_MEASURES",
    "UNIT_TYPES",
    "Column",
    "ExtractionError",
    "ExtractionOptionError",
    "ExtractionWarning",
    "MissingReaderError",
    "ProbstatsError",
    "Problem",
    "StagingError",
    "UnknownRatingError",
    "UnsupportedFormatError",
    "__version__",
    "normalise_name",
    "parse_partial_date",
    "parse_rating",
]

from probstats.paths import data_dir  # noqa: E402  (default folder for --compare)

__all__ += ["data_dir"]
