"""From checked raw tables to the tidy processed tables.

Data flows one way: ``data/raw/*.csv`` -> :mod:`probstats.dataset.raw` (parse and
check) -> this module (link units, type the columns, derive the wide and panel
views) -> :mod:`probstats.dataset.build` (write ``data/processed/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from probstats.dataset.dates import parse_partial_date
from probstats.dataset.harmonise import harmonise
from probstats.dataset.ratings import RATING_DTYPE, rating_score
from probstats.dataset.raw import check_references, load_raw_table
from probstats.dataset.schema import LINKED_TABLES, whole_number_columns
from probstats.dataset.units import UnitIndex
from probstats.errors import DataValidationError, Problem, UnknownUnitError

PRE_UNIFICATION_TYPES = ("CRC", "NPS division")


@dataclass
class RawData:
    """The raw tables after parsing and checking (each with its ``line_no`` column)."""

    units: pd.DataFrame
    inspections: pd.DataFrame
    staffing: pd.DataFrame
    case_measures: pd.DataFrame
    standard_ratings: pd.DataFrame
    paths: dict[str, Path]


def read_raw(raw_dir: Path) -> RawData:
    """Parse every raw table and run the cross-table checks.

    Every problem in every file is collected before raising, so one run shows
    the reviewer everything that needs fixing.

    Raises
    ------
    DataValidationError
        With one entry per bad cell, naming file, line and column.
    """
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    paths = {t: Path(raw_dir) / f"{t}.csv" for t in LINKED_TABLES}
    for table, path in paths.items():
        try:
            frames[table] = load_raw_table(path, table)
        except DataValidationError as exc:
            problems += exc.problems
            frames[table] = pd.DataFrame()
    if problems:
        raise DataValidationError(problems)

    insp, units = frames["inspections"], frames["units"]
    ipath = str(paths["inspections"])
    index = UnitIndex(units)
    unit_ids = []
    for row in insp.itertuples(index=False):
        try:
            unit_ids.append(index.resolve(row.unit_name, row.unit_type))
        except UnknownUnitError as exc:
            problems.append(Problem(ipath, int(row.line_no), "unit_name", str(exc)))
            unit_ids.append(None)
    insp = insp.assign(unit_id=unit_ids)
    unit_region = units.set_index("unit_id")["region"]
    for row in insp.itertuples(index=False):
        expected = unit_region.get(row.unit_id)
        if pd.notna(row.unit_id) and pd.notna(row.region) and pd.notna(expected):
            if expected != row.region:
                problems.append(
                    Problem(
                        ipath,
                        int(row.line_no),
                        "region",
                        f"unit {row.unit_id} is in region {expected!r} in units.csv",
                        row.region,
                    )
                )
    known = set(insp["inspection_id"])
    for table in ("staffing", "case_measures", "standard_ratings"):
        problems += check_references(
            frames[table], str(paths[table]), "inspection_id", known, "inspection_id"
        )
    if problems:
        raise DataValidationError(problems)
    return RawData(
        units=units,
        inspections=insp,
        staffing=frames["staffing"],
        case_measures=frames["case_measures"],
        standard_ratings=frames["standard_ratings"],
        paths=paths,
    )


def _date_columns(values: pd.Series, name: str) -> dict[str, pd.Series]:
    parsed = [parse_partial_date(v) if isinstance(v, str) and v else None for v in values]
    start = pd.Series(
        [pd.Timestamp(p.start) if p else pd.NaT for p in parsed], index=values.index
    ).astype("datetime64[s]")
    precision = pd.Series([p.precision if p else None for p in parsed], index=values.index)
    return {name: start, f"{name}_precision": precision.astype("string")}


INT_COLUMNS = whole_number_columns("inspections")


def tidy_inspections(raw: RawData) -> pd.DataFrame:
    """One typed row per inspection, sorted by publication date then id."""
    df = raw.inspections
    out = pd.DataFrame(
        {
            "inspection_id": df["inspection_id"].astype("string"),
            "unit_id": df["unit_id"].astype("string"),
            "unit_type": df["unit_type"].astype("string"),
            "era": np.where(
                df["unit_type"].isin(PRE_UNIFICATION_TYPES), "pre_unification", "post_unification"
            ),
            "unit_name": df["unit_name"].astype("string"),
            "region": df["region"].astype("string"),
        }
    )
    out["era"] = out["era"].astype("string")
    for col in ("publication_date", "fieldwork_start", "fieldwork_end"):
        for name, series in _date_columns(df[col], col).items():
            out[name] = series
    year, year_source = _years(out, df["inspection_id"])
    out["year"] = year
    out["year_source"] = year_source
    out["overall_rating"] = pd.Categorical(df["overall_rating"], dtype=RATING_DTYPE)
    out["rating_score"] = rating_score(df["overall_rating"])
    out["previous_rating"] = pd.Categorical(df["previous_rating"], dtype=RATING_DTYPE)
    for col in INT_COLUMNS:
        out[col] = pd.array(df[col].tolist(), dtype="Int64")
    for col in ("source_url", "source_type", "notes"):
        out[col] = df[col].astype("string")
    return out.sort_values(["publication_date", "inspection_id"], kind="stable").reset_index(
        drop=True
    )


def _years(out: pd.DataFrame, ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The year an inspection belongs to in by-year views, and where it comes from.

    The publication year; else the fieldwork year; else the year in the inspection id
    (ids carry the year their source gives), so no inspection drops out of a by-year
    view for want of a day and month.
    """
    from_id = pd.to_numeric(ids.str.extract(r"-(\d{4})(?:-[a-z])?$")[0], errors="coerce")
    pub = out["publication_date"].dt.year
    field = out["fieldwork_start"].dt.year
    year = pub.fillna(field).fillna(pd.Series(from_id.to_numpy(), index=out.index))
    source = pd.Series("id", index=out.index, dtype=object)
    source[field.notna()] = "fieldwork_start"
    source[pub.notna()] = "publication_date"
    source[year.isna()] = None
    return year.astype("Int64"), source.astype("string")


