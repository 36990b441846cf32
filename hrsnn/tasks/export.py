"""Hand a reservoir to other simulators and chips: the drawn, trained reservoir as a NIR file, and back."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import HRSNNError
from ..measure.evaluate import memory_input
from ..model.config import ReservoirConfig
from ..model.nirgraph import from_nir, to_nir
from ..model.parameters import Parameters, seed_streams
from ..sim.drive import drive
from .estimators import SPIKING


def trained_parameters(config: ReservoirConfig, seed: int, target: str = "auto") -> Parameters:
    """The reservoir of ``(config, seed)`` after its unsupervised phase on the memory protocol's training input
    (``task.train_steps`` steps; none: as drawn)."""
    u_train, u_eval = memory_input(config, seed)
    return drive(config, seed, u_train if config.stdp.enabled or config.ip.enabled else [], u_eval[:1],
                 target=target).params


def export_nir(config: ReservoirConfig, seed: int, path: str | Path, approximate: bool = False,
               delay_step: float | None = None, target: str = "auto") -> Path:
    """Write the trained reservoir of ``(config, seed)`` as a NIR file (``hrsnn.model.nirgraph``); returns its path."""
    return _write(to_nir(config, trained_parameters(config, seed, target), seed, approximate, delay_step), path)


def export_regressor(estimator, path: str | Path, approximate: bool = False,
                     delay_step: float | None = None) -> Path:
    """Write a fitted ``HRSNNRegressor`` (spiking model) as a NIR file: its trained reservoir and its readout,
    folded into one affine map of the filtered spike trains and the (scaled) input."""
    if not hasattr(estimator, "readout_") or estimator.model not in SPIKING:
        raise HRSNNError("estimator: a fitted HRSNNRegressor of a spiking model is needed")
    config = estimator.reservoir_config_
    params = Parameters.draw(config, estimator.n_channels_, seed_streams(estimator.seed)[0])
    params.w, params.v_th = estimator.weights_.copy(), estimator.thresholds_.copy()
    scaler, ridge = estimator.readout_[0], estimator.readout_[-1]
    coef = np.atleast_2d(ridge.coef_) / scaler.scale_               # (D, F): the standardisation folded in
    bias = np.atleast_1d(ridge.intercept_) - coef @ scaler.mean_
    n = config.n_neurons
    w_input = coef[:, n:] if estimator.input_features else np.zeros((len(bias), estimator.n_channels_))
    return _write(to_nir(config, params, estimator.seed, approximate, delay_step, (coef[:, :n], w_input, bias)), path)


def _write(graph, path: str | Path) -> Path:
    import nir
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nir.write(path, graph)
    return path


def import_nir(path: str | Path) -> tuple[ReservoirConfig, Parameters, int]:
    """(config, frozen parameters, seed) of a NIR file written by ``export_nir``; run it with
    ``drive(config, seed, [], u, weights=params.w)`` or ``run_eventsim(config, seed, [], u, params=params)``."""
    import nir
    path = Path(path)
    if not path.is_file():
        raise HRSNNError(f"nir file {path}: no such file")
    return from_nir(nir.read(path))
