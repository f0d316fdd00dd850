"""The broom-style tidy helpers: hand-computed z and t tables, given intervals, odds ratios,
and the inverse of an information matrix."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from probstats.errors import ModelSpecificationError
from probstats.models._base import TIDY_COLUMNS, safe_inverse, tidy_table


def test_z_table_by_hand():
    t = tidy_table(["a", "b"], [1.0, -0.3], [0.5, 0.2])
    assert list(t.columns) == TIDY_COLUMNS
    assert t["term"].tolist() == ["a", "b"]
    assert_allclose(t["estimate"], [1.0, -0.3])
    assert_allclose(t["std_error"], [0.5, 0.2])
    assert_allclose(t["statistic"], [2.0, -1.5])
    assert_allclose(t["p_value"], [2 * stats.norm.sf(2.0), 2 * stats.norm.sf(1.5)])
    z = stats.norm.ppf(0.975)
    assert_allclose(t["conf_low"], [1.0 - z * 0.5, -0.3 - z * 0.2])
    assert_allclose(t["conf_high"], [1.0 + z * 0.5, -0.3 + z * 0.2])


def test_t_table_on_given_degrees_of_freedom_and_level():
    t = tidy_table(["a"], [1.0], [0.5], df=11, conf_level=0.9)
    q = stats.t.ppf(0.95, 11)
    assert_allclose(t["p_value"], [2 * stats.t.sf(2.0, 11)])
    assert_allclose(t["conf_low"], [1.0 - q * 0.5])
    assert_allclose(t["conf_high"], [1.0 + q * 0.5])
    assert t["p_value"].iloc[0] > 2 * stats.norm.sf(2.0)  # t tails are heavier


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 1.5])
def test_confidence_level_must_lie_strictly_between_0_and_1(level):
    with pytest.raises(ModelSpecificationError, match="conf_level must be between 0 and 1"):
        tidy_table(["a"], [1.0], [0.5], conf_level=level)


def test_given_intervals_replace_wald_and_nan_falls_back():
    t = tidy_table(
        ["a", "b"], [1.0, 2.0], [0.5, 0.5], conf_low=[0.1, np.nan], conf_high=[np.nan, 3.5]
    )
    z = stats.norm.ppf(0.975)
    assert_allclose(t["conf_low"], [0.1, 2.0 - z * 0.5])
    assert_allclose(t["conf_high"], [1.0 + z * 0.5, 3.5])


def test_exponentiate_all_or_by_mask_leaves_se_statistic_and_p_on_the_link_scale():
    est, se = [0.5, -1.0], [0.25, 0.5]
    plain = tidy_table(["a", "b"], est, se)
    both = tidy_table(["a", "b"], est, se, exponentiate=True)
    assert_allclose(both["estimate"], np.exp(est))
    assert_allclose(both["conf_low"], np.exp(plain["conf_low"]))
    assert_allclose(both["conf_high"], np.exp(plain["conf_high"]))
    for col in ("std_error", "statistic", "p_value"):
        assert_allclose(both[col], plain[col])
    one = tidy_table(["a", "b"], est, se, exponentiate=[True, False])
    assert_allclose(one["estimate"], [np.exp(0.5), -1.0])
    assert_allclose(one["conf_high"], [np.exp(plain["conf_high"][0]), plain["conf_high"][1]])
    none = tidy_table(["a", "b"], est, se, exponentiate=[False, False])
    assert_allclose(none["estimate"], est)
    assert_allclose(none["conf_low"], plain["conf_low"])


def test_exponentiate_with_given_intervals_exponentiates_them():
    t = tidy_table(["a"], [0.0], [1.0], conf_low=[-1.0], conf_high=[2.0], exponentiate=True)
    assert_allclose(t[["estimate", "conf_low", "conf_high"]].iloc[0], [1.0, np.exp(-1), np.exp(2)])


def test_zero_or_missing_standard_error_gives_inf_or_nan_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = tidy_table(["a", "b"], [1.0, 0.0], [0.0, np.nan], exponentiate=[True, False])
    assert np.isinf(t["statistic"].iloc[0]) and t["p_value"].iloc[0] == 0.0
    assert np.isnan(t["statistic"].iloc[1]) and np.isnan(t["conf_low"].iloc[1])
    assert t["conf_low"].iloc[0] == pytest.approx(np.e)


def test_terms_are_strings():
    assert tidy_table([1, 2], [0.0, 0.0], [1.0, 1.0])["term"].tolist() == ["1", "2"]


def test_safe_inverse_is_symmetric_and_exact_for_a_regular_matrix():
    M = np.array([[4.0, 1.0], [1.0, 3.0]])
    inv = safe_inverse(M)
    assert_allclose(inv @ M, np.eye(2), atol=1e-12)
    assert np.array_equal(inv, inv.T)


def test_safe_inverse_symmetrises_a_slightly_asymmetric_inverse():
    M = np.array([[4.0, 1.0 + 1e-9], [1.0, 3.0]])
    inv = safe_inverse(M)
    assert np.array_equal(inv, inv.T)
    raw = np.linalg.inv(M)
    assert_allclose(inv, (raw + raw.T) / 2, rtol=0, atol=0)


def test_safe_inverse_falls_back_to_the_pseudo_inverse_when_singular():
    M = np.array([[1.0, 1.0], [1.0, 1.0]])
    assert_allclose(safe_inverse(M), np.linalg.pinv(M))


def test_safe_inverse_falls_back_when_the_inverse_is_not_finite():
    M = np.array([[1e-320, 0.0], [0.0, 1.0]])  # inverts without error, to inf
    assert_allclose(safe_inverse(M), np.linalg.pinv(M))
    assert np.all(np.isfinite(safe_inverse(M)))


def test_whole_numbers_and_missing_given_bounds_are_read_as_floats():
    t = tidy_table(["a", "b"], [1, 2], [1, 2], conf_low=[None, 0], conf_high=[3, None])
    assert t["estimate"].dtype == float and t["std_error"].dtype == float
    z = stats.norm.ppf(0.975)
    assert_allclose(t["conf_low"], [1 - z, 0.0])
    assert_allclose(t["conf_high"], [3.0, 2 + 2 * z])


def test_infinite_and_overflowing_values_raise_no_floating_point_warnings():
    import warnings

    with warnings.catch_warnings(), np.errstate(all="warn"):
        warnings.simplefilter("error")
        t = tidy_table(
            ["a", "b", "c"], [np.inf, 0.0, 1000.0], [np.inf, 0.0, 1.0], exponentiate=True
        )
    assert np.isnan(t["statistic"].iloc[0]) and np.isnan(t["conf_low"].iloc[0])
    assert np.isnan(t["statistic"].iloc[1])
    assert np.isinf(t["estimate"].iloc[2])
