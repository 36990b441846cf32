"""``drive``: one reservoir through an STDP phase and a frozen phase, on whichever target is fastest.

Tasks with inputs of many lengths (classification sets, forecasting splits, cross-validation folds) would need a
standalone binary per length; ``drive`` therefore pads each phase with rest steps (u = 0, the bias current only)
to a multiple of ``PAD_STEPS`` and drops them from the results, on every target alike, so one binary serves a
whole range of lengths and the targets still agree spike for spike.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..model import encoding
from ..model.config import ReservoirConfig
from ..model.parameters import Parameters
from ..model.seeds import seed_streams
from .network import Reservoir
from .states import RunResult
from .targets import ENGINES, resolve_target

PAD_STEPS = 250


@dataclass
class Drive:
    """The two phases of one reservoir: ``train`` (STDP on, None when skipped), ``run`` (frozen), and
    ``params`` with the E→E weights and thresholds as they are after training."""

    train: RunResult | None
    run: RunResult
    params: Parameters


def _padded(u: np.ndarray, quantum: int) -> np.ndarray:
    extra = -len(u) % quantum
    return np.vstack([u, np.zeros((extra, u.shape[1]))]) if extra else u


def _trim(config: ReservoirConfig, result: RunResult, n_steps: int) -> RunResult:
    if result.n_steps == n_steps:
        return result
    step = config.input.step * 1e-3
    keep = result.spike_t < n_steps * step - 1e-12
    i, t = result.spike_i[keep], result.spike_t[keep]
    return RunResult(i, t, result.spec, result.n_neurons, n_steps, n_steps * step,
                     result.wall_s * n_steps / result.n_steps, result.stopped_at)


def drive(config: ReservoirConfig, seed: int, u_train, u_eval, weights: np.ndarray | None = None,
          target: str = "auto", progress: bool = False, pad: int = PAD_STEPS,
          max_eval_spikes: int | None = None, thresholds: np.ndarray | None = None,
          max_train_spikes: int | None = None) -> Drive:
    """Run STDP on ``u_train`` (may be empty: no training), then the frozen network on ``u_eval``.

    Inputs are (T,) or (T, C) arrays in [-1, 1], one row per ``input.step``. ``weights`` replaces the initial
    E→E weights (e.g. those a previous ``drive`` learned), ``thresholds`` the thresholds (mV, e.g. as intrinsic
    plasticity left them), so a trained reservoir can be re-run on new input.
    The network starts from the initial state of ``Reservoir(config, seed)`` and the frozen phase continues from
    where training left it, as ``Reservoir.train_stdp`` followed by ``Reservoir.run``.
    ``max_eval_spikes``: on the numba target, stop the frozen phase once it has more spikes than that (its
    ``run.stopped_at`` says where); other targets run to the end. ``max_train_spikes`` likewise stops the STDP
    phase (``train.stopped_at``; the frozen phase then has no spikes).
    """
    u_eval = encoding.as_input(u_eval, name="u_eval")
    channels = u_eval.shape[1]
    u_train = (encoding.as_input(u_train, channels, name="u_train") if len(u_train)
               else np.zeros((0, channels)))
    n_train, n_eval = len(u_train), len(u_eval)
    pad = max(1, int(pad))
    p_train, p_eval = _padded(u_train, pad), _padded(u_eval, pad)
    target = resolve_target(target, config)
    if target in ENGINES:
        params = Parameters.draw(config, channels, seed_streams(seed)[0])
    else:
        reservoir = Reservoir(config, seed=seed, n_channels=channels, target=target, progress=progress)
        params = reservoir.params
    if weights is not None:
        weights = np.asarray(weights, dtype=float)
        if weights.shape != params.w.shape:
            raise InputError(f"weights: expected {params.w.shape[0]} E→E weights, got shape {weights.shape}")
        params.w = weights.copy()
    if thresholds is not None:
        thresholds = np.asarray(thresholds, dtype=float)
        if thresholds.shape != params.v_th.shape:
            raise InputError(f"thresholds: expected {params.v_th.shape[0]} thresholds, got shape {thresholds.shape}")
        params.v_th = thresholds.copy()
    if target == "numba":
        from .eventsim import run_eventsim
        train, run, params, _ = run_eventsim(config, seed, p_train, p_eval, params=params,
                                             max_eval_spikes=max_eval_spikes, max_train_spikes=max_train_spikes)
    elif target == "standalone":
        from .standalone import default_engine
        train, run, params = default_engine().run(config, seed, p_train, p_eval, params=params, progress=progress)
    else:
        train = reservoir.train_stdp(p_train) if n_train else None
        run = reservoir.run(p_eval)
    return Drive(_trim(config, train, n_train) if train is not None else None, _trim(config, run, n_eval), params)

