"""Levels of data: region-level covariates attached to PDU inspections.

A covariate measured for a region (e.g. the region's PO vacancy rate) and attached to
each of its PDU inspections carries only as many independent values as there are
regions. Treating the PDU rows as independent overstates the information (the Moulton
problem); inference must be clustered at the level the covariate varies. This module
attaches region covariates, splits a PDU-level covariate into its between-region
(contextual) and within-region parts, detects the level at which each covariate varies,
and fits binomial models clustered at that level.

For an ordinal model of the rating with a region-level covariate, cluster the inference
by resampling regions: ``bootstrap_model(res, cluster="region", data=df)`` from
:mod:`probstats.models.inference.resampling`.

Between-region coefficients compare regions; they are ecological associations, not
effects on individual PDUs, and not causal.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from probstats.errors import ClusteringWarning, DroppedRowsWarning, ModelSpecificationError
from probstats.models.binomial import BinomialResult, Family, fit_binomial

__all__ = [
    "ClusteringWarning",
    "attach_region_covariates",
    "within_between",
    "covariate_levels",
    "fit_contextual",
]


def attach_region_covariates(
    data: pd.DataFrame,
    region_data: pd.DataFrame,
    covariates: Sequence[str],
    *,
    region: str = "region",
    suffix: str = "_region",
) -> pd.DataFrame:
    """Attach region-level covariates to unit-level rows (a many-to-one merge).

    Parameters
    ----------
    data
        Unit-level rows (e.g. PDU inspections) with a ``region`` column.
    region_data
        One row per region with ``region`` and the ``covariates`` (e.g. the staffing facts
        from the region's own inspection).
    covariates
        Columns of ``region_data`` to attach; they are renamed ``<name><suffix>``.
    region
        Key column present in both frames.
    suffix
        Appended to each attached column name so that region and unit measures of the
        same quantity cannot be confused.

    Returns
    -------
    pandas.DataFrame
        ``data`` (same rows, same order) plus the attached columns; NaN where the region is
        missing or has no value. Rows whose region is not in ``region_data`` are reported
        with a :class:`~probstats.errors.DroppedRowsWarning`-style message (nothing is
        dropped here).

    Raises
    ------
    ModelSpecificationError
        If ``region_data`` has more than one row for a region.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.contextual import attach_region_covariates
    >>> pdus = pd.DataFrame({"unit": ["a", "b", "c"], "region": ["N", "N", "S"]})
    >>> regs = pd.DataFrame({"region": ["N", "S"], "vacancy_rate_po": [20.0, 10.0]})
    >>> attach_region_covariates(pdus, regs, ["vacancy_rate_po"])["vacancy_rate_po_region"].tolist()
    [20.0, 20.0, 10.0]
    """
    covariates = list(covariates)
    dup = region_data[region].dropna()
    dup = dup[dup.duplicated()].unique().tolist()
    if dup:
        raise ModelSpecificationError(
            f"region_data has several rows for region(s) {dup}; aggregate or choose one "
            "(e.g. the latest inspection) before attaching"
        )
    right = region_data[[region, *covariates]].rename(
        columns={c: f"{c}{suffix}" for c in covariates}
    )
    out = data.merge(right, on=region, how="left", validate="many_to_one")
    out.index = data.index
    unmatched = sorted(set(data[region].dropna()) - set(region_data[region].dropna()))
    if unmatched:
        warnings.warn(
            f"{int(data[region].isin(unmatched).sum())} row(s) in region(s) {unmatched} have "
            "no region-level data (their attached covariates are missing)",
            DroppedRowsWarning,
            stacklevel=2,
        )
    return out


def within_between(
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    group: str = "region",
) -> pd.DataFrame:
    """Split covariates into a group mean (contextual) and a within-group deviation.

    Adds ``<col>_between`` (mean of the non-missing values in the row's group) and
    ``<col>_within`` (value minus that mean). Used together in a model, the between
    coefficient minus the within coefficient is the contextual effect (Mundlak).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.contextual import within_between
    >>> df = pd.DataFrame({"region": ["N", "N", "S"], "x": [1.0, 3.0, 5.0]})
    >>> out = within_between(df, ["x"])
    >>> out["x_between"].tolist(), out["x_within"].tolist()
    ([2.0, 2.0, 5.0], [-1.0, 1.0, 0.0])
    """
    out = data.copy()
    for c in columns:
        mean = out.groupby(group, observed=True)[c].transform("mean")
        out[f"{c}_between"] = mean
        out[f"{c}_within"] = out[c] - mean
    return out


def covariate_levels(
    data: pd.DataFrame,
    columns: Sequence[str],
    levels: Sequence[str] = ("unit_id", "region"),
) -> pd.Series:
    """The coarsest level within which each covariate is constant.

    ``levels`` run from fine to coarse (each nested in the next). A covariate constant
    within every region is a region-level covariate; one that varies within units is
    ``"observation"`` level. Missing values are ignored.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.contextual import covariate_levels
    >>> df = pd.DataFrame({"unit_id": ["a", "b", "c", "c"], "region": ["N", "N", "S", "S"],
    ...                    "r": [1, 1, 2, 2], "u": [1, 2, 3, 3], "o": [1, 2, 3, 4]})
    >>> covariate_levels(df, ["r", "u", "o"]).tolist()
    ['region', 'unit_id', 'observation']
    """
    result = {}
    for c in columns:
        level = "observation"
        for lev in levels:
            if lev not in data.columns:
                continue
            per = data.dropna(subset=[c, lev]).groupby(lev, observed=True)[c].nunique()
            if len(per) and per.max() <= 1:
                level = lev
        result[c] = level
    return pd.Series(result, name="level")


def fit_contextual(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    trials: str | None = None,
    family: Family = "quasibinomial",
    cluster: str | None = None,
    levels: Sequence[str] = ("unit_id", "region"),
    **kwargs,
) -> BinomialResult:
    """Binomial model with unit- and region-level predictors, clustered correctly.

    The cluster is the coarsest of ``levels`` at which any predictor varies (its
    values are constant within that level), and never finer than ``region`` when a
    region column is present, because repeat and neighbouring PDU inspections in a region
    share management and labour markets. Passing a ``cluster`` finer than a predictor's
    level raises.

    Parameters
    ----------
    data, outcome, predictors, trials, family
        As :func:`probstats.models.binomial.model.fit_binomial`.
    cluster
        Clustering column; ``None`` chooses it as above.
    levels
        Nested grouping columns from fine to coarse.
    **kwargs
        Passed on to :func:`~probstats.models.binomial.model.fit_binomial`.

    Returns
    -------
    BinomialResult
        With a note naming each predictor's level and the cluster used.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.contextual import attach_region_covariates
    >>> from probstats.models.contextual import fit_contextual
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> regs = pd.DataFrame({"region": list("ABCDEFGHIJKL"), "v": rng.uniform(5, 40, 12)})
    >>> df = pd.DataFrame({"region": np.repeat(regs["region"], 5), "n": 30})
    >>> df = attach_region_covariates(df, regs, ["v"])
    >>> df["k"] = rng.binomial(30, 0.6, len(df))
    >>> res = fit_contextual(df, "k", ["v_region"], trials="n", outcome_scale="count",
    ...                      warn=False)
    >>> res.region, res.df_inference
    ('region', 11)
    """
    predictors = list(predictors)
    lv = covariate_levels(data, predictors, levels)
    order = ["observation", *levels]
    coarsest = max(lv.tolist() or ["observation"], key=order.index)
    if cluster is None:
        cluster = coarsest
        if (
            "region" in data.columns
            and "region" in order
            and (order.index(cluster) < order.index("region"))
        ):
            cluster = "region"
        if cluster == "observation":
            raise ModelSpecificationError(
                f"none of the levels {list(levels)} is in the data; pass cluster="
            )
    elif cluster in order and order.index(cluster) < order.index(coarsest):
        raise ModelSpecificationError(
            f"cluster={cluster!r} is finer than the level at which a predictor varies "
            f"({coarsest!r}: {lv[lv == coarsest].index.tolist()}); cluster at {coarsest!r} "
            "or coarser"
        )
    res = fit_binomial(
        data,
        outcome,
        predictors,
        trials=trials,
        family=family,
        region_effect="cluster",
        region=cluster,
        **kwargs,
    )
    res.notes.append(
        "predictor levels: "
        + ", ".join(f"{k}={v}" for k, v in lv.items())
        + f"; standard errors clustered by {cluster}"
    )
    return res
