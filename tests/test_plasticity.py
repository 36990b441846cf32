"""The heterogeneous-STDP study: its file is checked, its comparison is the frontier's, its claim test is strict."""
import pytest

from optimize.report.stdp import lowers_activity
from optimize.search.checks import StudyError
from optimize.studies.stdp import compare_pair, load_plasticity, models

from .conftest import write_toml


def test_file_errors_name_the_key(tmp_path):
    for data, message in (
            ({"ladders": [1.0]}, "ladders: unknown key"),
            ({"ladder": [0.0, 1.0]}, "ladder: a non-empty list of positive numbers"),
            ({"rules": {"hebbian": {}}}, "rules.hebbian.stdp.rule: 'hebbian' is not one of"),
            ({"regimes": {"loud": {"input.scale": -5}}}, r"regimes.loud.input.scale: -5 outside the allowed range"),
            ({"sweep": ["tau_m"]}, "sweep: a list of STDP parameters"),
            ({"task": [{"kind": "predict", "dataset": "nope"}]}, "task.dataset: unknown predict dataset")):
        with pytest.raises(StudyError, match=message):
            load_plasticity(write_toml(tmp_path / "s.toml", data))


def test_a_rule_table_sets_the_rule_and_regimes_apply_on_top(tmp_path):
    spec = load_plasticity(write_toml(tmp_path / "s.toml", {
        "set": {"n_neurons": 200}, "rules": {"triplet": {"stdp.a_plus.mean": 0.003}, "nearest": {
            "stdp.rule": "additive", "stdp.pairing": "nearest"}}, "regimes": {"a": {}, "b": {"input.bias": 150.0}}}))
    cfg = spec["configs"]["triplet", "b"]
    assert cfg.stdp.rule == "triplet" and cfg.stdp.a_plus.mean == 0.003 and cfg.input.bias == 150.0
    assert cfg.n_neurons == 200 and spec["configs"]["nearest", "a"].stdp.pairing == "nearest"
    m = models(cfg)
    assert m["HeNHoS"].stdp.a_plus.is_constant and not m["HeNHoS"].neuron.tau_m.is_constant
    assert m["HoNHeS"].neuron.tau_m.is_constant and not m["HoNHeS"].stdp.tau_y.is_constant


def _results(points):
    """Ladder results: per point, per seed (MC, rate)."""
    return [[{"memory_capacity": q, "rate_hz": c, "degenerate": False} for q, c in seeds] for seeds in points]


def test_pair_comparison_matches_hand_computed_savings():
    # heterogeneous-STDP twin: MC 1 at 2 / 4 Hz, MC 2 at 6 / 6 Hz; homogeneous: MC 1 at 4 / 8 Hz, MC 2 at 12 / 12 Hz
    het = _results([[(1.0, 2.0), (1.0, 4.0)], [(2.0, 6.0), (2.0, 6.0)]])
    hom = _results([[(1.0, 4.0), (1.0, 8.0)], [(2.0, 12.0), (2.0, 12.0)]])
    pair = compare_pair(het, hom, None, ("HRSNN", "HeNHoS"))
    assert pair["levels"] == [1.0, 2.0]
    assert pair["saving"][0] == pytest.approx([0.5, 0.0]) and pair["saving"][1] == pytest.approx([0.5, 0.0])
    assert pair["a"][0] == pytest.approx([3.0, 1.0]) and pair["b"][1] == pytest.approx([12.0, 0.0])
    assert pair["ahead"] == ["a", "a"] and "HRSNN needs 50% ± 0% fewer spikes (rate) than HeNHoS" in pair["verdict"]
    # a degenerate run has no memory, whatever MC its readout reported
    het[1][0]["degenerate"] = True
    assert compare_pair(het, hom, None, ("HRSNN", "HeNHoS"))["curves"]["HRSNN"]["quality"][1][0] == 0.0


@pytest.mark.parametrize("cost, quality, kind, answer", [
    ([-0.30, 0.10], [0.1, 0.2], "MC", "yes"),
    ([-0.30, 0.40], [0.1, 0.2], "MC", "no"),          # within the seed spread
    ([-0.01, 0.001], [0.0, 0.1], "MC", "no"),         # beyond the spread but below 2 %
    ([-0.30, 0.10], [-0.5, 0.2], "MC", "no"),         # memory lost beyond the spread
    ([-0.30, 0.10], [0.05, 0.01], "NRMSE", "no"),     # error up beyond the spread
    ([0.20, 0.05], [0.0, 0.1], "MC", "reverse"),
])
def test_the_claim_needs_fewer_spikes_beyond_the_spread_at_kept_quality(cost, quality, kind, answer):
    pair = {"quality": kind, "at_scale": {"cost_change": cost, "quality_change": quality}}
    assert lowers_activity(pair) == answer


def test_paired_change_at_the_regimes_scale_by_hand_and_the_claim_that_reads_it():
    from optimize.studies.stdp import _paired
    # seed by seed: het rate 3, 2, 5 Hz vs hom 4, 4, 0 Hz → cost change −25 %, −50 % (the third: hom paid nothing);
    # MC 3, 4 and a degenerate run (no memory, whatever its readout said) vs 2, 3, 2 → +1, +1, −2
    het = [{"memory_capacity": 3.0, "rate_hz": 3.0}, {"memory_capacity": 4.0, "rate_hz": 2.0},
           {"memory_capacity": 9.0, "rate_hz": 5.0, "degenerate": True}]
    hom = [{"memory_capacity": 2.0, "rate_hz": 4.0}, {"memory_capacity": 3.0, "rate_hz": 4.0},
           {"memory_capacity": 2.0, "rate_hz": 0.0}]
    at = _paired(het, hom, None)
    assert at["cost_change"] == pytest.approx([-0.375, 0.125], rel=1e-12)
    assert at["quality_change"] == pytest.approx([0.0, 2 ** 0.5], rel=1e-12)      # 1, 1, −2: variance 6 / 3
    assert lowers_activity({"quality": "MC", "at_scale": at}) == "yes"
    # a prediction task: quality is the NRMSE (lower is better), cost the spikes per sample
    task = {"kind": "predict"}
    het = [{"error": 0.2, "spikes_per_sample": 30.0}, {"error": 0.4, "spikes_per_sample": 10.0}]
    hom = [{"error": 0.25, "spikes_per_sample": 20.0}, {"error": 0.25, "spikes_per_sample": 20.0}]
    at = _paired(het, hom, task)
    assert at["cost_change"] == pytest.approx([0.0, 0.5], rel=1e-12)          # +50 % and −50 %
    assert at["quality_change"] == pytest.approx([0.05, 0.1], rel=1e-12)      # NRMSE −0.05 and +0.15
    assert lowers_activity({"quality": "NRMSE", "at_scale": at}) == "no"
    at["cost_change"] = [-0.3, 0.1]
    assert lowers_activity({"quality": "NRMSE", "at_scale": at}) == "yes"      # error up by less than its spread
