"""Attach an analyst's own staffing panel to the inspections: the harmonised measures.

:func:`attach_staffing` takes a long staffing panel (see :mod:`probstats.dataset.panel`)
and gives each inspection, for each harmonised measure of the analysis's four
dimensions, the latest figure for its unit **at or before** the reference date (never a
later one), with a trail: ``<name>_from`` (the formula and inputs),
``<name>_as_at`` (the date of the figure) and ``<name>_lag_days``.

The harmonised measures and how a panel gives them (first form available at a date
wins; inputs of a formula always come from the same unit, grade and date):

================================  ============================================================
``shortfall_po_pct``              ``vacancy_rate[PO]``; else ``100 * (fte_target[PO] -
                                  fte_in_post[PO]) / fte_target[PO]``; else ``100 *
                                  vacancies_fte[PO] / fte_target[PO]``; else ``100 -
                                  staffing_pct_target[PO]``. Negative: above target.
``shortfall_all_pct``             the same for grade ``all`` (a proxy, labelled as such)
``mix_po_share_pct``              ``100 * fte_in_post[PO] / (fte_in_post[PO] +
                                  fte_in_post[PSO])``; else the same with headcounts
``mix_po_pso_ratio``              ``fte_in_post[PO] / fte_in_post[PSO]``; else headcounts
``workload_caseload_po``          ``caseload_average[PO]``
``workload_caseload_practitioner``  ``caseload_average[practitioner]`` (PO and PSO together)
``sickness_days_per_fte``         ``sickness_days_per_fte[all]``; else
                                  ``sickness_days_lost[all] / average_fte[all]``
================================  ============================================================

Grades are never mixed: a PO measure uses PO figures only, an all-staff one ``all``
figures only (a grade-specific sickness figure is kept in the panel but not used).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from probstats.dataset.harmonise import MEASURES
from probstats.dataset.panel import check_staffing_panel, default_units, read_staffing_panel
from probstats.dataset.vocab import SYNTHETIC_LABEL
from probstats.errors import FallbackDateWarning, InvalidArgumentError, StaffingMatchWarning
from probstats.official.join import _reference_dates, asof_join
from probstats.official.measures import (
    po_pso_ratio,
    po_share_of_practitioners,
    sickness_days_per_fte,
    staffing_pct_of_target,
)

__all__ = [
    "HARMONISED",
    "DEFAULT_MAX_LAG_DAYS",
    "StaffingReport",
    "attach_staffing",
    "harmonise_panel",
    "harmonised_columns",
    "staffing_features_from_file",
    "staffing_source_line",
    "with_staffing_features",
]

#: The harmonised measures (:data:`probstats.dataset.harmonise.MEASURES`), in order.
HARMONISED: tuple[str, ...] = tuple(m.name for m in MEASURES)

#: A figure may be at most this many days older than the date it is attached for.
DEFAULT_MAX_LAG_DAYS = 92


_Wide = pd.DataFrame
_Recipe = tuple[str, Callable[[_Wide], pd.Series]]


def _col(wide: _Wide, measure: str, grade: str) -> pd.Series:
    name = f"{measure}[{grade}]"
    return wide[name] if name in wide.columns else pd.Series(np.nan, index=wide.index)


def _shortfall(grade: str) -> list[_Recipe]:
    g = grade
    return [
        (f"panel: vacancy_rate[{g}]", lambda w: _col(w, "vacancy_rate", g)),
        (
            f"panel: 100 * (fte_target[{g}] - fte_in_post[{g}]) / fte_target[{g}]",
            lambda w: (
                100 - staffing_pct_of_target(_col(w, "fte_in_post", g), _col(w, "fte_target", g))
            ),
        ),
        (
            f"panel: 100 * vacancies_fte[{g}] / fte_target[{g}]",
            lambda w: staffing_pct_of_target(_col(w, "vacancies_fte", g), _col(w, "fte_target", g)),
        ),
        (
            f"panel: 100 - staffing_pct_target[{g}]",
            lambda w: 100 - _col(w, "staffing_pct_target", g),
        ),
    ]


def _mix(fn, formula: str) -> list[_Recipe]:
    out = []
    for basis in ("fte_in_post", "headcount_in_post"):
        text = formula.format(po=f"{basis}[PO]", pso=f"{basis}[PSO]")
        out.append((f"panel: {text}", lambda w, b=basis: fn(_col(w, b, "PO"), _col(w, b, "PSO"))))
    return out


#: How each harmonised measure is read from a panel, in order of preference.
RECIPES: dict[str, list[_Recipe]] = {
    "shortfall_po_pct": _shortfall("PO"),
    "shortfall_all_pct": _shortfall("all"),
    "mix_po_share_pct": _mix(po_share_of_practitioners, "100 * {po} / ({po} + {pso})"),
    "mix_po_pso_ratio": _mix(po_pso_ratio, "{po} / {pso}"),
    "workload_caseload_po": [
        ("panel: caseload_average[PO]", lambda w: _col(w, "caseload_average", "PO"))
    ],
    "workload_caseload_practitioner": [
        (
            "panel: caseload_average[practitioner]",
            lambda w: _col(w, "caseload_average", "practitioner"),
        )
    ],
    "sickness_days_per_fte": [
        ("panel: sickness_days_per_fte[all]", lambda w: _col(w, "sickness_days_per_fte", "all")),
        (
            "panel: sickness_days_lost[all] / average_fte[all]",
            lambda w: sickness_days_per_fte(
                _col(w, "sickness_days_lost", "all"), _col(w, "average_fte", "all")
            ),
        ),
    ],
}


def harmonise_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """The harmonised measures at every unit and date of a checked panel.

    Parameters
    ----------
    panel
        A checked panel (:func:`probstats.dataset.panel.read_staffing_panel`): needs
        ``unit_id, as_at, measure, grade, value``.

    Returns
    -------
    pandas.DataFrame
        Long: ``unit_id, as_at, measure`` (a harmonised name), ``value, from`` (the
        formula used), one row per unit, date and measure the panel gives.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.official.panel import harmonise_panel
    >>> panel = pd.DataFrame({"unit_id": ["pdu-a"] * 3,
    ...     "as_at": pd.to_datetime(["2024-09-30"] * 3),
    ...     "measure": ["fte_in_post", "fte_target", "fte_in_post"],
    ...     "grade": ["PO", "PO", "PSO"], "value": [30.0, 40.0, 20.0]})
    >>> h = harmonise_panel(panel).set_index("measure")
    >>> float(h.loc["shortfall_po_pct", "value"])
    25.0
    >>> h.loc["shortfall_po_pct", "from"]
    'panel: 100 * (fte_target[PO] - fte_in_post[PO]) / fte_target[PO]'
    >>> float(h.loc["mix_po_share_pct", "value"])
    60.0
    """
    cols = ["unit_id", "as_at", "measure", "value", "from"]
    if panel.empty:
        return pd.DataFrame(columns=cols)
    keyed = panel.assign(_col=panel["measure"].astype(str) + "[" + panel["grade"].astype(str) + "]")
    keyed = keyed.assign(unit_id=keyed["unit_id"].astype(str))
    wide = keyed.pivot_table(
        index=["unit_id", "as_at"], columns="_col", values="value", aggfunc="first"
    )
    frames = []
    for name, recipes in RECIPES.items():
        value = pd.Series(np.nan, index=wide.index)
        source = pd.Series(pd.NA, index=wide.index, dtype="string")
        for label, fn in recipes:
            candidate = pd.Series(np.asarray(fn(wide), dtype=float), index=wide.index)
            take = value.isna() & candidate.notna()
            value = value.where(~take, candidate)
            source = source.where(~take, label)
        got = value.notna()
        frames.append(pd.DataFrame({"measure": name, "value": value[got], "from": source[got]}))
    out = pd.concat(frames).reset_index()
    out["as_at"] = pd.to_datetime(out["as_at"]).astype("datetime64[s]")
    return out[cols].sort_values(["unit_id", "measure", "as_at"], ignore_index=True)


def harmonised_columns(frame: pd.DataFrame | None = None) -> list[str]:
    """Names of the harmonised measures and their trail columns (in ``frame``, if given).

    Examples
    --------
    >>> from probstats.official.panel import harmonised_columns
    >>> harmonised_columns()[:4]  # doctest: +NORMALIZE_WHITESPACE
    ['shortfall_po_pct', 'shortfall_po_pct_from', 'shortfall_po_pct_as_at',
     'shortfall_po_pct_lag_days']
    """
    names = [f"{m}{suffix}" for m in HARMONISED for suffix in ("", "_from", "_as_at", "_lag_days")]
    return names if frame is None else [c for c in names if c in frame.columns]


@dataclass(eq=False)
class StaffingReport:
    """What :func:`attach_staffing` matched, and how old the figures it attached are.

    ``coverage`` has one row per harmonised measure: ``measure``, ``n_attached`` and
    the reasons the others have none (``no_date``: the inspection has neither date;
    ``no_unit_figure``: the panel gives no figure of this measure for the unit;
    ``no_earlier_figure``: only figures after the reference date; ``too_old``: the
    latest earlier figure is older than ``max_lag_days``), then the lag distribution in
    days (``lag_min, lag_median, lag_max``) and the forms used (``from``).
    """

    n_inspections: int
    coverage: pd.DataFrame
    unmatched_units: dict[str, str] = field(default_factory=dict)
    units_in_panel: int = 0
    inspections_of_panel_units: int = 0
    n_fallback: int = 0
    reference: str = "fieldwork_start"
    fallback: str | None = "publication_date"
    lag_months: int = 0
    max_lag_days: int | None = DEFAULT_MAX_LAG_DAYS
    provenance: tuple[str, ...] = ()
    private: bool = False
    source: str = ""

    def summary(self) -> str:
        """A few lines for a log or a notebook."""
        lines = [
            f"{self.inspections_of_panel_units} of {self.n_inspections} inspections are of "
            f"the {self.units_in_panel} units in the panel; reference date {self.reference}"
            + (f" (else {self.fallback}, used for {self.n_fallback})" if self.fallback else "")
            + (f", {self.lag_months} month(s) earlier" if self.lag_months else ""),
        ]
        if self.unmatched_units:
            lines.append(f"unmatched unit names: {', '.join(sorted(self.unmatched_units))}")
        for row in self.coverage.itertuples(index=False):
            if row.n_attached:
                lines.append(
                    f"{row.measure}: {row.n_attached} attached, lag {row.lag_min:g}-"
                    f"{row.lag_max:g} days (median {row.lag_median:g})"
                )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def staffing_source_line(panel: pd.DataFrame, inspections: pd.DataFrame | None = None) -> str:
    """A figure source line naming the panel's provenance (and whether it is private).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.official.panel import staffing_source_line
    >>> panel = pd.DataFrame({"provenance": ["internal extract, PDU workforce report"] * 2,
    ...                       "private": [True, False]})
    >>> import textwrap
    >>> print(textwrap.fill(staffing_source_line(panel), 80))
    Source: staffing figures from internal extract, PDU workforce report (private
    data, not for publication); inspection ratings from HM Inspectorate of Probation
    reports, compiled in the probstats dataset.
    """
    counts = panel["provenance"].astype(str).value_counts(sort=False)
    order = sorted(counts.index, key=lambda p: (-counts[p], p))
    notes = inspections["notes"].astype(str) if inspections is not None else None
    synthetic_ratings = (
        notes is not None and len(notes) and notes.str.contains(SYNTHETIC_LABEL, regex=False).all()
    )
    if order == [SYNTHETIC_LABEL] and synthetic_ratings:
        return (
            "Source: SYNTHETIC data simulated by probstats (staffing panel and inspection "
            "ratings), not real data."
        )
    shown = "; ".join(order[:3]) + (f"; and {len(order) - 3} more" if len(order) > 3 else "")
    private = bool(panel["private"].astype(bool).any()) if "private" in panel else False
    ratings = (
        SYNTHETIC_LABEL
        if synthetic_ratings
        else "HM Inspectorate of Probation reports, compiled in the probstats dataset"
    )
    return (
        f"Source: staffing figures from {shown}"
        + (" (private data, not for publication)" if private else "")
        + f"; inspection ratings from {ratings}."
    )


def _checked_panel(panel: pd.DataFrame, units: pd.DataFrame | None) -> pd.DataFrame:
    if {"unit_id", "as_at", "measure", "grade", "value"} <= set(panel.columns):
        return panel
    return check_staffing_panel(
        panel, default_units() if units is None else units, unknown_units="drop"
    )


def _reference(inspections, at, fallback, lag_months):
    """Reference dates (``at``, else each ``fallback`` column in turn), which column gave
    each, how many fell back, and the target date ``lag_months`` earlier."""
    ref, used, n_fallback = _reference_dates(inspections, at, fallback)
    target = ref - pd.DateOffset(months=lag_months) if lag_months else ref
    return ref, target, used, n_fallback


# long: one as-of join per harmonised measure plus its trail columns and the report's counts
def attach_staffing(
    inspections: pd.DataFrame,
    panel: pd.DataFrame,
    *,
    units: pd.DataFrame | None = None,
    at: str = "fieldwork_start",
    fallback: str | tuple[str, ...] | None = "publication_date",
    max_lag_days: int | None = DEFAULT_MAX_LAG_DAYS,
    lag_months: int = 0,
) -> pd.DataFrame:
    """Give each inspection the harmonised staffing measures of its unit, as at fieldwork.

    For each inspection the reference date is ``at`` (default: the first day of
    fieldwork; processed dates are the first day of their period) or, where that is
    unknown, ``fallback``. For each harmonised measure the figure attached is the
    unit's latest one whose date (a panel month means its last day) is **on or before**
    the reference date moved ``lag_months`` earlier: with fieldwork in January 2024 and
    monthly figures, the figure as at 31 December 2023. A later figure is never used.

    Parameters
    ----------
    inspections
        One row per inspection with ``inspection_id``, ``unit_id`` and the date
        columns (as from :func:`probstats.load_inspections`).
    panel
        A staffing panel: checked (:func:`probstats.dataset.panel.read_staffing_panel`)
        or a frame in the file's columns, which is checked here (rows whose unit name
        matches no unit are dropped and reported; any other problem raises).
    units
        Canonical units for name resolution (default: the probstats dataset's).
    at, fallback
        Reference date column, and the column(s) used in turn when it is missing (a
        name, a tuple of names, or ``None``); ``"year"`` is read as 1 July of the
        inspection's year (flagged in ``staffing_date_used``).
    max_lag_days
        A figure may be at most this many days older than the date it is attached
        for (the reference date moved ``lag_months`` earlier); ``None``: no limit.
    lag_months
        Attach the figure of this many months before the reference date (a lagged
        exposure); 0 (default): the latest before fieldwork.

    Returns
    -------
    pandas.DataFrame
        A copy of ``inspections`` with ``staffing_reference_date``,
        ``staffing_date_used`` and, for each harmonised measure ``<m>``
        (:data:`HARMONISED`), ``<m>`` (value), ``<m>_from`` (formula and inputs),
        ``<m>_as_at`` (date of the figure) and ``<m>_lag_days`` (reference date minus
        that date). ``attrs["staffing_report"]`` is a :class:`StaffingReport`;
        ``attrs["staffing_source"]`` a source line for figures.

    Warns
    -----
    StaffingMatchWarning
        When some panel unit names match no unit (listed in the report).
    FallbackDateWarning
        When the fallback date was used for some inspections.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.official.panel import attach_staffing
    >>> units = pd.DataFrame({"unit_id": ["pdu-a"], "unit_type": ["PDU"], "name": ["Avon"],
    ...                       "aliases": [""]})
    >>> panel = pd.DataFrame({"unit": "Avon PDU", "period": ["2023-12", "2023-12", "2024-01"],
    ...     "measure": ["fte_in_post", "fte_target", "vacancy_rate"], "grade": "PO",
    ...     "value": [30, 40, 10], "provenance": "internal extract", "private": True,
    ...     "notes": ""})
    >>> insp = pd.DataFrame({"inspection_id": ["pdu-a-2024"], "unit_id": ["pdu-a"],
    ...     "fieldwork_start": pd.to_datetime(["2024-01-01"]),
    ...     "publication_date": pd.to_datetime(["2024-04-01"])})
    >>> out = attach_staffing(insp, panel, units=units)
    >>> row = out.iloc[0]
    >>> float(row["shortfall_po_pct"]), int(row["shortfall_po_pct_lag_days"])
    (25.0, 1)
    >>> row["shortfall_po_pct_from"]
    'panel: 100 * (fte_target[PO] - fte_in_post[PO]) / fte_target[PO]'
    >>> print(out.attrs["staffing_report"].summary().splitlines()[1])
    shortfall_po_pct: 1 attached, lag 1-1 days (median 1)
    """
    if lag_months < 0:
        raise InvalidArgumentError("lag_months must be 0 or more (no look-ahead)")
    chain = (fallback,) if isinstance(fallback, str) else tuple(fallback or ())
    needed = {"inspection_id", "unit_id", at, *chain}
    missing = sorted(needed - set(inspections.columns))
    if missing:
        raise InvalidArgumentError(f"inspections lack column(s): {', '.join(missing)}")
    checked = _checked_panel(panel, units)
    unmatched = dict(checked.attrs.get("unmatched_units", {}))
    long = harmonise_panel(checked)
    ref, target, used, n_fallback = _reference(inspections, at, fallback, lag_months)
    left = pd.DataFrame(
        {"unit_id": inspections["unit_id"].astype("string"), "_ref": target},
        index=inspections.index,
    )
    out = inspections.copy()
    out["staffing_reference_date"] = ref.astype("datetime64[s]")
    out["staffing_date_used"] = used.astype("string")
    panel_units = set(long["unit_id"]) if len(long) else set()
    rows = []
    for name in HARMONISED:
        series = long[long["measure"] == name].reset_index(drop=True)
        chosen = asof_join(
            left,
            series,
            left_on="_ref",
            right_on="as_at",
            by="unit_id",
            preference=pd.Series(np.zeros(len(series))),
        )
        hit = chosen.notna()
        picked = series.loc[chosen[hit].to_numpy()].set_axis(chosen.index[hit])
        as_at = picked["as_at"].astype("datetime64[ns]").reindex(out.index)
        stale = (target - as_at).dt.days
        keep = hit & ~(stale > max_lag_days if max_lag_days is not None else False)
        out[name] = picked["value"].reindex(out.index).where(keep).astype(float)
        out[f"{name}_from"] = picked["from"].reindex(out.index).where(keep).astype("string")
        out[f"{name}_as_at"] = as_at.where(keep).astype("datetime64[s]")
        out[f"{name}_lag_days"] = (ref - as_at).dt.days.where(keep).astype("Int64")
        has_unit = left["unit_id"].isin(set(series["unit_id"])).fillna(False)
        rows.append(
            {
                "measure": name,
                "n_attached": int(keep.sum()),
                "no_date": int(ref.isna().sum()),
                "no_unit_figure": int((ref.notna() & ~has_unit).sum()),
                "no_earlier_figure": int((ref.notna() & has_unit & ~hit).sum()),
                "too_old": int((hit & ~keep).sum()),
                "lag_min": out.loc[keep, f"{name}_lag_days"].min() if keep.any() else np.nan,
                "lag_median": float(out.loc[keep, f"{name}_lag_days"].median())
                if keep.any()
                else np.nan,
                "lag_max": out.loc[keep, f"{name}_lag_days"].max() if keep.any() else np.nan,
                "from": "; ".join(sorted(set(out.loc[keep, f"{name}_from"].dropna()))),
            }
        )
    source = staffing_source_line(checked, inspections if "notes" in inspections else None)
    report = StaffingReport(
        n_inspections=len(inspections),
        coverage=pd.DataFrame(rows),
        unmatched_units=unmatched,
        units_in_panel=len(panel_units),
        inspections_of_panel_units=int(left["unit_id"].isin(panel_units).fillna(False).sum()),
        n_fallback=n_fallback,
        reference=at,
        fallback=fallback,
        lag_months=lag_months,
        max_lag_days=max_lag_days,
        provenance=tuple(dict.fromkeys(checked["provenance"].astype(str))),
        private=bool(checked["private"].astype(bool).any()) if len(checked) else False,
        source=source,
    )
    out.attrs["staffing_report"] = report
    out.attrs["staffing_source"] = source
    if unmatched:
        warnings.warn(
            f"{len(unmatched)} unit name(s) in the staffing panel match no unit and were "
            f"left out: {'; '.join(unmatched.values())}",
            StaffingMatchWarning,
            stacklevel=2,
        )
    if n_fallback:
        warnings.warn(
            f"{n_fallback} inspection(s) had no {at}; {' or '.join(chain)} was used instead "
            "(see column staffing_date_used)",
            FallbackDateWarning,
            stacklevel=2,
        )
    return out


def with_staffing_features(features: pd.DataFrame, staffing: pd.DataFrame) -> pd.DataFrame:
    """The features view with its harmonised columns taken from ``staffing``.

    Columns of ``staffing`` (matched on ``inspection_id``) replace same-named columns of
    ``features``; inspections ``staffing`` does not cover get NA. ``staffing``'s attrs
    (the report and source line) are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.official.panel import with_staffing_features
    >>> feats = pd.DataFrame({"inspection_id": ["a", "b"], "shortfall_po_pct": [1.0, 2.0]})
    >>> staff = pd.DataFrame({"inspection_id": ["b"], "shortfall_po_pct": [30.0]})
    >>> with_staffing_features(feats, staff)["shortfall_po_pct"].tolist()
    [nan, 30.0]
    """
    cols = [c for c in staffing.columns if c != "inspection_id"]
    base = features.drop(columns=[c for c in cols if c in features.columns])
    out = base.merge(staffing[["inspection_id", *cols]], on="inspection_id", how="left")
    out.index = features.index
    out.attrs = {**features.attrs, **staffing.attrs}
    return out


def staffing_features_from_file(
    path: str | Path, inspections: pd.DataFrame, units: pd.DataFrame, **options
) -> pd.DataFrame:
    """Read and check a staffing panel file strictly, then attach it: what the build does.

    Unlike :func:`attach_staffing` given a frame, an unknown unit name is an error here
    (a build must not silently lose a unit). ``options`` go to :func:`attach_staffing`.

    Returns
    -------
    pandas.DataFrame
        Per inspection: ``inspection_id, staffing_reference_date, staffing_date_used``
        and the harmonised columns (:func:`harmonised_columns`), with the attrs of
        :func:`attach_staffing` (``staffing_report``, ``staffing_source``).

    Raises
    ------
    DataValidationError
        Listing every problem of the file with line and column.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from probstats.official.panel import staffing_features_from_file
    >>> units = pd.DataFrame({"unit_id": ["pdu-a"], "unit_type": ["PDU"], "name": ["Avon"],
    ...                       "aliases": [""]})
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> _ = p.write_text("unit,period,measure,grade,value,provenance,private,notes\\n"
    ...                  "Avon,2023-12,vacancy_rate,PO,22.5,HR extract 2024-01,true,\\n")
    >>> insp = pd.DataFrame({"inspection_id": ["pdu-a-2024"], "unit_id": ["pdu-a"],
    ...     "fieldwork_start": pd.to_datetime(["2024-01-08"]),
    ...     "publication_date": pd.to_datetime(["2024-04-01"])})
    >>> out = staffing_features_from_file(p, insp, units)
    >>> float(out.loc[0, "shortfall_po_pct"]), int(out.loc[0, "shortfall_po_pct_lag_days"])
    (22.5, 8)
    """
    panel = read_staffing_panel(path, units)
    attached = attach_staffing(inspections, panel, units=units, **options)
    cols = ["inspection_id", "staffing_reference_date", "staffing_date_used"]
    out = attached[[*cols, *harmonised_columns()]].reset_index(drop=True)
    out.attrs = dict(attached.attrs)
    return out
