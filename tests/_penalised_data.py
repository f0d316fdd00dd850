"""Load the penalised-estimation reference datasets (tests/results/penalised_data).

The manifest ``datasets.csv`` names each dataset's outcome, trials, weights and
predictors; categorical predictors get treatment dummies named as R names them
(``<column><level>``, first listed level as reference), so design columns line up with
the terms in the R reference values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).parent / "results"
DATA = RESULTS / "penalised_data"


@dataclass
class RefData:
    name: str
    family: str
    frame: pd.DataFrame
    X: np.ndarray  # with an intercept column for binomial data; none for ordinal data
    terms: list[str]
    y: np.ndarray  # successes k (binomial) or category codes 0..K-1 (ordinal)
    trials: np.ndarray | None
    weights: np.ndarray | None
    levels: list[str]


def manifest() -> pd.DataFrame:
    return pd.read_csv(DATA / "datasets.csv", keep_default_na=False)


def names(family: str) -> list[str]:
    m = manifest()
    return m.loc[m.family == family, "dataset"].tolist()


def load(name: str) -> RefData:
    m = manifest().set_index("dataset").loc[name]
    frame = pd.read_csv(DATA / f"{name}.csv", keep_default_na=False)
    factors = {}
    for part in filter(None, m["factor_levels"].split(";")):
        col, levs = part.split("=")
        factors[col] = levs.split("|")
    cols: dict[str, np.ndarray] = {}
    if m["family"] == "binomial":
        cols["(Intercept)"] = np.ones(len(frame))
    for p in m["predictors"].split():
        if p in factors:
            for lev in factors[p][1:]:
                cols[f"{p}{lev}"] = (frame[p] == lev).to_numpy(dtype=float)
        else:
            cols[p] = frame[p].to_numpy(dtype=float)
    X = np.column_stack(list(cols.values()))
    weights = frame[m["weights"]].to_numpy(dtype=float) if m["weights"] else None
    if m["family"] == "binomial":
        y = frame[m["outcome"]].to_numpy(dtype=float)
        trials = frame[m["trials"]].to_numpy(dtype=float)
        levels: list[str] = []
    else:
        levels = m["outcome_levels"].split("|")
        y = frame[m["outcome"]].map({lev: i for i, lev in enumerate(levels)}).to_numpy()
        y = y.astype(np.intp)
        trials = None
    return RefData(name, m["family"], frame, X, list(cols), y, trials, weights, levels)


def zeta_names(levels: list[str]) -> list[str]:
    """R's (polr / clm) names of the cut-points."""
    return [f"{a}|{b}" for a, b in zip(levels[:-1], levels[1:], strict=True)]
