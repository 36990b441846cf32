"""ParEGO: augmented-Chebyshev scalarization, and a search that spreads along a known front and resumes exactly."""
import math

import numpy as np
import pytest

from optimize.search.parego import RHO, ParEGO, scalarize


def test_scalarize_by_hand():
    # qualities 0, 1, 3 and costs e^0, e^1, e^4: f1 = −quality normalized = (1, 2/3, 0); f2 = log cost normalized =
    # (0, 1/4, 1) (on a linear scale the middle cost would be (e − 1)/(e⁴ − 1) = 0.032 instead)
    s = scalarize([(0.0, 1.0), (1.0, math.e), (3.0, math.exp(4)), None], weight=0.25)
    assert s[0] == pytest.approx(0.25 + RHO * 0.25, rel=1e-12)
    assert s[1] == pytest.approx(0.75 * 0.25 + RHO * (0.25 * 2 / 3 + 0.75 * 0.25), rel=1e-12)   # 0.1875 > 0.1667
    assert s[2] == pytest.approx(0.75 + RHO * 0.75, rel=1e-12)
    assert s[3] == max(s[:3])                                     # degenerate: the worst finished value


def _problem(x):
    """Quality x₀ ∈ [0, 1] bought at cost e^(3 x₀) · (1 + x₁): the front is x₁ = 0."""
    return x[0], math.exp(3 * x[0]) * (1 + x[1])


def _search(n, state=3, opt=None):
    from skopt.space import Real
    opt = opt or ParEGO([Real(0.0, 1.0), Real(0.0, 1.0)], initial_points=6, random_state=state)
    while len(opt.Xi) < n:
        xs = opt.ask(n_points=2)
        opt.tell_points(xs, [_problem(x) for x in xs])
    return opt


def test_the_search_finds_points_near_the_front_across_its_length():
    opt = _search(26)
    late = np.array(opt.Xi[6:])
    assert np.median(late[:, 1]) < 0.25                          # model-guided points hug x₁ = 0
    assert late[:, 0].min() < 0.3 and late[:, 0].max() > 0.7     # and spread along the front


def test_a_resumed_search_asks_what_an_uninterrupted_one_would():
    full = _search(14)
    from skopt.space import Real
    part = _search(8)
    resumed = ParEGO([Real(0.0, 1.0), Real(0.0, 1.0)], initial_points=6, random_state=3)
    resumed.tell_points(part.Xi, part.points)
    resumed = _search(14, opt=resumed)
    assert np.allclose(resumed.Xi, full.Xi)