def _dropline_no(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="line_no").reset_index(drop=True)


def tidy_long(frame: pd.DataFrame, sort: list[str]) -> pd.DataFrame:
    """Typed copy of a long table (staffing, case measures, standard ratings)."""
    out = _dropline_no(frame)
    for col in out.columns:
        if col in ("value", "value_pct"):
            out[col] = out[col].astype("float64")
        elif col in ("n_counted", "n_cases"):
            out[col] = pd.array(out[col].tolist(), dtype="Int64")
        elif col == "rating":
            out[col] = pd.Categorical(out[col], dtype=RATING_DTYPE)
        else:
            # Empty vocabulary codes ("exact", "basis not stated") become missing, as on reload.
            out[col] = out[col].astype("string").replace("", pd.NA)
    return out.sort_values(sort, kind="stable").reset_index(drop=True)


def tidy_units(raw: RawData) -> pd.DataFrame:
    """The canonical unit table."""
    out = _dropline_no(raw.units).astype("string")
    return out.sort_values(["unit_type", "unit_id"], kind="stable").reset_index(drop=True)


def staffing_wide(staffing: pd.DataFrame) -> pd.DataFrame:
    """Wide staffing columns ``<measure>_<grade>`` from exact figures only.

    Figures with a qualifier ("less than 50 per cent") are kept in the long
    table but left out here, because a bound is not a value. Where several
    exact figures exist for one inspection, measure and grade, the primary
    source is preferred, then the latest ``as_at`` date, then file order.
    """
    exact = staffing[(staffing["qualifier"].fillna("") == "") & (staffing["measure"] != "other")]
    if exact.empty:
        return pd.DataFrame(index=pd.Index([], name="inspection_id", dtype="string"))
    exact = exact.assign(
        column=exact["measure"] + "_" + exact["grade"].str.lower(),
        _primary=(exact["source_type"] == "primary").astype(int),
        _as_at=exact["as_at"].fillna(""),
        _order=np.arange(len(exact)),
    )
    exact = exact.sort_values(["_primary", "_as_at", "_order"], ascending=[False, False, True])
    chosen = exact.drop_duplicates(["inspection_id", "column"], keep="first")
    wide = chosen.pivot(index="inspection_id", columns="column", values="value")
    wide.columns.name = None
    return wide[sorted(wide.columns)]


def case_wide(cases: pd.DataFrame) -> pd.DataFrame:
    """Wide case-sample columns ``case_<stage>_<aspect>_pct`` and ``_n``.

    The percentage is taken as stated, or computed as ``100 k / n`` when only
    counts are given. ``_n`` is the stated denominator only (never imputed
    from the number of cases inspected). Qualified figures and figures that
    count shortfalls rather than sufficient cases are left out.
    """
    exact = cases[(cases["qualifier"].fillna("") == "") & (cases["judged"] == "sufficient")]
    exact = exact[(exact["stage"] != "other") & (exact["aspect"] != "other")]
    if exact.empty:
        return pd.DataFrame(index=pd.Index([], name="inspection_id", dtype="string"))
    pct = exact["value_pct"].astype("float64")
    from_counts = 100 * exact["n_counted"].astype("float64") / exact["n_cases"].astype("float64")
    exact = exact.assign(
        pct=pct.fillna(from_counts),
        n=exact["n_cases"].astype("float64"),
        base="case_" + exact["stage"] + "_" + exact["aspect"],
    ).drop_duplicates(["inspection_id", "base"], keep="first")
    pct_w = exact.pivot(index="inspection_id", columns="base", values="pct").add_suffix("_pct")
    n_w = exact.pivot(index="inspection_id", columns="base", values="n").add_suffix("_n")
    n_w = n_w.loc[:, n_w.notna().any()]
    wide = pct_w.join(n_w)
    wide.columns.name = None
    return wide[sorted(wide.columns)]


