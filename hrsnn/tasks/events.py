"""Spike-event datasets as spike counts per channel and step, the input of ``input.encoding = "events"``.

Two layouts: tonic's event arrays (numpy structured arrays with fields ``t`` in µs, ``x``, optionally ``y`` and
``p``; channel = x + width·(y + height·p), so y and polarity fold into channels) and the Spiking Heidelberg Digits
HDF5 file (``spikes/times`` in s and ``spikes/units``, one variable-length array per sample, and ``labels``).
Events are counted in bins of ``step_ms`` (the reservoir's ``input.step``) and ``pool`` neighbouring channels are
summed, so a sample becomes an array (T, ⌈C / pool⌉) of non-negative integers; samples of one file are padded with
empty bins to the longest.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError

SHD_CHANNELS = 700
"""Input channels of the Spiking Heidelberg Digits (cochlea model outputs)."""


def bin_events(times_s: np.ndarray, channels: np.ndarray, n_channels: int, step_ms: float, pool: int = 1,
               n_steps: int | None = None) -> np.ndarray:
    """Counts (T, ⌈n_channels / pool⌉) of events at ``times_s`` (s) on ``channels`` in bins of ``step_ms``."""
    bins = np.floor(np.asarray(times_s, dtype=float) * 1e3 / step_ms).astype(np.int64)
    n_steps = int(bins.max(initial=-1)) + 1 if n_steps is None else n_steps
    out = np.zeros((max(n_steps, 1), -(-n_channels // pool)))
    keep = bins < n_steps
    np.add.at(out, (bins[keep], np.asarray(channels, dtype=np.int64)[keep] // pool), 1.0)
    return out


def from_tonic(events: np.ndarray, sensor_size: tuple[int, ...], step_ms: float, pool: int = 1,
               n_steps: int | None = None) -> np.ndarray:
    """Counts of one tonic event array (fields t in µs, x, [y], [p]) from a sensor of ``sensor_size``
    (width[, height[, polarities]])."""
    names = events.dtype.names or ()
    if "t" not in names or "x" not in names:
        raise InputError(f"events: a structured array with fields t (µs) and x, got fields {names}")
    size = tuple(sensor_size) + (1,) * (3 - len(sensor_size))
    width, height, polarities = (int(s) for s in size[:3])
    channel = events["x"].astype(np.int64)
    for field, extent, stride in (("y", height, width), ("p", polarities, width * height)):
        if field in names:
            channel = channel + stride * events[field].astype(np.int64)
        elif extent > 1:
            raise InputError(f"events: sensor_size has {extent} values of {field} but the events have no field {field}")
    _check(events["t"], channel, width * height * polarities, "events")
    return bin_events(events["t"] * 1e-6, channel, width * height * polarities, step_ms, pool, n_steps)


def load_shd(path: str | Path, step_ms: float, pool: int = 1, n_channels: int = SHD_CHANNELS
             ) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, T, ⌈n_channels / pool⌉) counts, y labels) of a Spiking Heidelberg Digits HDF5 file."""
    import h5py
    path = Path(path)
    if not path.is_file():
        raise InputError(f"dataset: no such file {path}")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise InputError(f"dataset {path}: not an HDF5 file ({e})") from None
    with f:
        for name in ("spikes/times", "spikes/units", "labels"):
            if name not in f:
                raise InputError(f"dataset {path}: no dataset {name!r} (Spiking Heidelberg Digits layout: "
                                 "spikes/times, spikes/units, labels)")
        times, units, labels = list(f["spikes/times"]), list(f["spikes/units"]), np.asarray(f["labels"])
    if not (len(times) == len(units) == len(labels)) or not len(labels):
        raise InputError(f"dataset {path}: {len(times)} spike-time arrays, {len(units)} unit arrays and "
                         f"{len(labels)} labels; they must be equal and non-zero")
    for k, (t, u) in enumerate(zip(times, units)):
        if len(t) != len(u):
            raise InputError(f"dataset {path}: sample {k} has {len(t)} spike times but {len(u)} units (ragged)")
        _check(t, u, n_channels, f"dataset {path}: sample {k}")
    n_steps = max(int(np.floor(float(np.max(t, initial=0.0)) * 1e3 / step_ms)) + 1 for t in times)
    return np.stack([bin_events(t, u, n_channels, step_ms, pool, n_steps) for t, u in zip(times, units)]), labels


def _check(times, channels, n_channels: int, where: str) -> None:
    times, channels = np.asarray(times, dtype=float), np.asarray(channels)
    if len(times) and (not np.all(np.isfinite(times)) or times.min() < 0):
        raise InputError(f"{where}: negative or non-finite spike times")
    if len(channels) and (channels.min() < 0 or channels.max() >= n_channels):
        bad = int(channels.max()) if channels.max() >= n_channels else int(channels.min())
        raise InputError(f"{where}: channel {bad} outside the declared {n_channels} channels [0, {n_channels - 1}]")
