"""The cumulative link likelihood engine, checked against direct formulas.

Log-likelihoods are compared with sums of ``log(F(zeta_y - x'b) - F(zeta_{y-1} - x'b))``
computed with scipy's distributions, derivatives with finite differences, the Newton
solver with a general-purpose optimiser, and the probability bands with the delta
method written out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize, stats

from probstats.errors import ModelSpecificationError, ZeroProbabilityError
from probstats.models.ordinal.likelihood import (
    LINK_CODES,
    CumulativeLink,
    cdf,
    null_start,
    pdf,
    probabilities,
    probability_band,
    probability_jacobian,
)

DIST = {"logit": stats.logistic, "probit": stats.norm}


def _data(n=60, seed=1, K=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    eta = X @ [0.8, -0.5]
    cuts = np.linspace(-1.2, 1.2, K - 1)
    y = (eta[:, None] + rng.logistic(size=n)[:, None] > cuts).sum(axis=1)
    return y, X


def _direct_loglikeobs(y, X, theta, K, link, nominal=()):
    """Per-row log-likelihood written out: cut-specific effects added to each cut."""
    p = X.shape[1]
    po = [j for j in range(p) if j not in nominal]
    beta = theta[: len(po)]
    pn = len(nominal)
    gam = theta[len(po) : len(po) + pn * (K - 1)].reshape(K - 1, pn) if pn else None
    zeta = theta[len(po) + pn * (K - 1) :]
    out = []
    for i in range(len(y)):

        def F(k, i=i):
            if k < 0:
                return 0.0
            if k >= K - 1:
                return 1.0
            lin = zeta[k] - X[i, po] @ beta
            if pn:
                lin -= X[i, list(nominal)] @ gam[k]
            return DIST[link].cdf(lin)

        out.append(np.log(F(y[i]) - F(y[i] - 1)))
    return np.array(out)


def _numeric_grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        g[j] = (f(x + e) - f(x - e)) / (2 * h)
    return g


# --------------------------------------------------------------------------- construction


def test_links_and_unknown_link():
    assert LINK_CODES == {"logit": 0, "probit": 1}
    y, X = _data()
    with pytest.raises(
        ModelSpecificationError, match="link='cloglog'; allowed values are 'logit', 'probit'"
    ):
        CumulativeLink(y, X, 4, "cloglog")


def test_parameter_layout_with_and_without_cut_specific_effects():
    y, X = _data()
    lik = CumulativeLink(y, X, 4)
    assert lik.n_params == 5 and lik.zeta_slice == slice(2, 5)
    assert lik.proportional == [0, 1] and lik.nominal == []
    nom = CumulativeLink(y, X, 4, nominal=[1])
    assert nom.n_params == 1 + 3 + 3 and nom.zeta_slice == slice(4, 7)
    assert nom.proportional == [0] and nom.nominal == [1]


def test_a_one_dimensional_design_is_one_column():
    y, X = _data()
    a = CumulativeLink(y, X[:, 0], 4)
    b = CumulativeLink(y, X[:, :1], 4)
    theta = np.array([0.3, -1.0, 0.0, 1.0])
    assert a.n_params == 4 and a.loglike(theta) == b.loglike(theta)


def test_null_start_is_the_quantile_of_the_cumulative_proportions():
    y = np.array([0, 0, 1, 2, 2, 2, 3, 3])
    cum = np.array([2, 3, 6]) / 8
    assert_allclose(null_start(y, 4, "logit"), np.log(cum / (1 - cum)), rtol=1e-7)
    assert_allclose(null_start(y, 4, "probit"), stats.norm.ppf(cum), rtol=1e-7)


def test_null_start_stays_finite_and_increasing_with_empty_categories():
    z = null_start(np.array([1, 1, 1]), 4, "logit")  # categories 0, 2 and 3 empty
    assert np.all(np.isfinite(z)) and np.all(np.diff(z) > 0)
    assert z[0] == pytest.approx(np.log(1e-6 / (1 - 1e-6)), rel=1e-6)
    assert z[2] == pytest.approx(-z[0], rel=1e-3)


def test_start_is_zero_coefficients_and_null_cut_points():
    y, X = _data()
    for link in ("logit", "probit"):
        lik = CumulativeLink(y, X, 4, link)
        start = lik.start()
        assert np.all(start[:2] == 0)
        assert_allclose(start[2:], null_start(y, 4, link))


# --------------------------------------------------------------------------- the likelihood


@pytest.mark.parametrize("link", ["logit", "probit"])
@pytest.mark.parametrize("nominal", [(), (1,)])
def test_loglike_matches_the_direct_formula(link, nominal):
    y, X = _data()
    lik = CumulativeLink(y, X, 4, link, nominal=nominal)
    rng = np.random.default_rng(7)
    theta = lik.start() + np.r_[rng.normal(scale=0.3, size=lik.n_params - 3), 0, 0, 0]
    direct = _direct_loglikeobs(y, X, theta, 4, link, nominal)
    assert_allclose(lik.loglikeobs(theta), direct, rtol=1e-10)
    assert lik.loglike(theta) == pytest.approx(direct.sum(), rel=1e-12)
    ll, g, H = lik.loglike_derivs(theta)
    assert ll == pytest.approx(direct.sum(), rel=1e-12)
    assert_allclose(g, _numeric_grad(lik.loglike, theta), rtol=1e-5, atol=1e-6)
    assert_allclose(lik.score(theta), g)
    assert_allclose(lik.hessian(theta), H)
    numeric_H = np.array(
        [_numeric_grad(lambda t, j=j: lik.score(t)[j], theta) for j in range(theta.size)]
    )
    assert_allclose(H, numeric_H, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_score_obs_rows_are_the_gradients_of_each_rows_loglik(link):
    y, X = _data(n=12)
    lik = CumulativeLink(y, X, 4, link)
    theta = lik.start() + np.r_[0.4, -0.2, 0.1, 0.0, -0.1]
    S = lik.score_obs(theta)
    assert S.shape == (12, 5)
    for i in range(12):
        assert_allclose(
            S[i], _numeric_grad(lambda t, i=i: lik.loglikeobs(t)[i], theta), rtol=1e-5, atol=1e-7
        )
    assert_allclose(S.sum(axis=0), lik.score(theta), rtol=1e-10, atol=1e-12)


def test_probit_upper_tail_keeps_precision():
    # both bounds far in the upper tail: F(a) - F(b) would round to 0
    lik = CumulativeLink(np.array([1, 0, 2]), np.zeros((3, 1)), 3, "probit")
    theta = np.array([0.0, -9.0, -8.5])  # zeta: the middle category lies at 8.5..9 sd
    obs = lik.loglikeobs(theta)
    assert obs[0] == pytest.approx(np.log(stats.norm.cdf(-8.5) - stats.norm.cdf(-9.0)), rel=1e-9)
    ll, g, H = lik.loglike_derivs(theta)
    assert ll == pytest.approx(obs.sum(), rel=1e-12)
    assert_allclose(g, _numeric_grad(lik.loglike, theta, h=1e-5), rtol=1e-4)
    lik2 = CumulativeLink(np.array([1]), np.zeros((1, 1)), 3, "probit")
    upper = np.array([0.0, 8.5, 9.0])  # the middle category at 8.5..9 sd above
    assert lik2.loglike(upper) == pytest.approx(
        np.log(stats.norm.sf(8.5) - stats.norm.sf(9.0)), rel=1e-9
    )
    assert lik2.loglike_derivs(upper)[0] == pytest.approx(lik2.loglike(upper), rel=1e-12)


def test_logit_tails_stay_exact():
    lik = CumulativeLink(np.array([1]), np.zeros((1, 1)), 3)
    theta = np.array([0.0, 40.0, 41.0])
    exact = np.log(stats.logistic.sf(40.0) - stats.logistic.sf(41.0))
    assert lik.loglike(theta) == pytest.approx(exact, rel=1e-9)
    assert lik.loglike_derivs(theta)[0] == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_unordered_cut_points_are_outside_the_domain(link):
    y, X = _data()
    lik = CumulativeLink(y, X, 4, link)
    theta = np.array([0.0, 0.0, 1.0, 0.0, 2.0])  # zeta_1 > zeta_2
    assert lik.loglike(theta) == -np.inf
    obs = lik.loglikeobs(theta)
    assert np.all(obs[y == 1] == -np.inf) and np.all(np.isfinite(obs[y != 1]))
    assert lik.loglike_derivs(theta) == (-np.inf, None, None)
    with pytest.raises(ZeroProbabilityError, match="start values give a zero probability"):
        lik.newton(theta)


def test_take_is_the_likelihood_of_the_chosen_rows():
    y, X = _data()
    lik = CumulativeLink(y, X, 4)
    theta = lik.start() + np.r_[0.2, 0.1, 0, 0, 0]
    rows = np.array([0, 3, 3, 7, 10, 11, 20, 25, 30, 41])
    sub = lik.take(rows)
    fresh = CumulativeLink(y[rows], X[rows], 4)
    assert sub.loglike(theta) == pytest.approx(fresh.loglike(theta), rel=1e-13)
    for a, b in zip(sub.loglike_derivs(theta)[1:], fresh.loglike_derivs(theta)[1:], strict=True):
        assert_allclose(a, b, rtol=1e-12)
    assert_allclose(sub.score_obs(theta), fresh.score_obs(theta), rtol=1e-12)
    assert_allclose(sub.loglikeobs(theta), fresh.loglikeobs(theta), rtol=1e-12)
    assert np.array_equal(sub.y, y[rows]) and np.array_equal(sub.X, X[rows])
    mask = np.zeros(len(y), dtype=bool)
    mask[rows] = True
    by_mask = lik.take(mask)
    assert by_mask.loglike(theta) == pytest.approx(
        CumulativeLink(y[mask], X[mask], 4).loglike(theta)
    )
    assert lik.loglike(theta) == pytest.approx(CumulativeLink(y, X, 4).loglike(theta))  # unchanged


# --------------------------------------------------------------------------- the solver


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_newton_reaches_the_maximum(link):
    y, X = _data(n=80)
    lik = CumulativeLink(y, X, 4, link)
    fit = lik.newton(lik.start())
    ref = optimize.minimize(
        lambda t: -lik.loglike(t),
        lik.start(),
        jac=lambda t: -lik.score(t),
        method="BFGS",
        options={"gtol": 1e-10},
    )
    assert fit.converged and 1 < fit.n_iter < 20
    assert_allclose(fit.params, ref.x, atol=1e-6)
    assert fit.loglik == pytest.approx(lik.loglike(fit.params), rel=1e-13)
    assert np.array_equal(fit.gradient, lik.score(fit.params))
    assert np.array_equal(fit.hessian, lik.hessian(fit.params))
    assert np.max(np.abs(fit.gradient)) < 1e-9


def test_newton_is_precise_from_far_away():
    y, X = _data(n=80)
    lik = CumulativeLink(y, X, 4)
    best = lik.newton(lik.start()).params
    far = lik.newton(np.array([5.0, -5.0, -0.5, 0.0, 0.5]))
    assert far.converged
    assert_allclose(far.params, best, atol=1e-10)


def test_newton_with_free_parameters_holds_the_others():
    y, X = _data(n=80)
    lik = CumulativeLink(y, X, 4)
    start = lik.start()
    start[0] = 0.25
    free = np.array([False, True, True, True, True])
    fit = lik.newton(start, free=free)
    assert fit.converged and fit.params[0] == 0.25
    assert np.max(np.abs(fit.gradient[free])) < 1e-8
    assert abs(fit.gradient[0]) > 1e-3  # not a maximum in the held parameter


def test_newton_without_final_derivatives_keeps_the_last_iterates():
    y, X = _data(n=80)
    lik = CumulativeLink(y, X, 4)
    full = lik.newton(lik.start())
    lean = lik.newton(lik.start(), final_derivatives=False)
    assert_allclose(lean.params, full.params, atol=1e-12)
    assert lean.n_iter == full.n_iter
    assert not np.array_equal(lean.gradient, full.gradient)
    assert lean.loglik <= full.loglik


def test_newton_under_separation_does_not_converge():
    y = np.array([0, 0, 0, 1, 1, 1])
    X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    lik = CumulativeLink(y, X, 2)
    fit = lik.newton(lik.start(), max_iter=30)
    assert not fit.converged and fit.n_iter == 30
    assert fit.params[0] > 10  # drifting towards infinity


def test_newton_with_too_few_iterations_does_not_converge():
    y, X = _data(n=80)
    lik = CumulativeLink(y, X, 4)
    fit = lik.newton(np.array([5.0, -5.0, -0.5, 0.0, 0.5]), max_iter=1)
    assert not fit.converged and fit.n_iter == 1


def test_newton_stops_at_once_at_a_flat_start():
    # no predictors: the null start is the maximum, the first step is below tol
    y = np.array([0, 1, 1, 2, 2, 2])
    lik = CumulativeLink(y, np.zeros((6, 0)), 3)
    fit = lik.newton(lik.start())
    assert fit.converged and fit.n_iter == 1
    assert_allclose(fit.params, null_start(y, 3, "logit"), atol=1e-8)


def test_ascent_step_solves_when_concave_and_regularises_otherwise():
    g = np.array([1.0, 2.0])
    step = CumulativeLink._ascent_step(g, -np.diag([2.0, 4.0]))
    assert_allclose(step, [0.5, 0.5])
    indefinite = np.array([[-1.0, 0.0], [0.0, 1.0]])
    step = CumulativeLink._ascent_step(g, indefinite)
    assert step is not None and np.all(np.isfinite(step)) and g @ step > 0
    assert CumulativeLink._ascent_step(np.zeros(2), np.zeros((2, 2))) is None
    assert CumulativeLink._ascent_step(np.array([1.0]), np.array([[np.nan]])) is None


# --------------------------------------------------------------------------- probabilities


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_cdf_and_pdf_are_the_link_distributions(link):
    z = np.linspace(-6, 6, 25)
    assert_allclose(cdf(z, link), DIST[link].cdf(z), rtol=1e-12, atol=1e-300)
    assert_allclose(pdf(z, link), DIST[link].pdf(z), rtol=1e-12)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_probabilities_are_differences_of_the_cumulative_ones(link):
    X = np.array([[0.0, 1.0], [1.5, -0.5], [-2.0, 0.3]])
    params = np.array([0.7, -0.4, -1.0, 0.2, 1.5])
    P = probabilities(params, X, 4, link)
    eta = X @ params[:2]
    cum = DIST[link].cdf(params[2:][None, :] - eta[:, None])
    expected = np.diff(np.c_[np.zeros(3), cum, np.ones(3)], axis=1)
    assert P.shape == (3, 4)
    assert_allclose(P, expected, rtol=1e-12)
    assert_allclose(P.sum(axis=1), 1.0)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_probability_jacobian_matches_finite_differences(link):
    X = np.array([[0.0, 1.0], [1.5, -0.5], [-2.0, 0.3]])
    params = np.array([0.7, -0.4, -1.0, 0.2, 1.5])
    J = probability_jacobian(params, X, 4, link)
    assert J.shape == (3, 4, 5)
    for j in range(5):
        e = np.zeros(5)
        e[j] = 1e-6
        num = (probabilities(params + e, X, 4, link) - probabilities(params - e, X, 4, link)) / 2e-6
        assert_allclose(J[:, :, j], num, rtol=1e-6, atol=1e-9)


def test_probability_bands_by_the_delta_method():
    X = np.array([[0.0], [2.0]])
    theta = np.array([0.5, -1.0, 1.0])
    V = np.diag([0.04, 0.09, 0.16])
    P, se, low, high = probability_band(theta, X, V, 3, "logit", 0.9)
    J = probability_jacobian(theta, X, 3, "logit")
    se_hand = np.sqrt(np.einsum("rkq,qs,rks->rk", J, V, J))
    assert_allclose(P, probabilities(theta, X, 3, "logit"))
    assert_allclose(se, se_hand, rtol=1e-12)
    q = stats.norm.ppf(0.95)
    centre = np.log(P / (1 - P))
    se_l = se / (P * (1 - P))
    assert_allclose(low, 1 / (1 + np.exp(-(centre - q * se_l))), rtol=1e-10)
    assert_allclose(high, 1 / (1 + np.exp(-(centre + q * se_l))), rtol=1e-10)
    P2, se2, low2, high2 = probability_band(theta, X, V, 3, "logit", 0.9, scale="probability")
    assert_allclose(low2, np.clip(P - q * se, 0, 1))
    assert_allclose(high2, np.clip(P + q * se, 0, 1))
    wide = probability_band(theta, X, V * 400, 3, "logit", 0.99, scale="probability")
    assert wide[2].min() == 0.0 and wide[3].max() == 1.0  # clipped to 0-1


def test_probability_bands_at_probabilities_of_zero_and_one():
    X = np.array([[40.0]])
    theta = np.array([1.0, -1.0, 1.0])  # P = (~0, ~0, ~1)
    P, se, low, high = probability_band(theta, X, np.eye(3) * 0.01, 3, "logit", 0.95)
    assert np.all(np.isfinite(low)) and np.all(np.isfinite(high))
    assert np.all((0 <= low) & (low <= P + 1e-15)) and np.all((P - 1e-15 <= high) & (high <= 1))
    assert np.all(se >= 0)


# --------------------------------------------------------------------------- edge cases


def test_codes_given_as_floats_and_two_cut_specific_columns():
    y, X = _data()
    X3 = np.c_[X, X[:, 0] * X[:, 1]]
    lik = CumulativeLink(y.astype(float), X3, 4, nominal=[1, 2])
    assert lik.n_params == 1 + 2 * 3 + 3
    rng = np.random.default_rng(3)
    theta = lik.start() + np.r_[rng.normal(scale=0.2, size=7), 0, 0, 0]
    assert_allclose(
        lik.loglikeobs(theta), _direct_loglikeobs(y, X3, theta, 4, "logit", (1, 2)), rtol=1e-10
    )


def test_equal_cut_points_give_the_middle_category_zero_probability():
    import warnings

    y = np.array([0, 1, 2])
    lik = CumulativeLink(y, np.zeros((3, 1)), 3)
    theta = np.array([0.0, 0.5, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        obs = lik.loglikeobs(theta)
        assert lik.loglike(theta) == -np.inf
    assert obs[1] == -np.inf and np.all(np.isfinite(obs[[0, 2]]))
    assert lik.loglike_derivs(theta) == (-np.inf, None, None)
    with pytest.raises(ZeroProbabilityError) as info:
        lik.newton(theta)
    assert str(info.value) == "start values give a zero probability to some row"


def _separated():
    y = np.array([0, 0, 0, 1, 1, 1])
    return CumulativeLink(y, np.arange(6.0)[:, None], 2)


def test_newton_defaults_to_100_iterations_and_reports_false_not_none():
    fit = _separated().newton(_separated().start())
    assert fit.n_iter == 100 and fit.converged is False


def test_newton_with_no_iterations_reports_none_done():
    lik = _separated()
    fit = lik.newton(lik.start(), max_iter=0)
    assert fit.n_iter == 0 and fit.converged is False
    assert np.array_equal(fit.params, lik.start())


def test_newton_accepts_whole_number_starts_with_free_parameters():
    y, X = _data(n=80)
    lik = CumulativeLink(y, X, 4)
    free = np.array([False, True, True, True, True])
    as_int = lik.newton(np.array([0, 0, -1, 0, 1]), free=free)
    as_float = lik.newton(np.array([0.0, 0.0, -1.0, 0.0, 1.0]), free=free)
    assert as_int.converged and as_int.n_iter > 1
    assert_allclose(as_int.params, as_float.params)


def test_newton_without_a_usable_step_reports_convergence_by_the_gradient(monkeypatch):
    y, X = _data(n=80)
    lik = CumulativeLink(y, X, 4)
    best = lik.newton(lik.start()).params
    monkeypatch.setattr(CumulativeLink, "_ascent_step", staticmethod(lambda g, H: None))
    at_best = lik.newton(best)
    assert isinstance(at_best.converged, bool) and at_best.converged is True
    assert at_best.n_iter == 1 and np.array_equal(at_best.params, best)
    near = best + np.r_[1e-3, 0, 0, 0, 0]  # gradient well below 1 but above 1e-8
    assert 1e-8 < np.max(np.abs(lik.score(near))) < 1
    off = lik.newton(near)
    assert off.converged is False and off.n_iter == 1


@pytest.mark.parametrize("uphill", [True, False])
def test_newton_stops_where_every_trial_step_leaves_the_domain(monkeypatch, uphill):
    y, X = _data(n=80)
    lik = CumulativeLink(y, X, 4)
    start = lik.newton(lik.start()).params + np.r_[0, 0, -0.1, 0, 0]
    g = lik.score(start)
    direction = np.array([0.0, 0.0, 1.0, 0.0, -1.0])  # cut-points cross at any trial length
    sign = np.sign(g @ direction) * (1 if uphill else -1)
    monkeypatch.setattr(
        CumulativeLink, "_ascent_step", staticmethod(lambda g, H: sign * 1e30 * direction)
    )
    fit = lik.newton(start)
    assert fit.n_iter == 1 and np.array_equal(fit.params, start)
    assert fit.loglik == lik.loglike(start)
    # an uphill direction that cannot be followed is no convergence; a downhill one is
    assert fit.converged is (not uphill)


def test_ascent_step_ridge_follows_the_diagonal_scale():
    g = np.array([1.0, 2.0])
    H = -np.diag([0.3, -0.3])  # -H = diag(0.3, -0.3): indefinite, small diagonal
    step = CumulativeLink._ascent_step(g, H)
    # ridges 0.3 * 10**k for k = -8..4; the first with an ascent direction is 3.0
    assert_allclose(step, [1 / 3.3, 2 / 2.7], rtol=1e-12)
    H1 = -np.diag([1.0, -1.0])
    assert_allclose(CumulativeLink._ascent_step(g, H1), [1 / 11, 2 / 9], rtol=1e-12)


def test_probability_band_where_a_probability_is_exactly_zero():
    X = np.array([[1e6]])
    theta = np.array([1.0, -1.0, 1.0])
    P, se, low, high = probability_band(theta, X, np.eye(3) * 0.01, 3, "logit", 0.95)
    assert P[0, 0] == 0.0 and P[0, 2] == 1.0
    assert np.all(np.isfinite(low)) and np.all(np.isfinite(high))
