"""Fronts compared across independent searches: savings and hypervolumes with intervals over repeats × seeds,
worked by hand."""
import numpy as np
import pytest

from optimize.analysis.fronts import Front
from optimize.analysis.repeats import compare_repeats, hypervolume_curve, interval


def _front(points):
    """A front of (quality per seed, cost per seed) points."""
    return Front(np.array([q for q, _ in points], dtype=float), np.array([c for _, c in points], dtype=float))


def test_two_repeats_one_seed_interval_spans_the_repeats():
    # repeat 0: a needs 1, b 2 at MC 1 (saving 0.5); repeat 1: a 3, b 4 (0.25). Drawing 2 repeats with replacement
    # gives means 0.5, 0.375, 0.25 with chances 1/4, 1/2, 1/4: the 95 % interval is [0.25, 0.5]
    a = [_front([([2.0], [1.0])]), _front([([2.0], [3.0])])]
    b = [_front([([2.0], [2.0])]), _front([([2.0], [4.0])])]
    cmp = compare_repeats(a, b, [1.0], 0.0, 10.0, bootstrap=4000)
    assert cmp["per_repeat"] == [pytest.approx([0.5, 0.25])]
    assert cmp["saving"][0] == pytest.approx([0.375, 0.25, 0.5])
    assert cmp["winner"] == ["a"]
    # hypervolumes (q_ref 0, c_ref 10): a 2·9 = 18 and 2·7 = 14, b 16 and 12; per draw the repeats' mean
    hv = cmp["hypervolume"]
    assert hv["a"]["per_repeat"] == [18.0, 14.0] and hv["a"]["mean"] == 16.0 and hv["a"]["interval"] == [14.0, 18.0]
    assert hv["b"]["mean"] == 14.0 and hv["difference"][0] == 2.0 and hv["difference"][1:] == [2.0, 2.0]


def test_a_sign_that_flips_between_repeats_is_no_winner_whatever_the_mean():
    a = [_front([([2.0], [1.0])]), _front([([2.0], [4.4])])]          # savings 0.5 and −0.1
    b = [_front([([2.0], [2.0])]), _front([([2.0], [4.0])])]
    cmp = compare_repeats(a, b, [1.0], 0.0, 10.0)
    assert cmp["saving"][0][0] == pytest.approx(0.2) and cmp["winner"] == ["tie"]


def test_seeds_are_drawn_too_and_reach_decides_the_rest():
    # one repeat, seeds with savings 0.2 and 0.4: draws give means 0.2, 0.3, 0.4; MC 3 only a reaches, MC 9 neither
    a = [_front([([2.0, 2.0], [0.8, 0.6]), ([4.0, 4.0], [5.0, 5.0])])]
    b = [_front([([2.0, 2.0], [1.0, 1.0])])]
    cmp = compare_repeats(a, b, [1.0, 3.0, 9.0], 0.0, 10.0, bootstrap=4000)
    assert cmp["saving"][0] == pytest.approx([0.3, 0.2, 0.4])
    assert cmp["winner"] == ["a", "a only", "none"] and cmp["saving"][1:] == [None, None]
    assert interval(np.array([[1.0, 1.0], [1.0, 1.0]])) == [1.0, 1.0, 1.0]      # no variation: a point


def test_the_hypervolume_curve_grows_with_the_trials():
    curve = hypervolume_curve([(1.0, 2.0), None, (2.0, 1.0), (0.5, 3.0)], 0.0, 4.0)
    assert curve.tolist() == [2.0, 2.0, 6.0, 6.0]          # (1, 2): 1·2; with (2, 1): 2·3; (0.5, 3) is dominated
