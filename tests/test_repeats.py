"""Fronts compared across independent searches: savings and hypervolumes with intervals over repeats × seeds,
worked by hand."""
import math

import numpy as np
import pytest

from optimize.analysis.fronts import Front
from optimize.analysis.repeats import compare_repeats, gain, hypervolume_curve, interval, mean_interval


def _front(points):
    """A front of (quality per seed, cost per seed) points."""
    return Front(np.array([q for q, _ in points], dtype=float), np.array([c for _, c in points], dtype=float))


def _costs(log_ratios, b=1.0):
    """One-point fronts per repeat (quality 2 on every seed): arm a costs b / e^x per log ratio x, arm b costs b."""
    a = [_front([([2.0] * len(x), [b * math.exp(-v) for v in x])]) for x in log_ratios]
    return a, [_front([([2.0] * len(x), [b] * len(x))]) for x in log_ratios]


def test_the_interval_is_students_t_over_the_searches():
    # one seed; log ratios 2, 2.5, 3: mean 2.5, variance of the mean 0.25 / 3, t(0.975, 2 df) = 4.3027 → half-width
    # 4.3027 · 0.288675 = 1.24208: [1.25792, 3.74208], as savings 1 − e^−x
    a, b = _costs([[2.0], [2.5], [3.0]])
    cmp = compare_repeats(a, b, [1.0], 0.0, 10.0)
    assert cmp["per_repeat"] == [pytest.approx([1 - math.exp(-2), 1 - math.exp(-2.5), 1 - math.exp(-3)])]
    assert cmp["saving"][0] == pytest.approx([1 - math.exp(-x) for x in (2.5, 1.25792, 3.74208)], abs=1e-5)
    assert cmp["winner"] == ["a"]
    # log ratios 1, 2, 3: variance of the mean 1 / 3, half-width 4.30265 / √3 = 2.48414: [−0.48414, 4.48414] spans 0
    a, b = _costs([[1.0], [2.0], [3.0]])
    cmp = compare_repeats(a, b, [1.0], 0.0, 10.0)
    assert cmp["saving"][0][1] == pytest.approx(1 - math.exp(0.48414), abs=1e-5) and cmp["winner"] == ["tie"]


def test_seeds_add_their_own_variance():
    # two identical repeats (no search variation), seeds with log ratios 0.2 and 0.4: the seeds' means 0.2 and 0.4
    # have variance 0.02, their mean's 0.01; on R − 1 = 1 degree of freedom (t = 12.7062) the half-width is 1.27062
    a, b = _costs([[0.2, 0.4], [0.2, 0.4]])
    cmp = compare_repeats(a, b, [1.0], 0.0, 10.0)
    half = 12.7062 * math.sqrt(0.02 / 2)
    assert cmp["saving"][0] == pytest.approx([1 - math.exp(-x) for x in (0.3, 0.3 - half, 0.3 + half)], abs=1e-4)
    assert cmp["winner"] == ["tie"]


def test_hypervolumes_with_their_t_intervals():
    # repeat 0: a needs 1, b 2 at MC 1; repeat 1: a 3, b 4 (one seed). Hypervolumes (q_ref 0, c_ref 10): a 18 and
    # 14, b 16 and 12; a's mean 16 ± 12.7062 · 2 (the variance of the mean of 18 and 14 is 4); the difference is 2 in
    # both repeats: a point
    a = [_front([([2.0], [1.0])]), _front([([2.0], [3.0])])]
    b = [_front([([2.0], [2.0])]), _front([([2.0], [4.0])])]
    hv = compare_repeats(a, b, [1.0], 0.0, 10.0)["hypervolume"]
    assert hv["a"]["per_repeat"] == [18.0, 14.0] and hv["a"]["mean"] == 16.0
    assert hv["a"]["interval"] == pytest.approx([16 - 25.4124, 16 + 25.4124], abs=1e-3)
    assert hv["difference"] == pytest.approx([2.0, 2.0, 2.0])


def test_a_sign_that_flips_between_repeats_is_no_winner_whatever_the_mean():
    a = [_front([([2.0], [1.0])]), _front([([2.0], [4.4])])]          # savings 0.5 and −0.1
    b = [_front([([2.0], [2.0])]), _front([([2.0], [4.0])])]
    cmp = compare_repeats(a, b, [1.0], 0.0, 10.0)
    assert cmp["saving"][0][0] == pytest.approx(1 - math.sqrt(0.5 * 1.1)) and cmp["winner"] == ["tie"]


