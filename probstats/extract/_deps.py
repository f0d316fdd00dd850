"""Everything the extraction subsystem takes from the rest of probstats, in one place.

The dataset modules are being regrouped; when they move, only the imports in
this file change.
"""

from __future__ import annotations

from probstats import __version__
from probstats.dataset.dates import parse_partial_date
from probstats.dataset.ratings import RATINGS, parse_rating
from probstats.dataset.sanity import escape_text_columns
from probstats.dataset.schema import RAW_TABLES, Column
from probstats.dataset.units import normalise_name
from probstats.dataset.vocab import (
    CASE_ASPECTS,
    CASE_STAGES,
    GRADES,
    QUALIFIERS,
    REGIONS,
    STAFFING_MEASURES,
    UNIT_TYPES,
)
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
    "escape_text_columns",
    "normalise_name",
    "parse_partial_date",
    "parse_rating",
]

from probstats.dataset.paths import data_dir  # noqa: E402  (default folder for --compare)

__all__ += ["data_dir"]
