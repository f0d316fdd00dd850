"""Controlled vocabularies shared by the raw tables, the extractor, the official statistics
and the models."""

from __future__ import annotations

UNIT_TYPES: tuple[str, ...] = ("PDU", "region", "CRC", "NPS division", "national")

#: The twelve probation regions of the unified Probation Service (from June 2021).
REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Greater Manchester",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "Kent, Surrey and Sussex",
    "South West",
    "South Central",
    "Wales",
)

ERAS: tuple[str, ...] = ("pre_unification", "post_unification")
SOURCE_TYPES: tuple[str, ...] = ("primary", "secondary")
QUALIFIERS: tuple[str, ...] = ("", "<", ">", "<=", ">=", "~")
GRADES: tuple[str, ...] = ("PO", "PSO", "SPO", "practitioner", "admin", "trainee", "manager", "all")
BASES: tuple[str, ...] = ("", "FTE", "headcount")

#: Staffing measures: code -> (unit, may the value exceed 100?, meaning).
STAFFING_MEASURES: dict[str, tuple[str, bool, str]] = {
    "vacancy_rate": ("percent", False, "Percentage of posts vacant"),
    "staffing_pct_target": (
        "percent",
        True,
        "Staff in post as a percentage of target staffing (over 100 means above target)",
    ),
    "staff_in_post": ("count", True, "Number of staff in post"),
    "vacancies": ("count", True, "Number of vacant posts"),
    "caseload_average": ("cases", True, "Average number of cases per practitioner"),
    "caseload_range_max": ("cases", True, "Highest individual caseload stated"),
    "workload_wmt_pct": (
        "percent",
        True,
        "Workload as a percentage of capacity by the workload measurement tool (WMT)",
    ),
    "sickness_days": ("days", True, "Average working days lost to sickness per person"),
    "sickness_rate": ("percent", False, "Percentage sickness absence"),
    "agency_staff": ("count", True, "Number of agency staff"),
    "agency_staff_share": ("percent", False, "Percentage of staff employed through agencies"),
    "newly_qualified_share": ("percent", False, "Percentage of practitioners newly qualified"),
    "trainee_share": ("percent", False, "Percentage of practitioners who are trainees (PQiP)"),
    "trainees": ("count", True, "Number of trainee probation officers"),
    "turnover_rate": ("percent", False, "Percentage staff turnover or leaving rate"),
    "unallocated_cases": ("count", True, "Number of cases without an allocated practitioner"),
    "caseload_total": ("cases", True, "People on probation supervised by the unit"),
    "regional_caseload_share": (
        "percent",
        False,
        "Percentage of the region's caseload held by this PDU",
    ),
    "other": ("", True, "A figure no other code fits; the notes say what it is"),
}

STAFFING_UNITS: tuple[str, ...] = ("percent", "count", "cases", "days")

CASE_STAGES: tuple[str, ...] = (
    "assessment",
    "planning",
    "implementation_delivery",
    "reviewing",
    "court_reports",
    "victim_work",
    "unpaid_work",
    "overall",
    "other",
)
CASE_ASPECTS: tuple[str, ...] = (
    "keep_safe",
    "desistance",
    "engagement",
    "compliance",
    "quality",
    "victim_contribution",
    "other",
)

# --------------------------------------------------------------------------- official statistics

#: Kinds of geography an official figure is published for.
GEOGRAPHY_TYPES: tuple[str, ...] = (
    "national",  # England and Wales, or the whole Probation Service / NPS
    "country",  # England or Wales separately
    "region",  # one of the 12 probation regions (or a pre-2021 NPS division)
    "PDU",  # probation delivery unit
    "LDU cluster",  # pre-2021 local delivery unit cluster
    "other",  # a regional function (Approved Premises, headquarters, ...)
)

#: Official measures: code -> (expected unit, meaning). Codes carry the basis (FTE or
#: headcount).
OFFICIAL_MEASURES: dict[str, tuple[str, str]] = {
    "staff_in_post_fte": ("FTE", "Staff in post, full-time equivalent"),
    "staff_in_post_headcount": ("people", "Staff in post, headcount"),
    "staff_in_post": ("people", "Staff in post, FTE or headcount not stated"),
    "staff_in_post_fte_average": ("FTE", "Average staff in post over the period, FTE"),
    "staff_in_post_fte_courts": ("FTE", "Staff in post in the courts function, FTE"),
    "target_staffing_fte": ("FTE", "Target (required) staffing, FTE"),
    "staffing_pct_target": ("percent", "Staff in post as a percentage of target"),
    "staffing_shortfall_fte": ("FTE", "Target staffing minus staff in post, FTE"),
    "vacancy_rate": ("percent", "Percentage of posts vacant"),
    "vacancies_fte": ("FTE", "Vacant posts, FTE"),
    "vacancies": ("posts", "Vacant posts, basis not stated"),
    "joiners": ("people", "Staff who joined in the period"),
    "leavers": ("people", "Staff who left in the period, basis not stated"),
    "leavers_headcount": ("people", "Staff who left in the period, headcount"),
    "leaving_rate": ("percent", "Leavers as a percentage of average staff in post (12 months)"),
    "resignations_long_service": ("people", "Resignations of staff with long service"),
    "sickness_days_per_fte": ("days", "Average working days lost to sickness per FTE"),
    "sickness_days_lost": ("days", "Total working days lost to sickness"),
    "sickness_days_lost_stress": ("days", "Working days lost to stress-related sickness"),
    "sickness_days_per_fte_stress": ("days", "Working days lost to stress per FTE"),
    "caseload_total": ("people", "People under probation supervision"),
    "caseload_average": ("cases", "Average cases per practitioner"),
}

