import numpy as np
import pytest

from hrsnn import ConfigError, Constant, Gamma, LogNormal, TruncNormal, Uniform
from hrsnn.model.distributions import make


@pytest.mark.parametrize("dist, mean, std", [
    (Gamma(20.0, 0.5), 20.0, 10.0),
    (LogNormal(20.0, 0.5), 20.0, 10.0),
    (Uniform(10.0, 30.0), 20.0, 20.0 / np.sqrt(12)),
    (Constant(20.0), 20.0, 0.0),
])
def test_moments(dist, mean, std):
    x = dist.sample(200_000, np.random.default_rng(1))
    assert x.mean() == pytest.approx(mean, rel=0.01)
    assert x.std() == pytest.approx(std, rel=0.02, abs=1e-9)


def test_homogeneous_twin_has_equal_mean_and_no_spread():
    for dist in (Gamma(20.0, 0.7), LogNormal(5.0, 1.0), Uniform(1.0, 3.0), TruncNormal(10.0, 2.0)):
        twin = dist.homogeneous()
        assert twin.mean == dist.mean
        assert np.ptp(twin.sample(100, np.random.default_rng(0))) == 0


def test_draws_stay_in_range():
    rng = np.random.default_rng(0)
    x = Gamma(20.0, 2.0).sample(10_000, rng, 2.0, 200.0)
    assert x.min() >= 2.0 and x.max() <= 200.0
    y = TruncNormal(0.0, 10.0).sample(10_000, rng, -1.0, 5.0)
    assert y.min() >= -1.0 and y.max() <= 5.0 and np.unique(y).size > 9000  # truncated, not clipped


def test_make_reads_numbers_and_tables():
    assert make(3, "x") == Constant(3.0)
    assert make({"dist": "gamma", "mean": 2, "cv": 0.1}, "x") == Gamma(2.0, 0.1)


@pytest.mark.parametrize("spec, message", [
    ({"dist": "cauchy", "loc": 0}, "x.dist: unknown distribution 'cauchy'"),
    ({"dist": "gamma", "mean": -1, "cv": 0.1}, "x.mean: must be > 0"),
    ({"dist": "gamma", "mean": 1, "cv": -0.1}, "x.cv: must be >= 0"),
    ({"dist": "gamma", "mean": 1}, "missing ['cv']"),
    ({"dist": "uniform", "low": 3, "high": 1}, "uniform needs low <= high"),
    ({"dist": "normal", "loc": 0, "std": float("nan")}, "x.std: must be a finite number"),
])
def test_bad_specs(spec, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        make(spec, "x")
