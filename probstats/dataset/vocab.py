"""Controlled vocabularies shared by the raw tables, the extractor and the models."""

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
