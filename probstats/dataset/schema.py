"""The one registry of every table: each raw file and each processed table.

Each table is a tuple of :class:`Column`. The same specifications drive

* parsing of the raw CSV files (:mod:`probstats.dataset.raw`), which reports each
  bad cell with its file, line and column: the five linked tables of the
  inspections dataset, the official workforce figures and the Bulletin 2021/02
  figures (:data:`RAW_TABLES`);
* the column types of the processed tables when they are written and read back
  (:mod:`probstats.dataset.io`, :func:`processed_kind`) and the pandera schemas
  that check them at build time and in ``probstats validate``
  (:mod:`probstats.dataset.processed`);
* the data dictionary in ``data/README.md`` (:func:`data_dictionary_markdown`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from probstats.dataset import vocab
from probstats.dataset.ratings import RATINGS

Kind = Literal[
    "id",
    "text",
    "int",
    "integer",
    "float",
    "pct",
    "rating",
    "date",
    "datestr",
    "vocab",
    "urls",
    "year",
    "bool",
]


@dataclass(frozen=True)
class Column:
    """Specification of one column.

    ``kind`` decides how the raw text is parsed: ``pct`` is a percentage that
    must lie in 0..100; ``float`` any non-negative number (staffing as a
    percentage of target may exceed 100, so it is a ``float`` here and range
    checked per measure); ``date`` a :mod:`probstats.dataset.dates` partial date.
    """

    name: str
    kind: Kind
    description: str
    required: bool = False
    allowed: tuple[str, ...] = field(default=())
    unit: str = ""
    #: Regular expression an identifier must match (kind ``id``).
    pattern: str = r"[a-z0-9][a-z0-9\-]*"

    @property
    def type_name(self) -> str:
        return {
            "id": "string (identifier)",
            "text": "string",
            "int": "integer >= 0",
            "integer": "integer (may be negative)",
            "float": "number >= 0",
            "pct": "number 0-100",
            "rating": "rating label",
            "date": "date (YYYY-MM-DD, YYYY-MM or YYYY)",
            "datestr": "date as written (YYYY-MM-DD, YYYY-MM or YYYY)",
            "vocab": "code",
            "urls": "URL(s), ' ; ' separated",
            "year": "year (YYYY)",
            "bool": "true or false",
        }[self.kind]


SOURCE_COLUMNS = (
    Column(
        "source_url",
        "urls",
        "Page(s) each fact in the row was read from; several joined by ' ; '",
        required=True,
    ),
    Column(
        "source_type",
        "vocab",
        "primary: the Inspectorate, gov.uk or Parliament; secondary: news or sector sites",
        required=True,
        allowed=vocab.SOURCE_TYPES,
    ),
)

INSPECTIONS = (
    Column(
        "inspection_id", "id", "Unique id: <type>-<unit slug>-<publication year>", required=True
    ),
    Column("unit_type", "vocab", "Kind of unit inspected", required=True, allowed=vocab.UNIT_TYPES),
    Column("unit_name", "text", "Unit name as the Inspectorate writes it", required=True),
    Column("region", "vocab", "Probation region (2021 regions)", allowed=vocab.REGIONS),
    Column("publication_date", "date", "Date the report was published"),
    Column("fieldwork_start", "date", "Start of inspection fieldwork"),
    Column("fieldwork_end", "date", "End of inspection fieldwork"),
    Column(
        "overall_rating",
        "rating",
        "Overall rating on the four-point scale",
        allowed=RATINGS,
    ),
    Column("score", "int", "Points scored, where the programme scored units", unit="points"),
    Column("score_max", "int", "Maximum points available", unit="points"),
    Column(
        "previous_rating", "rating", "Rating at the previous inspection, if stated", allowed=RATINGS
    ),
    Column("previous_rating_year", "year", "Year of the previous rating, if stated"),
    Column("n_recommendations", "int", "Number of recommendations made", unit="recommendations"),
    Column("cases_inspected", "int", "Cases inspectors reviewed", unit="cases"),
    Column("cases_community", "int", "Of which community sentences", unit="cases"),
    Column("cases_licence", "int", "Of which release on licence", unit="cases"),
    *SOURCE_COLUMNS,
    Column("notes", "text", "Reviewer's notes in our own words"),
)

STAFFING = (
    Column("inspection_id", "id", "Inspection the figure was stated for", required=True),
    Column(
        "measure",
        "vocab",
        "What the figure measures (see the measure table)",
        required=True,
        allowed=tuple(vocab.STAFFING_MEASURES),
    ),
    Column("grade", "vocab", "Staff grade the figure is for", required=True, allowed=vocab.GRADES),
    Column("value", "float", "The figure exactly as stated", required=True),
    Column("unit", "vocab", "Unit of the value", required=True, allowed=vocab.STAFFING_UNITS),
    Column(
        "qualifier",
        "vocab",
        "Empty if exact; '<', '>', '<=', '>=' or '~' as the source words it",
        allowed=vocab.QUALIFIERS,
    ),
    Column("basis", "vocab", "FTE or headcount, where stated", allowed=vocab.BASES),
    Column("as_at", "date", "Date the figure refers to, where stated"),
    *SOURCE_COLUMNS,
    Column("notes", "text", "Reviewer's notes in our own words"),
)

CASE_MEASURES = (
    Column("inspection_id", "id", "Inspection the percentage was stated for", required=True),
    Column("stage", "vocab", "Stage of case work", required=True, allowed=vocab.CASE_STAGES),
    Column("aspect", "vocab", "What was judged", required=True, allowed=vocab.CASE_ASPECTS),
    Column(
        "judged",
        "vocab",
        "sufficient: the figure counts cases judged sufficient (the Inspectorate's usual "
        "measure); shortfall: it counts cases showing the stated shortfall",
        required=True,
        allowed=("sufficient", "shortfall"),
    ),
    Column("value_pct", "pct", "Percentage of relevant cases counted (see judged)", unit="percent"),
    Column("n_counted", "int", "Number of cases counted (see judged), if stated", unit="cases"),
    Column("n_cases", "int", "Number of relevant cases, if stated", unit="cases"),
    Column(
        "qualifier",
        "vocab",
        "Empty if exact; '<', '>', '<=', '>=' or '~' as the source words it",
        allowed=vocab.QUALIFIERS,
    ),
    *SOURCE_COLUMNS,
    Column("notes", "text", "Reviewer's notes in our own words"),
)

STANDARD_RATINGS = (
    Column("inspection_id", "id", "Inspection", required=True),
    Column("standard_code", "text", "Standard number as published, e.g. 2.3"),
    Column("standard_name", "text", "Standard or domain name", required=True),
    Column("rating", "rating", "Rating of the standard", required=True, allowed=RATINGS),
    *SOURCE_COLUMNS,
    Column("notes", "text", "Reviewer's notes in our own words"),
)

UNITS = (
    Column("unit_id", "id", "Canonical unit id", required=True),
    Column("unit_type", "vocab", "Kind of unit", required=True, allowed=vocab.UNIT_TYPES),
    Column("name", "text", "Canonical name as the Inspectorate writes it", required=True),
    Column("region", "vocab", "Probation region (2021 regions)", allowed=vocab.REGIONS),
    Column("aliases", "text", "Other names used for the same unit, ' ; ' separated"),
    *SOURCE_COLUMNS,
    Column("notes", "text", "Reviewer's notes in our own words"),
)

WORKFORCE_OFFICIAL = (
    *SOURCE_COLUMNS,
    Column("publisher", "text", "Organisation that published the figure", required=True),
    Column("publication", "text", "Title of the publication or answer"),
    Column("publication_date", "date", "Date the figure was published"),
    Column("period_start", "date", "Start of the period a flow (leavers, sickness) covers"),
    Column(
        "period_as_at", "date", "Date (or end of the period) the figure refers to", required=True
    ),
    Column(
        "geography_type",
        "vocab",
        "Kind of geography the figure is for",
        required=True,
        allowed=vocab.GEOGRAPHY_TYPES,
    ),
    Column("geography", "text", "Geography as the source names it", required=True),
    Column(
        "region_canonical",
        "vocab",
        "The probation region the geography is (empty if not one region)",
        allowed=("", *vocab.REGIONS),
    ),
    Column("grade", "vocab", "Staff grade", required=True, allowed=vocab.GRADES),
    Column(
        "measure",
        "vocab",
        "What the figure measures (official measure codes)",
        required=True,
        allowed=tuple(vocab.OFFICIAL_MEASURES),
    ),
    Column("value", "float", "The figure exactly as published (empty with a marker)"),
    Column("unit", "vocab", "Unit of the value", required=True, allowed=vocab.OFFICIAL_UNITS),
    Column(
        "qualifier",
        "vocab",
        "Empty if exact; '<', '>', '<=', '>=' or '~' as the source words it",
        allowed=vocab.QUALIFIERS,
    ),
    Column(
        "marker",
        "vocab",
        "Statistical shorthand published with the cell ([x], [c], [z] ...)",
        allowed=("", *vocab.MARKERS),
    ),
    Column("licence", "vocab", "Licence of the source", required=True, allowed=vocab.LICENCES),
    Column("notes", "text", "Reviewer's notes in our own words"),
)

BULLETIN_2021_02 = (
    Column(
        "figure_id",
        "id",
        "Identifier of the figure (lower case, digits and '_')",
        required=True,
        pattern=r"[a-z0-9][a-z0-9_]*",
    ),
    Column("description", "text", "What the figure is, in our own words", required=True),
    Column("value", "float", "The figure as stated", required=True),
    Column("unit", "text", "Unit of the figure", required=True),
    *SOURCE_COLUMNS,
    Column("notes", "text", "Reviewer's notes in our own words"),
)

# --------------------------------------------------------------------------- an analyst's own data

STAFFING_PANEL = (
    Column(
        "unit",
        "text",
        "The unit: its name or an alias as in units.csv (any case, with or without 'PDU'), "
        "or its unit_id",
        required=True,
    ),
    Column(
        "period",
        "date",
        "Date the figure refers to: YYYY-MM means the month's last day (a stock as at month "
        "end), YYYY-MM-DD that day (a year alone is refused); flows (sickness) cover the 12 "
        "months ending then",
        required=True,
    ),
    Column(
        "measure",
        "vocab",
        "What the figure measures (see the panel measure table); the grade goes in 'grade'",
        required=True,
        allowed=tuple(vocab.PANEL_MEASURES),
    ),
    Column("grade", "vocab", "Staff grade the figure is for", required=True, allowed=vocab.GRADES),
    Column("value", "float", "The figure: a number >= 0, no '%' sign or commas", required=True),
    Column(
        "provenance",
        "text",
        "Where the figure comes from, in words or as a URL, e.g. 'internal extract, PDU "
        "workforce report, 2024-10'",
        required=True,
    ),
    Column(
        "private",
        "bool",
        "true if the figure may not be published: figures then cite the provenance, "
        "not the probstats dataset",
        required=True,
    ),
    Column("notes", "text", "Anything a reader of the figure should know"),
)

#: Tables an analyst brings (not part of ``data/raw``), by table name: checked by
#: ``probstats validate`` whatever the file is called, and read by ``probstats build
#: --staffing``.
INPUT_TABLES: dict[str, tuple[Column, ...]] = {"staffing_panel": STAFFING_PANEL}

#: The linked tables of the inspections dataset, in reading order (units first: the
#: others refer to them).
LINKED_TABLES: tuple[str, ...] = (
    "units",
    "inspections",
    "staffing",
    "case_measures",
    "standard_ratings",
)

#: Every raw file, by file stem.
RAW_TABLES: dict[str, tuple[Column, ...]] = {
    "units": UNITS,
    "inspections": INSPECTIONS,
    "staffing": STAFFING,
    "case_measures": CASE_MEASURES,
    "standard_ratings": STANDARD_RATINGS,
    "workforce_official": WORKFORCE_OFFICIAL,
    "bulletin_2021_02": BULLETIN_2021_02,
}

#: Natural keys: a repeated key is a duplicated record.
KEYS: dict[str, tuple[str, ...]] = {
    "units": ("unit_id",),
    "inspections": ("inspection_id",),
    "staffing": ("inspection_id", "measure", "grade", "basis", "as_at", "qualifier", "notes"),
    "case_measures": ("inspection_id", "stage", "aspect", "judged", "notes"),
    "standard_ratings": ("inspection_id", "standard_code", "standard_name"),
    "workforce_official": (
        "source_url",
        "period_as_at",
        "geography_type",
        "geography",
        "grade",
        "measure",
        "qualifier",
        "notes",
    ),
    "bulletin_2021_02": ("figure_id",),
    # compared after resolving unit names to unit_id and periods to dates
    "staffing_panel": ("unit", "period", "measure", "grade"),
}


def table_columns(table: str) -> tuple[Column, ...]:
    """Columns of a raw table or of a table an analyst brings (:data:`INPUT_TABLES`).

    Examples
    --------
    >>> from probstats.dataset.schema import table_columns
    >>> [c.name for c in table_columns("staffing_panel")][:3]
    ['unit', 'period', 'measure']
    """
    return RAW_TABLES[table] if table in RAW_TABLES else INPUT_TABLES[table]


# --------------------------------------------------------------------------- processed tables

#: Partial dates held in processed tables as the first day of their period (the others
#: keep the text as written).
PROCESSED_DATES: tuple[str, ...] = ("publication_date", "fieldwork_start", "fieldwork_end")

#: Columns the build derives, by name (the processed tables' columns beyond the raw ones).
DERIVED_COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        Column("unit_id", "id", "Canonical unit id, resolved from unit_name and aliases"),
        Column(
            "era",
            "vocab",
            "pre_unification (CRC, NPS division) or post_unification",
            allowed=vocab.ERAS,
        ),
        Column("rating_score", "int", "Overall rating as 1 (Inadequate) to 4 (Outstanding)"),
        *(
            Column(f"{d}_precision", "vocab", f"Precision of {d}", allowed=vocab.PRECISIONS)
            for d in PROCESSED_DATES
        ),
        Column(
            "year",
            "int",
            "Year the inspection belongs to: publication year, else fieldwork, else the id's",
        ),
        Column(
            "year_source",
            "vocab",
            "Where year comes from",
            allowed=("publication_date", "fieldwork_start", "id"),
        ),
        Column("visit_number", "int", "1 for a unit's first inspection in the data, 2 ..."),
        Column("previous_inspection_id", "id", "The unit's previous inspection"),
        Column("days_since_previous", "integer", "Days between the two publication dates"),
        Column("previous_overall_rating", "rating", "Overall rating at the previous inspection"),
        Column("rating_change", "integer", "Rating score minus the previous one (+1 = better)"),
        Column("url", "text", "A cited URL"),
        Column("domain", "text", "Its domain"),
        Column("publisher", "text", "Its publisher"),
        Column("licence", "text", "The licence its facts are used under"),
        Column("n_rows", "int", "Number of raw rows citing it"),
    )
}


#: Kinds of the trail columns that go with an attached measure ``<name>``: how it was
#: derived, the date of the figure used, the days from that date to the reference date.
HARMONISED_SUFFIXES: dict[str, Kind] = {
    "_from": "text",
    "_as_at": "date",
    "_lag_days": "integer",
    "_date_used": "text",
    "_reference_date": "date",
}


def processed_kind(name: str) -> Kind:
    """How a processed column is typed when written and read back.

    Columns of the raw tables keep their kind (partial dates other than the
    publication and fieldwork dates stay text, ``datestr``); derived columns are
    typed by :data:`DERIVED_COLUMNS`; anything else (the wide ``<measure>_<grade>``
    and ``case_*`` columns of the modelling views, ``delta_*`` changes) is a number.

    Examples
    --------
    >>> from probstats.dataset.schema import processed_kind
    >>> processed_kind("overall_rating"), processed_kind("as_at"), processed_kind("vacancy_rate_po")
    ('rating', 'datestr', 'float')
    """
    if name in DERIVED_COLUMNS:
        return DERIVED_COLUMNS[name].kind
    for table in LINKED_TABLES:
        for col in RAW_TABLES[table]:
            if col.name == name:
                if col.kind == "date" and name not in PROCESSED_DATES:
                    return "datestr"
                return col.kind
    # trail columns of harmonised measures (``_from``: the formula a measure was derived
    # by) and of figures attached from a dated source (see HARMONISED_SUFFIXES)
    for suffix, kind in HARMONISED_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    return "float"


def whole_number_columns(*tables: str) -> tuple[str, ...]:
    """Names of the whole-number columns (kinds ``int`` and ``year``) of the given raw tables.

    Examples
    --------
    >>> from probstats.dataset.schema import whole_number_columns
    >>> whole_number_columns("inspections")[:2]
    ('score', 'score_max')
    """
    seen: dict[str, None] = {}
    for table in tables:
        for col in RAW_TABLES[table]:
            if col.kind in ("int", "year"):
                seen[col.name] = None
    return tuple(seen)


def data_dictionary_markdown(tables: dict[str, tuple[Column, ...]] | None = None) -> str:
    """Render the data dictionary of the given tables as Markdown.

    Examples
    --------
    >>> from probstats.dataset.schema import data_dictionary_markdown
    >>> "| inspection_id |" in data_dictionary_markdown()
    True
    """
    tables = RAW_TABLES if tables is None else tables
    out: list[str] = []
    for table, columns in tables.items():
        out.append(f"### `{table}.csv`\n")
        out.append("| column | type | unit | required | meaning | allowed values |")
        out.append("|---|---|---|---|---|---|")
        for col in columns:
            allowed = ", ".join(f"`{a}`" for a in col.allowed if a) if col.allowed else ""
            if col.kind == "vocab" and "" in col.allowed:
                allowed += " or empty"
            out.append(
                f"| {col.name} | {col.type_name} | {col.unit} | {'yes' if col.required else ''} "
                f"| {col.description} | {allowed} |"
            )
        out.append("")
    measures = ["| measure | unit | may exceed 100 | meaning |", "|---|---|---|---|"]
    for code, (unit, over, meaning) in vocab.STAFFING_MEASURES.items():
        measures.append(f"| `{code}` | {unit} | {'yes' if over else 'no'} | {meaning} |")
    out.append("### Staffing measures\n")
    out.extend(measures)
    out.append("")
    if tables is RAW_TABLES:
        out.extend(_input_tables_markdown())
    return "\n".join(out)


def _input_tables_markdown() -> list[str]:
    """The tables an analyst brings, and the panel's measures."""
    out = []
    for table, columns in INPUT_TABLES.items():
        out.append(f"### `{table}` (your own data: any file name)\n")
        out.append("| column | type | unit | required | meaning | allowed values |")
        out.append("|---|---|---|---|---|---|")
        for col in columns:
            allowed = (
                "see below"
                if col.name == "measure"
                else ", ".join(f"`{a}`" for a in col.allowed if a)
            )
            out.append(
                f"| {col.name} | {col.type_name} | {col.unit} | "
                f"{'yes' if col.required else ''} | {col.description} | {allowed} |"
            )
        out.append("")
    out.append("### Staffing panel measures\n")
    out.append("| measure | unit | may exceed 100 | grades | meaning |")
    out.append("|---|---|---|---|---|")
    for code, (unit, over, grades, meaning) in vocab.PANEL_MEASURES.items():
        shown = "any" if grades == vocab.GRADES else ", ".join(f"`{g}`" for g in grades)
        exceed = ("yes" if over else "no") if unit == "percent" else ""
        out.append(f"| `{code}` | {unit} | {exceed} | {shown} | {meaning} |")
    out.append("")
    return out


_BEGIN = "<!-- generated from probstats/dataset/schema.py"
_END = "<!-- end generated -->"


def update_data_readme(path: str) -> None:
    """Rewrite the generated data-dictionary section of ``data/README.md`` in place."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    start = text.index("\n", text.index(_BEGIN)) + 1
    end = text.index(_END)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text[:start] + data_dictionary_markdown() + text[end:])


if __name__ == "__main__":  # python -m probstats.dataset.schema data/README.md
    import sys

    update_data_readme(sys.argv[1] if len(sys.argv) > 1 else "data/README.md")
