"""Slow scientific checks on the default reservoir (``make test-slow``); CI runs the small versions elsewhere."""
import pytest

from hrsnn import ReservoirConfig, evaluate


@pytest.mark.slow
def test_default_reservoir_has_memory_and_heterogeneity_adds_to_it():
    het = evaluate(ReservoirConfig(), seed=0)
    hom = evaluate(ReservoirConfig().homogeneous(), seed=0)
    assert not het.degenerate and not hom.degenerate
    assert het.memory_capacity > 6.0
    assert het.memory_capacity > 1.5 * hom.memory_capacity
    assert het.rate_hz > hom.rate_hz          # the short-τ_m neurons fire more (the design notes' pitfall)
