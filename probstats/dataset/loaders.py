"""Loaders for the processed tables: what analysts call from Jupyter.

Each loader reads ``data/processed/<table>.csv`` from the checkout, or the copy
shipped inside the installed package, and restores the column types (ordered
rating categoricals, dates, nullable integers).

Before parsing, the file is checked against its folder's build manifest
(:mod:`probstats.outputs`): a file from an interrupted, running or mixed build, a
truncated file or one edited by hand raises
:class:`~probstats.errors.IncompleteBuildError` naming it. Every cell is then
checked as :func:`probstats.dataset.io.read_csv` describes, and problems raise
:class:`~probstats.errors.DataValidationError` naming file, line and column.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pandas as pd

from probstats.dataset.io import read_csv
from probstats.dataset.paths import data_dir
from probstats.errors import ProcessedDataMissingError
from probstats.outputs import sha256, verified_bytes

#: Parsed tables by (path, SHA-256 of the bytes): a file is checked once per content.
_CACHE: OrderedDict[tuple[str, str], pd.DataFrame] = OrderedDict()
_CACHE_SIZE = 32


def _load(table: str, path: str | Path | None) -> pd.DataFrame:
    folder = Path(path) if path is not None else data_dir("processed")
    file = folder / f"{table}.csv"
    if not file.is_file():
        raise ProcessedDataMissingError(
            f"{file} not found: run `probstats build` to rebuild the processed data"
        )
    data = verified_bytes(file)
    key = (str(file.resolve()), sha256(data))
    if key not in _CACHE:
        _CACHE[key] = read_csv(file, data=data)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return _CACHE[key].copy()


def load_inspections(
    path: str | Path | None = None,
    *,
    official_measure: str | None = None,
    official_grade: str = "all",
) -> pd.DataFrame:
    """One row per inspection, with typed columns.

    Parameters
    ----------
    path
        Folder holding the processed tables; default: the project's data.
    official_measure, official_grade
        If given (e.g. ``"vacancies_fte"``), attach the official regional
        figure for that measure and grade as at or before each inspection's
        fieldwork (never a later one), with its as-at date and lag; see
        :func:`probstats.official.attach_regional_staffing`.

    Returns
    -------
    pandas.DataFrame
        Columns ``inspection_id, unit_id, unit_type, era, unit_name, region,
        publication_date (+ _precision), fieldwork_start/_end (+ _precision),
        overall_rating (ordered), rating_score (1-4), score, score_max,
        previous_rating, previous_rating_year, n_recommendations,
        cases_inspected, cases_community, cases_licence, source_url,
        source_type, notes``. See ``data/README.md``.

    Examples
    --------
    >>> from probstats.dataset.loaders import load_inspections
    >>> df = load_inspections()
    >>> list(df["overall_rating"].cat.categories)
    ['Inadequate', 'Requires improvement', 'Good', 'Outstanding']
    """
    df = _load("inspections", path)
    if official_measure is None:
        return df
    from probstats.official import attach_regional_staffing, load_official

    return attach_regional_staffing(df, load_official(), official_measure, official_grade)


def load_units(path: str | Path | None = None) -> pd.DataFrame:
    """The canonical unit table (``unit_id, unit_type, name, region, aliases``).

    Examples
    --------
    >>> from probstats.dataset.loaders import load_units
    >>> load_units()["unit_id"].is_unique
    True
    """
    return _load("units", path)


def load_staffing(path: str | Path | None = None) -> pd.DataFrame:
    """Staffing figures as stated: one row per figure (long format).

    Examples
    --------
    >>> from probstats.dataset.loaders import load_staffing
    >>> set(load_staffing()["qualifier"].fillna("")) <= {"", "<", ">", "<=", ">=", "~"}
    True
    """
    return _load("staffing", path)


def load_case_measures(path: str | Path | None = None) -> pd.DataFrame:
    """Case-sample percentages as stated: one row per figure (long format).

    Examples
    --------
    >>> from probstats.dataset.loaders import load_case_measures
    >>> bool((load_case_measures()["value_pct"].dropna() <= 100).all())
    True
    """
    return _load("case_measures", path)


def load_standard_ratings(path: str | Path | None = None) -> pd.DataFrame:
    """Ratings of individual standards where stated (long format).

    Examples
    --------
    >>> from probstats.dataset.loaders import load_standard_ratings
    >>> load_standard_ratings()["rating"].cat.ordered
    True
    """
    return _load("standard_ratings", path)


def load_features(path: str | Path | None = None) -> pd.DataFrame:
    """The wide modelling view: one row per inspection, staffing and case measures as columns.

    Staffing columns are ``<measure>_<grade>`` (e.g. ``vacancy_rate_po``), built
    from exact figures only; case columns are ``case_<stage>_<aspect>_pct`` with
    the stated denominator in ``..._n``. Missing means not stated.

    Examples
    --------
    >>> from probstats.dataset.loaders import load_features
    >>> load_features()["inspection_id"].is_unique
    True
    """
    return _load("features", path)


def load_panel(path: str | Path | None = None) -> pd.DataFrame:
    """Units inspected more than once, each inspection with the previous one's rating.

    ``rating_change`` is the later rating score minus the earlier (+1 = one
    step better); ``delta_<measure>`` the change in each measure known at both.

    Examples
    --------
    >>> from probstats.dataset.loaders import load_panel
    >>> panel = load_panel()
    >>> bool((panel["visit_number"] >= 1).all())
    True
    """
    return _load("panel", path)


def load_sources(path: str | Path | None = None) -> pd.DataFrame:
    """Every cited URL with its publisher, licence and the number of rows citing it.

    Examples
    --------
    >>> from probstats.dataset.loaders import load_sources
    >>> bool(load_sources()["licence"].notna().all())
    True
    """
    return _load("sources", path)
