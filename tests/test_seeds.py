"""Every seed argument of the API refuses values outside [0, 2³² − 1] with a ConfigError naming it."""
import pytest

from hrsnn import ConfigError, HRSNNClassifier, Reservoir, ReservoirConfig, evaluate, evaluate_many
from hrsnn.measure.compare import compare
from hrsnn.measure.evaluate import memory_input
from hrsnn.sim.drive import drive
from hrsnn.tasks.cells import classify, predict
from hrsnn.tasks.datasets import load_series, narma10

CFG = ReservoirConfig(n_neurons=20)
BAD = [-1, 2**32, 1.5, True, "3"]


@pytest.mark.parametrize("seed", BAD)
def test_single_seed_entries(seed):
    calls = [lambda: evaluate(CFG, seed=seed), lambda: Reservoir(CFG, seed=seed), lambda: memory_input(CFG, seed),
             lambda: drive(CFG, seed, [], [0.0, 0.1]), lambda: load_series("narma10", 50, seed=seed),
             lambda: narma10(50, seed), lambda: classify("GunPoint", "linear", seed=seed),
             lambda: predict("narma10", "linear", seed=seed, n_steps=400),
             lambda: HRSNNClassifier(CFG, model="linear", seed=seed).fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])]
    for call in calls:
        with pytest.raises(ConfigError, match=r"seed: .* allowed range \[0, 4294967295\]"):
            call()


def test_seed_lists_name_the_bad_entry_before_any_work():
    with pytest.raises(ConfigError, match=r"seeds\[2\]: -3"):
        evaluate_many([CFG] * 3, [0, 1, -3], workers=2)
    with pytest.raises(ConfigError, match=r"seeds\[1\]"):
        compare(CFG, [0, -1])
