"""Reservoir states from recorded spikes, one row per input step (plain numpy, no voltage recordings)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from ..model.config import ReservoirConfig


def _step_index(t: np.ndarray, n_steps: int, step: float) -> np.ndarray:
    k = np.floor(t / step + 1e-9).astype(np.int64)
    return np.clip(k, 0, n_steps - 1)


def spike_counts(i: np.ndarray, t: np.ndarray, n_neurons: int, n_steps: int, step: float) -> np.ndarray:
    """(n_steps, n_neurons) spike counts; ``t`` (s) is measured from the start of the run, ``step`` in s."""
    k = _step_index(np.asarray(t), n_steps, step)
    flat = np.bincount(k * n_neurons + np.asarray(i, dtype=np.int64), minlength=n_steps * n_neurons)
    return flat.reshape(n_steps, n_neurons).astype(float)


ROW_LOOP_MIN = 256
"""Neurons from which ``filtered_traces`` runs its recursion a row at a time (one numpy call per step) rather than
with scipy's ``lfilter`` down each column: ≈ 4× faster at 400 × 2000, 12× slower at 5000 × 20."""


def filtered_traces(i: np.ndarray, t: np.ndarray, n_neurons: int, n_steps: int, step: float,
                    tau: float) -> np.ndarray:
    """(n_steps, n_neurons) exponentially filtered spike trains x(t) = Σ exp(−(t − t_s)/τ), sampled at the
    end of each step. Times in s; exact (each spike weighted by its distance to the end of its step)."""
    t = np.asarray(t, dtype=float)
    k = _step_index(t, n_steps, step)
    weight = np.exp(-((k + 1) * step - t) / tau)
    flat = np.bincount(k * n_neurons + np.asarray(i, dtype=np.int64), weights=weight,
                       minlength=n_steps * n_neurons)
    x = flat.reshape(n_steps, n_neurons).astype(float, copy=False)   # bincount gives int64 when no spike
    decay = np.exp(-step / tau)
    return exponential_filter(x, decay)


def exponential_filter(x: np.ndarray, decay: float) -> np.ndarray:
    """x[k] ← jumps[k] + decay · x[k−1] down the rows of a (T, N) array (a float array is overwritten when wide)."""
    x = np.asarray(x, dtype=float)
    if x.shape[1] < ROW_LOOP_MIN:
        return lfilter([1.0], [1.0, -decay], x, axis=0)
    for k in range(1, len(x)):             # x[k] = decay · x[k−1] + jumps[k]: bit for bit lfilter's recursion
        x[k] += decay * x[k - 1]
    return x


def run_states(cfg: ReservoirConfig, spike_i: np.ndarray, spike_t: np.ndarray, n_steps: int) -> np.ndarray:
    """States (n_steps × N) of a run from its spikes (times in s from the run's start), per ``cfg.states``."""
    step = cfg.input.step * 1e-3
    if cfg.states.kind == "count":
        return spike_counts(spike_i, spike_t, cfg.n_neurons, n_steps, step)
    return filtered_traces(spike_i, spike_t, cfg.n_neurons, n_steps, step, cfg.states.tau_filter * 1e-3)


@dataclass
class RunResult:
    """What one simulation phase returns: spikes (neuron index, time in s from the phase start) and states."""

    spike_i: np.ndarray
    spike_t: np.ndarray
    states: np.ndarray            # (T, N): per-step counts or filtered traces, per config.states
    n_steps: int
    duration: float               # s simulated
    wall_s: float
    stopped_at: int | None = None  # input step at which the run passed its spike budget and was stopped

    @property
    def n_spikes(self) -> int:
        return int(len(self.spike_i))
