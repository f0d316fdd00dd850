"""Exact rank comparison: parity with R's wilcox.test and honest small-sample behaviour."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from probstats.errors import ModelSpecificationError
from probstats.models.inference.exact import _null_u_no_ties, rank_shift_test

RESULTS = Path(__file__).parent / "results"
SETS = {
    "a": (
        [
            1.12573022,
            -0.13210486,
            1.64042265,
            1.10490012,
            0.46433063,
            1.36159505,
            2.30400005,
            1.94708096,
            0.29626175,
        ],
        [-1.07127584, 0.3908, 1.2, -0.5, 0.1, 0.2, -0.3, 0.7],
    ),
    "b": ([12.5, 18.25, 21, 33.75, 41.5, 9.125], [4.5, 7.75, 15.5, 16.25, 2.125, 30.5, 11.0]),
    "c": (
        [5.5, 6.25, 7.0, 8.5, 9.75, 10.25, 11.5, 12.0, 13.5, 14.25],
        [1.5, 2.25, 3.0, 6.75, 8.0],
    ),
}


@pytest.mark.r_reference
@pytest.mark.parametrize("line", (RESULTS / "wilcox_reference.txt").read_text().split())
def test_matches_r_wilcox_test(line):
    name, level, p, est, lo, hi = line.split(",")
    x, y = SETS[name]
    r = rank_shift_test(x, y, conf_level=float(level))
    assert_allclose(
        [r.p_value, r.shift, r.conf_low, r.conf_high],
        [float(p), float(est), float(lo), float(hi)],
        rtol=1e-12,
    )
    assert r.attained_level >= float(level)


def test_null_distribution_counts_every_split():
    m, n = 4, 3
    brute = np.zeros(m * n + 1)
    for idx in itertools.combinations(range(m + n), m):
        # U = number of (first, second) pairs with first > second, ranks 0..6
        second = [j for j in range(m + n) if j not in idx]
        brute[sum(i > j for i in idx for j in second)] += 1
    assert_allclose(_null_u_no_ties(m, n), brute)


def test_real_data_shape_has_no_95_interval_and_says_why():
    """4 Inadequate vs 2 better-rated units: p can never go below 2/15."""
    r = rank_shift_test([32.0, 36, 40, 45], [27.0, 30])
    assert r.p_value == pytest.approx(2 / 15) and r.min_p_value == pytest.approx(2 / 15)
    assert np.isinf(r.conf_low) and np.isinf(r.conf_high)
    assert "smallest attainable two-sided p-value is 0.133" in r.note
    assert r.prob_first_higher == 1.0 and r.shift == 9.5


def test_ties_are_enumerated_exactly():
    first, second = [3.0, 3.0, 5.0], [3.0, 1.0]
    r = rank_shift_test(first, second)
    # by hand: 10 splits of ranks (2,2,2,4... with ties) -> count those at least as extreme
    pooled = np.array(first + second)
    from scipy.stats import rankdata

    ranks = rankdata(pooled)
    u = [ranks[list(i)].sum() - 6 for i in itertools.combinations(range(5), 3)]
    obs = ranks[:3].sum() - 6
    expected = np.mean(np.abs(np.array(u) - 3) >= abs(obs - 3) - 1e-9)
    assert r.p_value == pytest.approx(expected)
    assert "ties" in r.note


def test_empty_group_is_refused():
    with pytest.raises(ModelSpecificationError, match="both groups need values"):
        rank_shift_test([1.0, 2.0], [np.nan])
    assert isinstance(rank_shift_test([1.0], [0.0]).as_frame(), pd.DataFrame)
