"""Hand a reservoir to other simulators and chips: the drawn, trained reservoir as a NIR file, and back."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import HRSNNError
from ..measure.evaluate import memory_input
from ..model.config import ReservoirConfig
from ..model.nirgraph import FORMS, from_nir, to_nir, to_nir_cubalif
from ..model.parameters import Parameters
from ..model.seeds import seed_streams
from ..sim.drive import drive
from .estimators import SPIKING


def trained_parameters(config: ReservoirConfig, seed: int, target: str = "auto", n_channels: int = 1) -> Parameters:
    """The reservoir of ``(config, seed)`` with ``n_channels`` input channels: as drawn, or after its unsupervised
    phase (STDP or IP) on the memory protocol's training input (``task.train_steps`` steps, one channel)."""
    if not (isinstance(n_channels, int) and n_channels >= 1):
        raise HRSNNError(f"n_channels: {n_channels!r} must be an integer ≥ 1")
    if not (config.stdp.enabled or config.ip.enabled):
        return Parameters.draw(config, n_channels, seed_streams(seed)[0])
    if config.input.encoding == "events" or n_channels != 1:
        field = "stdp.enabled" if config.stdp.enabled else "ip.enabled"
        raise HRSNNError(f"{field}: the unsupervised phase runs on the memory protocol's one analog channel; "
                         "export an 'events' or multi-channel reservoir as drawn (stdp.enabled = false, "
                         "ip.enabled = false)")
    u_train, u_eval = memory_input(config, seed)
    return drive(config, seed, u_train, u_eval[:1], target=target).params


def export_nir(config: ReservoirConfig, seed: int, path: str | Path, approximate: bool = False,
               delay_step: float | None = None, target: str = "auto", form: str = "delays",
               n_channels: int = 1) -> Path:
    """Write the trained reservoir of ``(config, seed)`` (``n_channels`` inputs) as a NIR file in one of ``FORMS``
    (``hrsnn.model.nirgraph``); returns its path."""
    if form not in FORMS:
        raise HRSNNError(f"form: {form!r} is not one of {', '.join(FORMS)}")
    if form == "cubalif" and delay_step is not None:
        raise HRSNNError("delay_step: the cubalif form has no delays to round")
    params = trained_parameters(config, seed, target, n_channels)
    graph = (to_nir_cubalif(config, params, seed, approximate) if form == "cubalif" else
             to_nir(config, params, seed, approximate, delay_step))
    return _write(graph, path)


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