#: Units allowed in the official table's ``unit`` column.
OFFICIAL_UNITS: tuple[str, ...] = ("FTE", "people", "posts", "percent", "days", "cases")

#: Licences recorded in the official table.
LICENCES: tuple[str, ...] = (
    "OGL-3.0",
    "Open Parliament Licence",
    "not stated (third-party page)",
)

#: GSS / StatsWales shorthand for labelling data values in statistical tables.
MARKERS: dict[str, str] = {
    "a": "average",
    "b": "break in time series",
    "c": "confidential (suppressed)",
    "e": "estimated",
    "f": "forecast",
    "k": "low figure that rounds to zero",
    "ns": "not statistically significant",
    "p": "provisional",
    "r": "revised",
    "s": "statistically significant at the 5% level",
    "ss": "statistically significant at the 1% level",
    "sss": "statistically significant at the 0.1% level",
    "t": "total",
    "u": "low reliability",
    "w": "none recorded in survey",
    "x": "not available",
    "z": "not applicable",
    # Symbols used in older, pre-accessibility tables; their meaning is the one the
    # table's own notes give, so these are only the usual readings.
    "..": "not available (legacy symbol)",
    "-": "nil or not applicable (legacy symbol)",
    "*": "suppressed (legacy symbol)",
    "unparsed": "cell text is neither a number nor a known marker: see the raw column",
}

#: How precisely a partial date is known.
PRECISIONS: tuple[str, ...] = ("day", "month", "year")

# --------------------------------------------------------------------------- an analyst's own panel

#: Measures of the long staffing panel an analyst brings (``staffing_panel``):
#: code -> (unit, may a percentage exceed 100?, grades allowed, meaning). Codes carry no
#: grade: the ``grade`` column says whose figure it is, so "PO staff in post, FTE" is
#: ``measure = fte_in_post, grade = PO``. Stocks refer to the period's date (a month means
#: its last day); flows (sickness) to the 12 months ending then.
PANEL_MEASURES: dict[str, tuple[str, bool, tuple[str, ...], str]] = {
    "fte_in_post": ("FTE", True, GRADES, "Staff in post, full-time equivalent"),
    "fte_target": ("FTE", True, GRADES, "Target (required) staffing, full-time equivalent"),
    "headcount_in_post": ("people", True, GRADES, "Staff in post, headcount"),
    "vacancies_fte": ("FTE", True, GRADES, "Vacant posts against target, FTE"),
    "vacancy_rate": ("percent", False, GRADES, "Percentage of target posts vacant"),
    "staffing_pct_target": (
        "percent",
        True,
        GRADES,
        "Staff in post as a percentage of target (over 100 means above target)",
    ),
    "caseload_average": (
        "cases",
        True,
        ("PO", "PSO", "practitioner", "trainee"),
        "Average cases per practitioner of the grade (practitioner: PO and PSO together)",
    ),
    "caseload_total": ("cases", True, ("all",), "People on probation supervised by the unit"),
    "workload_wmt_pct": (
        "percent",
        True,
        ("PO", "PSO", "practitioner"),
        "Workload as a percentage of capacity by the workload measurement tool (WMT)",
    ),
    "sickness_days_lost": (
        "days",
        True,
        GRADES,
        "Working days lost to sickness over the 12 months ending at the period",
    ),
    "average_fte": (
        "FTE",
        True,
        GRADES,
        "Average staff in post (FTE) over the 12 months ending at the period",
    ),
    "sickness_days_per_fte": (
        "days",
        True,
        GRADES,
        "Working days lost to sickness per FTE over the 12 months ending at the period",
    ),
}

#: Label carried by every row the probstats simulator writes (provenance, notes), so
#: synthetic figures can never pass for real ones.
SYNTHETIC_LABEL = "SYNTHETIC — simulated by probstats, not real data"