def test_one_search_has_no_winner_and_reach_decides_the_rest():
    # a single search's variation is unmeasured: its interval is unbounded. MC 3 only a reaches, MC 9 neither
    a = [_front([([2.0, 2.0], [0.5, 0.5]), ([4.0, 4.0], [5.0, 5.0])])]
    b = [_front([([2.0, 2.0], [1.0, 1.0])])]
    cmp = compare_repeats(a, b, [1.0, 3.0, 9.0], 0.0, 10.0)
    assert cmp["saving"][0][0] == pytest.approx(0.5) and cmp["saving"][0][1] == -math.inf
    assert cmp["winner"] == ["tie", "a only", "none"] and cmp["saving"][1:] == [None, None]
    assert interval(np.array([[1.0, 1.0], [1.0, 1.0]])) == [1.0, 1.0, 1.0]      # no variation: a point


def _null_and_real(shift: float, studies: int = 200, seed: int = 0) -> tuple[float, float]:
    """Fractions of simulated 3-search × 5-seed comparisons that find a winner at the level and a hypervolume
    difference clear of 0, when arm a's cost is e^shift times arm b's: each search's cost is off by e^u (u ~ N(0,
    0.4), the search-to-search spread), each seed by e^e (e ~ N(0, 0.15)) and by a seed effect both arms share."""
    rng, won, hv = np.random.default_rng(seed), 0, 0
    for _ in range(studies):
        common = rng.normal(0, 0.2, 5)
        arms = [[_front([([2.0] * 5, np.exp(s + rng.normal(0, 0.4) + rng.normal(0, 0.15, 5) + common))])
                 for _ in range(3)] for s in (shift, 0.0)]
        cmp = compare_repeats(*arms, [1.0], 0.0, 10.0, bootstrap=20)
        won += cmp["winner"][0] != "tie"
        d = cmp["hypervolume"]["difference"]
        hv += d[1] > 0 or d[2] < 0
    return won / studies, hv / studies


def test_three_searches_find_a_winner_by_chance_at_most_one_time_in_twenty():
    # the verdict's own calibration: two arms drawn from one distribution. A bootstrap over the 3 searches excluded 0
    # whenever they agreed in sign, 1 time in 4; the t interval holds its 5 %, and still finds a real 86 % saving
    null_level, null_hv = _null_and_real(0.0)
    assert null_level <= 0.06 and null_hv <= 0.06
    real_level, _ = _null_and_real(-2.0, seed=1)
    assert real_level >= 0.7


def test_the_hypervolume_curve_grows_with_the_trials():
    curve = hypervolume_curve([(1.0, 2.0), None, (2.0, 1.0), (0.5, 3.0)], 0.0, 4.0)
    assert curve.tolist() == [2.0, 2.0, 6.0, 6.0]          # (1, 2): 1·2; with (2, 1): 2·3; (0.5, 3) is dominated


def test_a_curve_interval_over_searches_is_students_t():
    # searches 1 and 3 at one evaluation: mean 2, standard error 1, t(0.975, 1 df) = 12.7062
    lo, hi = mean_interval(np.array([[1.0, 5.0], [3.0, 5.0]]))
    assert lo == pytest.approx([2 - 12.7062, 5.0], abs=1e-4) and hi == pytest.approx([2 + 12.7062, 5.0], abs=1e-4)
    assert mean_interval(np.array([[1.0]]))[0][0] == -math.inf                  # one search: unmeasured


def test_the_gain_of_a_budgets_end_by_hand():
    one = lambda q, c: Front(np.array([[q, q]], float), np.array([[c, c]], float))   # one point, two equal seeds
    early = [one(2, 5), one(2, 5)]                       # hypervolume 2 × (10 − 5) = 10 in both searches
    full = [one(3, 5), one(2, 4)]                        # 15 and 12: differences 5 and 2
    g = gain(early, full, q_ref=0.0, c_ref=10.0)
    half = 12.706204736 * math.sqrt(np.var([5, 2], ddof=1) / 2)      # t(1 df); equal seeds add no variance
    assert g["early"] == [10, 10] and g["full"] == [15, 12]
    assert g["gain"] == pytest.approx([3.5 / 13.5, (3.5 - half) / 13.5, (3.5 + half) / 13.5])
    assert gain(full, full, 0.0, 10.0)["gain"] == [0.0, 0.0, 0.0]
