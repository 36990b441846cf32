"""Outside reservoirs run on reservoirpy 0.4, for the harness to set beside the Brian2-exact spiking reservoir.

- ``rate_reservoir``: a leaky-integrator (rate) network, ``reservoirpy.nodes.Reservoir``, whose per-unit leak rate
  is dt/τ with dt = ``input.step`` and τ the spiking reservoir's own τ_m sample for the same config and seed
  (``neuron.tau_m``; heterogeneous), or τ = its mean for every unit (the homogeneous twin). Leaks are capped at 1.
- ``lif_reservoir``: reservoirpy's discrete-time ``LIF`` node (same leaks), read as spike trains filtered with
  ``states.tau_filter`` like the spiking reservoir's states.
"""
from __future__ import annotations

import numpy as np

from ..model.config import ReservoirConfig
from ..model.seeds import stream
from .states import exponential_filter

RATE_PARAMS = dict(sr=0.9, input_scaling=1.0, rc_connectivity=0.1, input_connectivity=0.5)
"""Spectral radius, input gain and sparsity of the rate and LIF reservoirs (as the harness's ESN)."""


def leak_rates(config: ReservoirConfig, seed: int, heterogeneous: bool = True) -> np.ndarray:
    """(N,) leak rates dt/τ in (0, 1]: τ the τ_m sample ``Parameters.draw`` makes for ``seed``, or its mean."""
    if heterogeneous:
        tau = config.neuron.draw("tau_m", config.n_neurons, stream(seed, "tau_m"))
    else:
        tau = np.full(config.n_neurons, config.neuron.tau_m.mean)
    return np.minimum(1.0, config.input.step / tau)


def rate_reservoir(config: ReservoirConfig, seed: int, heterogeneous: bool = True, scale: float = 1.0):
    """A reservoirpy ``Reservoir`` of ``config.n_neurons`` leaky-integrator units with the leaks above; ``scale``
    multiplies its spectral radius (0: no recurrence)."""
    from reservoirpy.nodes import Reservoir
    return Reservoir(config.n_neurons, lr=leak_rates(config, seed, heterogeneous), seed=seed,
                     **{**RATE_PARAMS, "sr": RATE_PARAMS["sr"] * scale})


def lif_reservoir(config: ReservoirConfig, seed: int, scale: float = 1.0):
    """reservoirpy's discrete-time ``LIF`` node with the heterogeneous leaks above (20 % inhibitory units)."""
    from reservoirpy.nodes import LIF
    return LIF(config.n_neurons, lr=leak_rates(config, seed), inhibitory=0.2, seed=seed,
               **{**RATE_PARAMS, "sr": RATE_PARAMS["sr"] * scale})


def spike_traces(spikes: np.ndarray, config: ReservoirConfig) -> np.ndarray:
    """(T, N) spike trains (one row per input step) filtered with ``states.tau_filter``, as the states of a run."""
    return exponential_filter(np.array(spikes, dtype=float), np.exp(-config.input.step / config.states.tau_filter))
