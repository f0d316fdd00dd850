"""The as-of join: each inspection gets the official figure for its region as at the
latest date at or before its fieldwork, never a later one.

One implementation (:func:`asof_join`, a ``pandas.merge_asof`` on the date a figure
became usable) serves the official regional figures here and an analyst's own
staffing panel (:func:`probstats.official.panel.attach_staffing`).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd

from probstats.dataset.vocab import OFFICIAL_MEASURES
from probstats.errors import FallbackDateWarning, InvalidArgumentError

__all__ = ["asof_join", "attach_regional_staffing"]

Reference = Literal["fieldwork_start", "publication_date"]
#: Temporal rules for matching a snapshot to an inspection (see attach_regional_staffing).
Rule = Literal["as_of", "nearest", "latest"]


def asof_join(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    left_on: str,
    right_on: str,
    by: str | None,
    preference: pd.Series,
    available: pd.Series | None = None,
) -> pd.Series:
    """For each row of ``left``, the index label of the best ``right`` row at or before it.

    Among the ``right`` rows of the same ``by`` group whose ``available`` date (default:
    ``right_on``) is on or before ``left[left_on]``, the row with the latest
    ``right_on`` wins, ties broken by the larger ``preference``. Rows of ``left``
    with a missing date or group get NA. Vectorised: the running best row (in order
    of availability) is carried by ``merge_asof``, so a figure that became available
    early but refers to a later date is still preferred to one published later
    about an earlier date.

    Both key columns are compared as plain strings and both dates as
    ``datetime64[ns]``, so mixed string dtypes (``str`` vs ``string[python]``) and
    datetime resolutions (``[s]`` vs ``[us]``) join correctly.

    Examples
    --------
    >>> from probstats.official.join import asof_join
    >>> import pandas as pd
    >>> left = pd.DataFrame({"g": ["a", "a"], "d": pd.to_datetime(["2023-05-01", "2023-01-01"])})
    >>> right = pd.DataFrame({"g": ["a", "a"], "e": pd.to_datetime(["2022-12-31", "2023-03-31"])})
    >>> asof_join(left, right, left_on="d", right_on="e", by="g",
    ...           preference=pd.Series([0, 0])).tolist()
    [1, 0]
    """
    avail = (right[right_on] if available is None else available).astype("datetime64[ns]")
    r = pd.DataFrame(
        {
            "_key": right[by].astype(object).astype(str) if by else "",
            "_avail": avail,
            "_date": right[right_on].astype("datetime64[ns]"),
            "_pref": preference.to_numpy(),
            "_label": np.asarray(right.index, dtype=object),
        }
    ).dropna(subset=["_avail", "_date"])
    # rank every candidate: later period first, then the stated preference
    r = r.sort_values(["_date", "_pref"], kind="mergesort")
    r["_rank"] = np.arange(len(r))
    r = r.sort_values(["_avail", "_rank"], kind="mergesort")
    r["_best"] = r.groupby("_key", sort=False)["_rank"].cummax()
    label_of = dict(zip(r["_rank"], r["_label"], strict=True))
    keys = left[by].astype(object) if by else pd.Series("", index=left.index)
    lf = pd.DataFrame(
        {
            "_key": keys.where(keys.notna(), None),
            "_ref": left[left_on].astype("datetime64[ns]"),
            "_pos": np.arange(len(left)),
        }
    )
    usable = lf["_key"].notna() & lf["_ref"].notna()
    lf = lf[usable].assign(_key=lambda d: d["_key"].astype(str)).sort_values("_ref")
    out = pd.Series(pd.NA, index=left.index, dtype=object)
    if lf.empty or r.empty:
        return out
    m = pd.merge_asof(
        lf,
        r[["_key", "_avail", "_best"]].rename(columns={"_avail": "_ref"}),
        on="_ref",
        by="_key",
        direction="backward",
    )
    chosen = m["_best"].map(lambda b: label_of.get(b, pd.NA) if pd.notna(b) else pd.NA)
    out.iloc[m["_pos"].to_numpy()] = chosen.to_numpy()
    return out


def _source_rank(frame: pd.DataFrame) -> pd.Series:
    """Higher is preferred: primary before secondary, exact before qualified."""
    worse = (frame["source_type"] != "primary").astype(int) * 2 + (
        frame["qualifier"].fillna("") != ""
    ).astype(int)
    return -worse


def _as_dates(column: pd.Series, name: str) -> pd.Series:
    """A date column, or a year column read as 1 July of that year (mid-year)."""
    if name == "year" or pd.api.types.is_integer_dtype(column.dtype):
        years = pd.to_numeric(column, errors="coerce")
        return pd.to_datetime(
            years.astype("Int64").astype("string") + "-07-01", errors="coerce"
        ).astype("datetime64[ns]")
    return column.astype("datetime64[ns]")


def _reference_dates(inspections, reference, fallback) -> tuple[pd.Series, pd.Series, int]:
    """The date each inspection is matched at, which column gave it, and how many fell back."""
    ref = _as_dates(inspections[reference], reference)
    used = pd.Series(reference, index=inspections.index, dtype="string")
    n_fallback = 0
    chain = () if fallback is None else (fallback,) if isinstance(fallback, str) else fallback
    for col in chain:
        fb = _as_dates(inspections[col], col)
        take = ref.isna() & fb.notna()
        n_fallback += int(take.sum())
        ref = ref.where(~take, fb)
        used = used.where(~take, col)
    used = used.where(ref.notna(), pd.NA)
    return ref.dt.normalize(), used, n_fallback


def _pick(series, left, rule, available, preference) -> pd.Series:
    """Index label of the chosen official figure per inspection, under a temporal rule."""
    if rule == "as_of":
        return asof_join(
            left,
            series,
            left_on="_ref",
            right_on="period_end",
            by="_key",
            preference=preference,
            available=available,
        )
    best = series.assign(_pref=preference.to_numpy()).sort_values(
        ["period_end", "_pref"], kind="mergesort"
    )
    out = pd.Series(pd.NA, index=left.index, dtype=object)
    if rule == "latest":
        last = best.groupby("_key", sort=False).tail(1)
        label = dict(zip(last["_key"].astype(str), last.index, strict=True))
        keys = left["_key"].where(left["_ref"].notna())
        return keys.map(lambda k: label.get(str(k), pd.NA) if pd.notna(k) else pd.NA)
    # nearest: one (best) row per key and date, then the nearest date either side
    per_date = best.groupby(["_key", "period_end"], sort=False).tail(1)
    right = pd.DataFrame(
        {
            "_key": per_date["_key"].astype(str),
            "_ref": per_date["period_end"].astype("datetime64[ns]"),
            "_label": np.asarray(per_date.index, dtype=object),
        }
    ).sort_values("_ref")
    lf = left[left["_key"].notna() & left["_ref"].notna()]
    lf = lf.assign(_key=lf["_key"].astype(str), _pos=np.arange(len(lf)))
    if lf.empty or right.empty:
        return out
    m = pd.merge_asof(lf.sort_values("_ref"), right, on="_ref", by="_key", direction="nearest")
    out.loc[m.set_index(lf.sort_values("_ref").index).index] = m["_label"].to_numpy()
    return out


def attach_regional_staffing(
    inspections: pd.DataFrame,
    official: pd.DataFrame,
    measure: str,
    grade: str = "all",
    *,
    geography_type: Literal["region", "national"] = "region",
    reference: Reference = "fieldwork_start",
    fallback: str | tuple[str, ...] | None = "publication_date",
    rule: Rule = "as_of",
    require_published_before: bool = False,
    max_lag_days: int | None = None,
    include_secondary: bool = True,
    name: str | None = None,
) -> pd.DataFrame:
    """Attach to each inspection its region's official figure under a stated temporal rule.

    For every inspection, the reference date is ``fieldwork_start`` (or, when that is
    unknown, the first available column of ``fallback``, e.g. the publication date,
    or ``"year"``, read as 1 July of the inspection's year; flagged in the
    ``<name>_date_used`` column). Under the default rule ``"as_of"`` the figure
    attached is the one for the inspection's region (or the national one) whose
    stated period **ends** on or before the **first day** of the reference period:
    "2023-09" counts as 30 September 2023 and fieldwork "2023-09" as 1 September
    2023, so a figure from the same month is not used, and a figure dated after the
    reference date is never used.

    Official snapshots are sparse (the regional vacancy figures exist for September
    2023 only), so two other rules are offered for sensitivity analyses, each
    stating what it assumes: ``"nearest"`` takes the snapshot nearest in time on
    either side (look-ahead allowed: the figure stands for conditions around the
    inspection; ``<name>_lag_days`` is negative for a later figure) and
    ``"latest"`` takes the latest snapshot whatever the date (the figure stands for
    a stable regional characteristic). ``max_lag_days`` bounds the absolute lag.

    Parameters
    ----------
    inspections
        Needs ``region`` and the reference date columns (datetime64, as from
        :func:`probstats.dataset.loaders.load_inspections`, where a partial date is
        the first day of its period).
    official
        As returned by :func:`load_official`.
    measure, grade
        Which official series to attach (e.g. ``"vacancies_fte"``, ``"all"``).
    geography_type
        ``"region"`` matches ``region_canonical`` to the inspection's region;
        ``"national"`` attaches the national series to every inspection.
    reference, fallback
        Date column used, and the column(s) used in turn when it is missing (a name,
        a tuple of names, or ``None``: no fallback). ``"year"`` is read as mid-year.
    rule
        ``"as_of"`` (default), ``"nearest"`` or ``"latest"`` (see above).
    require_published_before
        Also require the figure's publication date to be on or before the
        reference date (what was *known* at fieldwork, not only what was
        *true*); figures without a publication date are then not used.
    max_lag_days
        Do not attach figures older than this many days.
    include_secondary
        Use figures whose ``source_type`` is "secondary".
    name
        Prefix of the new columns; default ``"<measure>_<grade>"``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``inspections`` with columns ``<name>`` (value),
        ``<name>_as_at`` (end of the figure's period), ``<name>_lag_days``,
        ``<name>_date_used`` ("fieldwork_start", "publication_date" or NA),
        ``<name>_qualifier``, ``<name>_source_url`` and ``<name>_status``
        (``matched``, ``no_region``, ``no_date``, ``no_earlier_figure``,
        ``too_old``). Where several figures share a date, a primary exact figure
        wins over a secondary or approximate one.

    Warns
    -----
    FallbackDateWarning
        When the fallback date was used for some inspections.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.official.join import attach_regional_staffing
    >>> from probstats.official import load_official
    >>> insp = pd.DataFrame({"inspection_id": ["a"], "region": ["London"],
    ...     "fieldwork_start": pd.to_datetime(["2024-02-05"]),
    ...     "publication_date": pd.to_datetime(["2024-05-01"])})
    >>> out = attach_regional_staffing(insp, load_official(), "vacancies_fte")
    >>> cols = ["vacancies_fte_all", "vacancies_fte_all_as_at", "vacancies_fte_all_lag_days"]
    >>> out[cols].values.tolist()
    [[457.0, Timestamp('2023-09-30 00:00:00'), 128]]
    >>> early = insp.assign(fieldwork_start=pd.to_datetime(["2023-01-10"]))
    >>> attach_regional_staffing(early, load_official(), "vacancies_fte",
    ...                          rule="nearest")["vacancies_fte_all_lag_days"].tolist()
    [-263]
    """
    if measure not in OFFICIAL_MEASURES:
        raise InvalidArgumentError(
            f"unknown measure {measure!r}; allowed: {', '.join(OFFICIAL_MEASURES)}"
        )
    if geography_type not in ("region", "national"):
        raise InvalidArgumentError("geography_type must be 'region' or 'national'")
    needed = {reference} | ({"region"} if geography_type == "region" else set())
    missing = sorted(c for c in needed if c not in inspections.columns)
    if missing:
        raise InvalidArgumentError(f"inspections lack column(s): {', '.join(missing)}")
    name = name or f"{measure}_{grade.lower()}"
    series = official[
        (official["measure"] == measure)
        & (official["grade"] == grade)
        & (official["geography_type"] == geography_type)
        & official["value"].notna()
    ]
    if not include_secondary:
        series = series[series["source_type"] == "primary"]
    if geography_type == "region":
        series = series[series["region_canonical"].fillna("") != ""]
    series = series.assign(_key=series["region_canonical"] if geography_type == "region" else "")
    available = None
    if require_published_before:
        series = series[series["publication_end"].notna()]
        available = series[["period_end", "publication_end"]].max(axis=1)
    # among figures for the same date, the lexically first source_url wins (a stable rule)
    order = series["source_url"].rank(method="dense", ascending=False)
    preference = _source_rank(series) * 1e6 + order
    missing = [
        c
        for c in ((fallback,) if isinstance(fallback, str) else fallback or ())
        if c not in inspections.columns
    ]
    if missing:
        raise InvalidArgumentError(f"inspections lack fallback column(s): {', '.join(missing)}")
    ref, used, n_fallback = _reference_dates(inspections, reference, fallback)
    left = pd.DataFrame(
        {
            "_key": inspections["region"] if geography_type == "region" else "",
            "_ref": ref,
        },
        index=inspections.index,
    )
    if rule not in ("as_of", "nearest", "latest"):
        raise InvalidArgumentError(f"rule={rule!r}; allowed are 'as_of', 'nearest', 'latest'")
    chosen = _pick(series, left, rule, available, preference)
    return _attach_columns(
        inspections,
        series,
        chosen,
        ref,
        used,
        geography_type,
        max_lag_days,
        name,
        n_fallback,
        reference,
        fallback,
    )


def _attach_columns(
    inspections,
    series,
    chosen,
    ref,
    used,
    geography_type,
    max_lag_days,
    name,
    n_fallback,
    reference,
    fallback,
) -> pd.DataFrame:
    """The value, its date, lag, provenance and a status per inspection."""
    hit = chosen.notna()
    rows = series.loc[chosen[hit].to_numpy()]
    rows.index = chosen.index[hit]
    as_at = rows["period_end"].astype("datetime64[ns]").reindex(inspections.index)
    lag = (ref - as_at).dt.days  # negative: the figure is dated after the reference
    status = pd.Series("matched", index=inspections.index, dtype=object)
    status[~hit] = "no_earlier_figure"
    if geography_type == "region":
        no_region = inspections["region"].isna() | (inspections["region"].astype(str) == "")
        status[no_region] = "no_region"
    status[ref.isna()] = "no_date"
    too_old = hit & (lag.abs() > max_lag_days) if max_lag_days is not None else hit & False
    status[too_old] = "too_old"
    keep = status == "matched"
    out = inspections.copy()
    out[name] = rows["value"].reindex(out.index).where(keep).astype(float)
    out[f"{name}_as_at"] = as_at.where(keep)
    out[f"{name}_lag_days"] = lag.where(keep).astype("Int64")
    out[f"{name}_date_used"] = used.astype("string")
    out[f"{name}_qualifier"] = rows["qualifier"].reindex(out.index).where(keep).astype("string")
    out[f"{name}_source_url"] = rows["source_url"].reindex(out.index).where(keep).astype("string")
    out[f"{name}_status"] = status.astype("string")
    if n_fallback:
        warnings.warn(
            f"{n_fallback} inspection(s) had no {reference}; {fallback} was used instead "
            f"(see column {name}_date_used)",
            FallbackDateWarning,
            stacklevel=3,
        )
    return out
