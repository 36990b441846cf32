"""Front comparison against hand-computed values: levels, savings, who is ahead where, hypervolume."""
import math

import numpy as np
import pytest

from optimize.analysis.fronts import Front, compare_fronts, cost_at, hypervolume, pareto_mask
from optimize.report.text import front_verdict as verdict
from optimize.report.text import saving_text

# Arm A: (quality, cost) = (1, 1), (2, 2), (4, 5); arm B: (1, 2), (3, 4), (5, 8). Two seeds whose quality is
# ±0.1 around those values and whose cost is exact: means are the values above, per-seed savings have no spread.
A = [(1, 1), (2, 2), (4, 5)]
B = [(1, 2), (3, 4), (5, 8)]


def front(points, dq=0.1) -> Front:
    q = np.array([[p[0] + dq, p[0] - dq] for p in points], dtype=float)
    c = np.array([[p[1], p[1]] for p in points], dtype=float)
    return Front(q, c)


def test_pareto_mask_keeps_the_non_dominated_points():
    q = np.array([1.0, 2.0, 1.5, 2.0, np.nan])
    c = np.array([1.0, 2.0, 3.0, 2.0, 0.5])
    assert pareto_mask(q, c).tolist() == [True, True, False, True, False]     # ties are both kept; NaN never


def test_cost_at_a_level_is_the_cheapest_point_reaching_it():
    q, c = np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 5.0])
    assert cost_at(q, c, 1.5) == (2.0, 1)
    assert cost_at(q, c, 0.0) == (1.0, 0)
    assert cost_at(q, c, 4.5) == (math.inf, -1)


def test_hypervolume_by_hand():
    # A: (1 - 0)(10 - 1) + (2 - 1)(10 - 2) + (4 - 2)(10 - 5) = 9 + 8 + 10 = 27; B: 8 + 12 + 4 = 24
    assert hypervolume([1, 2, 4], [1, 2, 5], 0.0, 10.0) == pytest.approx(27.0)
    assert hypervolume([1, 3, 5], [2, 4, 8], 0.0, 10.0) == pytest.approx(24.0)
    assert hypervolume([1, 3, 5], [2, 4, 12], 0.0, 10.0) == pytest.approx(20.0)    # beyond c_ref: no area
    assert hypervolume([], [], 0.0, 10.0) == 0.0


def test_two_synthetic_arms_compare_as_computed_by_hand():
    cmp = compare_fronts(front(A), front(B), levels=[1, 2, 3, 4, 5], q_ref=0.0, c_ref=10.0, bootstrap=200)
    assert cmp["a"] == [[1.0, 0.0], [2.0, 0.0], [5.0, 0.0], [5.0, 0.0], None]
    assert cmp["b"] == [[2.0, 0.0], [4.0, 0.0], [4.0, 0.0], [8.0, 0.0], [8.0, 0.0]]
    assert [s and s[0] for s in cmp["saving"]] == pytest.approx([0.5, 0.5, -0.25, 0.375, None])
    assert cmp["ahead"] == ["a", "a", "b", "a", "b"]
    assert cmp["a_ahead"] == [[1.0, 2.0], [4.0, 4.0]] and cmp["b_ahead"] == [[3.0, 3.0], [5.0, 5.0]]
    (ha, la, ua), (hb, lb, ub) = cmp["hypervolume"]["a"], cmp["hypervolume"]["b"]
    assert (ha, hb) == pytest.approx((27.0, 24.0))
    assert la <= ha <= ua and lb <= hb <= ub and ua - la > 0         # the seeds differ: a real interval
    text = verdict(cmp, ("het", "hom"), "MC", "spikes")
    assert text.startswith("het needs 50% ± 0% fewer spikes than hom at MC 2 (saving -25% to +50% over the 4")
    assert cmp["a_clear"] == cmp["a_ahead"] and cmp["b_clear"] == cmp["b_ahead"]     # no cost spread here
    assert "het is ahead for MC 1–2, 4 (beyond the seed spread: 1–2, 4)" in text
    assert "hom is ahead for MC 3, 5 (beyond the seed spread: 3, 5)" in text
    assert "hypervolume 27 [" in text
    cmp["saving"][1] = [-99.0, 0.0]                  # 100× the other's cost: a ratio, not -9900%
    text = verdict(cmp, ("het", "hom"), "MC", "spikes")
    assert text.startswith("het needs 100× the spikes of hom at MC 2 (saving 100× the cost to +50% over the 4")
    assert saving_text(-106216.0) == "106 217× the cost" and saving_text(0.21, 0.01) == "+21% ± 1%"


def test_saving_spread_is_seed_by_seed():
    a = Front(np.array([[3.0, 3.0]]), np.array([[1.0, 3.0]]))         # costs 1 and 3 on the two seeds
    b = Front(np.array([[3.0, 3.0]]), np.array([[2.0, 4.0]]))
    cmp = compare_fronts(a, b, levels=[3], q_ref=0.0, c_ref=10.0, bootstrap=10)
    per_seed = np.array([1 - 1 / 2, 1 - 3 / 4])
    assert cmp["saving"][0] == pytest.approx([per_seed.mean(), per_seed.std()])
    assert cmp["a"][0] == pytest.approx([2.0, 1.0])
    assert cmp["a_ahead"] == [[3.0, 3.0]] and cmp["a_clear"] == [[3.0, 3.0]]      # 0.375 ± 0.125


def test_a_saving_within_its_seed_spread_is_ahead_but_not_clear():
    a = Front(np.array([[3.0, 3.0]]), np.array([[1.0, 3.5]]))          # savings 1/2 and -1/6 on the two seeds
    b = Front(np.array([[3.0, 3.0]]), np.array([[2.0, 3.0]]))
    cmp = compare_fronts(a, b, levels=[3], q_ref=0.0, c_ref=10.0, bootstrap=10)
    assert cmp["saving"][0] == pytest.approx([1 / 6, 1 / 3])
    assert cmp["a_ahead"] == [[3.0, 3.0]] and cmp["a_clear"] == [] and cmp["b_clear"] == []


def test_a_seed_where_the_other_arm_paid_nothing_has_no_saving():
    a = Front(np.array([[3.0, 3.0]]), np.array([[1.0, 2.0]]))
    b = Front(np.array([[3.0, 3.0]]), np.array([[0.0, 4.0]]))          # silent on the first seed
    cmp = compare_fronts(a, b, levels=[3], q_ref=0.0, c_ref=10.0, bootstrap=10)
    assert cmp["saving"][0] == pytest.approx([0.5, 0.0])
    free = compare_fronts(a, Front(np.array([[3.0, 3.0]]), np.zeros((1, 2))), levels=[3], q_ref=0.0, c_ref=10.0,
                          bootstrap=10)
    assert free["saving"] == [None] and free["ahead"] == ["b"] and free["b_clear"] == [[3.0, 3.0]]


def test_hypervolume_matches_pymoos_indicator_on_random_fronts():
    from pymoo.indicators.hv import HV
    rng = np.random.default_rng(0)
    for _ in range(200):
        F = rng.uniform(0.0, 1.2, (int(rng.integers(1, 40)), 2))        # some points beyond the reference point
        F[rng.random(len(F)) < 0.2] = F[0]                              # and ties
        assert hypervolume(-F[:, 0], F[:, 1], -1.0, 1.0) == pytest.approx(HV(ref_point=np.array([1.0, 1.0]))(F),
                                                                           rel=1e-12, abs=1e-12)