FEATURE_ID_COLUMNS = (
    "inspection_id",
    "unit_id",
    "unit_type",
    "era",
    "unit_name",
    "region",
    "publication_date",
    "fieldwork_start",
    "year",
    "year_source",
    "overall_rating",
    "rating_score",
    "score",
    "score_max",
    "cases_inspected",
)


def features(
    inspections: pd.DataFrame, staffing: pd.DataFrame, cases: pd.DataFrame
) -> pd.DataFrame:
    """The wide modelling view: one row per inspection, staffing and case measures as columns."""
    base = inspections[list(FEATURE_ID_COLUMNS)].set_index("inspection_id")
    wide = base.join(staffing_wide(staffing)).join(case_wide(cases))
    wide = wide.join(harmonise(wide))
    derived = pd.DataFrame(index=wide.index)
    if {"staffing_pct_target_po", "staffing_pct_target_pso"} <= set(wide.columns):
        # Ratio of fill rates, not of head counts: the sources give percentages of target.
        derived["po_pso_fill_ratio"] = (
            wide["staffing_pct_target_po"] / wide["staffing_pct_target_pso"]
        )
    return wide.join(derived).reset_index()


def order_dates(frame: pd.DataFrame) -> pd.Series:
    """Date used only to put a unit's inspections in time order.

    The publication date where known, else fieldwork start, else 1 January of
    the year in the inspection id (ids carry the publication year, so an
    inspection published on an unknown day of 2018 still sorts before 2020).
    """
    year = frame["inspection_id"].str.extract(r"-(\d{4})(?:-[a-z])?$")[0]
    from_id = pd.to_datetime(year, format="%Y", errors="coerce").astype("datetime64[s]")
    return frame["publication_date"].fillna(frame["fieldwork_start"]).fillna(from_id)


def panel(feat: pd.DataFrame) -> pd.DataFrame:
    """Units inspected more than once, in time order, with the change since last time.

    ``rating_change`` is the later rating score minus the earlier one (+1 is
    one step better). ``delta_<col>`` columns give the change in each staffing
    and case measure where both inspections have it.
    """
    numeric = [
        c
        for c in feat.columns
        if c not in FEATURE_ID_COLUMNS
        and pd.api.types.is_float_dtype(feat[c])
        and not c.endswith("_n")  # a change in sample size is not a change in the unit
    ]
    df = (
        feat.assign(_order=order_dates(feat))
        .sort_values(["unit_id", "_order", "inspection_id"], kind="stable")
        .drop(columns="_order")
    )
    counts = df.groupby("unit_id")["inspection_id"].transform("size")
    df = df[counts > 1].copy()
    grp = df.groupby("unit_id", sort=False)
    df.insert(2, "visit_number", grp.cumcount() + 1)
    df.insert(3, "previous_inspection_id", grp["inspection_id"].shift())
    df.insert(
        4,
        "days_since_previous",
        (df["publication_date"] - grp["publication_date"].shift()).dt.days.astype("Int64"),
    )
    prev = grp["overall_rating"].shift()
    df.insert(5, "previous_overall_rating", pd.Categorical(prev, dtype=RATING_DTYPE))
    df.insert(6, "rating_change", df["rating_score"] - grp["rating_score"].shift())
    for col in numeric:
        df[f"delta_{col}"] = df[col] - grp[col].shift()
    return df.reset_index(drop=True)


def check_previous_ratings(inspections: pd.DataFrame, raw: RawData) -> list[Problem]:
    """A stated previous rating must agree with our own record of that inspection."""
    problems = []
    df = inspections.assign(_order=order_dates(inspections)).sort_values(
        ["unit_id", "_order"], kind="stable"
    )
    prev = df.groupby("unit_id")["overall_rating"].shift()
    prev_year = df.groupby("unit_id")["_order"].shift().dt.year
    lines = dict(zip(raw.inspections["inspection_id"], raw.inspections["line_no"], strict=True))
    for i, row in df.iterrows():
        stated = row["previous_rating"]
        if pd.isna(stated) or pd.isna(prev[i]):
            continue
        if stated != prev[i]:
            problems.append(
                Problem(
                    str(raw.paths["inspections"]),
                    int(lines[row["inspection_id"]]),
                    "previous_rating",
                    f"stated previous rating disagrees with the dataset's earlier inspection "
                    f"of this unit ({prev[i]!r} published {int(prev_year[i])})",
                    stated,
                )
            )
    return problems
