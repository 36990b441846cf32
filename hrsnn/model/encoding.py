"""Input encoding: an analog series u (T × C) becomes input currents or Poisson spike trains; spike counts per step
(``events``) become synaptic current jumps."""
from __future__ import annotations

import numpy as np

from ..errors import InputError
from .config import InputConfig


def as_input(u, n_channels: int | None = None, name: str = "u") -> np.ndarray:
    """Validate an input series and return it as a float array of shape (T, C)."""
    arr = np.asarray(u, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise InputError(f"{name}: expected shape (T,) or (T, C) with T >= 1, got {np.shape(u)}")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name}: contains NaN or infinite values")
    if n_channels is not None and arr.shape[1] != n_channels:
        raise InputError(f"{name}: expected {n_channels} channel(s), got {arr.shape[1]}")
    return arr


def input_weights(cfg: InputConfig, n_neurons: int, n_channels: int, rng: np.random.Generator) -> np.ndarray:
    """(N, C) weights in U[-1, 1]; each neuron receives input with probability ``cfg.p_in``."""
    w = rng.uniform(-1.0, 1.0, size=(n_neurons, n_channels))
    return w * (rng.random(n_neurons) < cfg.p_in)[:, None]


def input_current(cfg: InputConfig, w_in: np.ndarray, u: np.ndarray) -> np.ndarray:
    """(T, N) injected current in pA: bias + scale · W_in u(t)."""
    return cfg.bias + cfg.scale * (u @ w_in.T)


def reservoir_input(cfg: InputConfig, u: np.ndarray) -> np.ndarray:
    """``u`` as the spiking reservoir takes it: clipped to [-1, 1] (a bounded drive), spike counts (``events``) as
    they are."""
    return u if cfg.encoding == "events" else np.clip(u, -1.0, 1.0)


def check_counts(u: np.ndarray, name: str = "u") -> np.ndarray:
    """``u`` as spike counts per channel and step (``input.encoding = "events"``): non-negative integers."""
    if np.any(u < 0) or np.any(u != np.round(u)):
        raise InputError(f"{name}: input.encoding 'events' takes spike counts per step (non-negative integers)")
    return u


def event_jumps(cfg: InputConfig, w_in: np.ndarray, u: np.ndarray) -> np.ndarray:
    """(T, N) synaptic current jumps in pA at the start of each step: scale · W_in · counts(t)."""
    return cfg.scale * (u @ w_in.T)


def poisson_spikes(cfg: InputConfig, u: np.ndarray, dt: float, rng: np.random.Generator):
    """Spike trains of ``n_poisson`` neurons per channel at rate_max·(1 + u)/2 (u clipped to [-1, 1]).

    Returns (indices, times in s) on the dt grid, at most one spike per neuron and dt; dt in s.
    """
    n_steps, n_channels = u.shape
    per_step = int(round(cfg.step * 1e-3 / dt))
    rates = cfg.rate_max * (1.0 + np.clip(u, -1.0, 1.0)) / 2.0           # (T, C) Hz
    p = np.repeat(np.repeat(rates, cfg.n_poisson, axis=1), per_step, axis=0) * dt  # (T·per_step, C·n)
    bins, idx = np.nonzero(rng.random(p.shape) < p)
    return idx, bins * dt
