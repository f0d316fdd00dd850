"""Official workforce and caseload statistics beside the Inspectorate's figures.

* ``load``: the harvested official figures (``data/raw/workforce_official.csv``);
* ``readers``: spreadsheet tables of newer releases (ODS/XLSX, GSS markers);
* ``join``: the as-of join of each inspection to its region's figure at or before
  fieldwork, never a later one;
* ``measures``: derived measures with stated formulas;
* ``panel``: an analyst's own staffing panel attached to the inspections as at
  fieldwork (:func:`attach_staffing`), giving the harmonised measures;
* ``simulate``: a labelled synthetic panel and inspections with known effects
  (:func:`simulate_panel`).

Official figures describe a whole region (or the nation); an inspection describes
one unit at one time. Putting them side by side shows association at best.
"""

from probstats.dataset.vocab import GEOGRAPHY_TYPES, MARKERS
from probstats.dataset.vocab import OFFICIAL_MEASURES as MEASURES
from probstats.errors import FallbackDateWarning, UnparsedCellWarning, WorkforceReadError
from probstats.official.join import asof_join, attach_regional_staffing
from probstats.official.load import (
    COLUMNS,
    canonical_region,
    load_official,
    official_series,
    validate_official,
)
from probstats.official.measures import (
    caseload_per_practitioner_fte,
    derive_official_measures,
    po_pso_ratio,
    po_share_of_practitioners,
    sickness_days_per_fte,
    staffing_pct_of_target,
)
from probstats.official.panel import (
    HARMONISED,
    StaffingReport,
    attach_staffing,
    harmonise_panel,
    staffing_source_line,
)
from probstats.official.readers import (
    marker_meanings,
    parse_cell,
    read_notes_sheet,
    read_official_table,
    table_to_official,
)
from probstats.official.simulate import SyntheticStudy, simulate_panel

__all__ = [
    "COLUMNS",
    "GEOGRAPHY_TYPES",
    "MARKERS",
    "MEASURES",
    "FallbackDateWarning",
    "UnparsedCellWarning",
    "WorkforceReadError",
    "asof_join",
    "attach_regional_staffing",
    "canonical_region",
    "caseload_per_practitioner_fte",
    "derive_official_measures",
    "load_official",
    "marker_meanings",
    "official_series",
    "parse_cell",
    "po_pso_ratio",
    "po_share_of_practitioners",
    "read_notes_sheet",
    "read_official_table",
    "sickness_days_per_fte",
    "staffing_pct_of_target",
    "table_to_official",
    "validate_official",
    "HARMONISED",
    "StaffingReport",
    "SyntheticStudy",
    "attach_staffing",
    "harmonise_panel",
    "simulate_panel",
    "staffing_source_line",
]
