"""Rate reservoirs on reservoirpy with the spiking reservoir's τ_m sample, and reservoirpy's LIF node."""
import numpy as np
import pytest

from hrsnn import HRSNNRegressor, ReservoirConfig
from hrsnn.model.parameters import Parameters
from hrsnn.model.seeds import seed_streams
from hrsnn.sim.rate import RATE_PARAMS, leak_rates

CFG = ReservoirConfig(n_neurons=80)


def test_leaks_are_the_spiking_reservoirs_own_tau_sample():
    drawn = Parameters.draw(CFG, 1, seed_streams(3)[0])
    np.testing.assert_array_equal(leak_rates(CFG, 3), np.minimum(1.0, CFG.input.step / drawn.tau_m))
    hom = leak_rates(CFG, 3, heterogeneous=False)
    assert np.all(hom == CFG.input.step / CFG.neuron.tau_m.mean)
    assert leak_rates(CFG, 3).std() > 0 and not np.array_equal(leak_rates(CFG, 3), leak_rates(CFG, 4))


@pytest.mark.parametrize("model, heterogeneous", [("rate", True), ("rate-hom", False)])
def test_rate_models_give_a_plain_reservoirpy_networks_states(model, heterogeneous):
    from reservoirpy.nodes import Reservoir
    u = np.random.default_rng(0).uniform(-1, 1, (200, 1))
    reg = HRSNNRegressor(CFG, model=model, seed=5, washout=10, input_features=False).fit(u, u[:, 0])
    ours, activity = reg.run(u)
    plain = Reservoir(80, lr=leak_rates(CFG, 5, heterogeneous), seed=5, **RATE_PARAMS)
    np.testing.assert_allclose(ours, np.asarray(plain.run(reg._scaled(u))), rtol=0, atol=1e-12)
    assert activity.spikes == 0


def test_reservoirpy_lif_spikes_and_is_read_as_traces():
    u = np.random.default_rng(1).uniform(-1, 1, (300, 2))
    reg = HRSNNRegressor(CFG, model="rpy-lif", seed=2, washout=10).fit(u, u[:, 0])
    states, activity = reg.run(u)
    assert activity.spikes > 0 and activity.spikes_per_sample == activity.spikes / 300
    assert states.shape == (300, 82) and np.all(states[:, :80] >= 0)


def test_evaluate_rate_measures_mc_on_a_plain_reservoirpy_network_warmed_up_by_the_training_input():
    from reservoirpy.nodes import Reservoir

    from hrsnn import evaluate_rate, memory_capacity
    from hrsnn.measure.evaluate import memory_input
    from hrsnn.model.config import RIDGE_GRID
    cfg = CFG.with_updates({"task.train_steps": 100, "task.eval_steps": 600, "task.k_max": 20})
    result = evaluate_rate(cfg, seed=4)
    u_train, u_eval = memory_input(cfg, 4)
    plain = Reservoir(80, lr=leak_rates(cfg, 4), seed=4, **RATE_PARAMS)
    plain.run(u_train[:, None])
    want = memory_capacity(np.asarray(plain.run(u_eval[:, None])), u_eval, 20, ridge=RIDGE_GRID, test_size=0.2,
                           washout=50)
    assert result.memory_capacity == pytest.approx(want.total, rel=1e-12) and result.memory_capacity > 3
    assert result.spikes == 0 and np.isnan(result.E) and result.to_dict()["E"] is None and not result.degenerate
    assert evaluate_rate(cfg, seed=4, heterogeneous=False).memory_capacity != result.memory_capacity
