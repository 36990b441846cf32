"""Size and robustness sweeps of a model and its homogeneous twin, scored on the task battery.

``size``: the number of units (neurons) takes each value (≥ 2). ``scale``: the recurrent weights are multiplied by
each value (≥ 0; 0 removes the recurrence: every synaptic jump of a spiking reservoir, the spectral radius of a
reservoirpy network). The score of a run is its total capacity over the battery's chosen families: the sum of the
tasks' corr² (``hrsnn.tasks.battery``).
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import InputError
from .battery import STREAM_FAMILIES, run_battery

KINDS = ("size", "scale")


def check_values(kind: str, values) -> list[float]:
    """The sweep's values, or an InputError naming the allowed range."""
    if kind not in KINDS:
        raise InputError(f"sweep: {kind!r} is not one of {', '.join(KINDS)}")
    values = list(values)
    if not values:
        raise InputError(f"values: an empty list; give at least one {'size' if kind == 'size' else 'scale'}")
    for v in values:
        if kind == "size" and (isinstance(v, bool) or not float(v).is_integer() or v < 2):
            raise InputError(f"values: size {v!r} outside the allowed range (whole numbers >= 2)")
        if kind == "scale" and (not math.isfinite(v) or v < 0):
            raise InputError(f"values: scale {v!r} outside the allowed range [0, inf)")
    return [int(v) for v in values] if kind == "size" else [float(v) for v in values]


def battery_run(runs: dict, model: str, config, scale: float, seeds, n_steps: int, families,
                target: str, train_fraction: float = 1.0) -> dict[str, list[float]]:
    """``run_battery`` kept in ``runs`` by (model, units, scale, train_fraction): callers that share one ``runs``
    for one config's seeds, steps and families (``hrsnn.tasks.quenched``) run each reservoir once."""
    key = (model, config.n_neurons, scale, train_fraction)
    if key not in runs:
        runs[key] = run_battery(model, config, seeds, n_steps, families, target, recurrent_scale=scale,
                                train_fraction=train_fraction)
    return runs[key]


def sweep(kind: str, models, config, values, seeds, n_steps: int = 3000, families=STREAM_FAMILIES,
          target: str = "auto", runs: dict | None = None,
          train_fraction: float = 1.0) -> dict[str, dict[float, list[float]]]:
    """{model: {value: total capacity per seed}} for each model of ``models`` over the sweep's values (battery
    runs kept in ``runs``, see ``battery_run``; readouts fit on ``train_fraction`` of the training steps)."""
    values = check_values(kind, values)
    runs = {} if runs is None else runs
    out: dict[str, dict[float, list[float]]] = {}
    for model in models:
        out[model] = {}
        for v in values:
            cfg, scale = (config.with_updates({"n_neurons": v}), 1.0) if kind == "size" else (config, v)
            scores = battery_run(runs, model, cfg, scale, seeds, n_steps, families, target, train_fraction)
            out[model][v] = [float(sum(s[i] for s in scores.values())) for i in range(len(seeds))]
    return out


def smallest_match(result: dict[float, list[float]], reference: dict[float, list[float]]) -> float | None:
    """The smallest value at which ``result``'s mean total reaches ``reference``'s at its largest value."""
    goal = np.mean(reference[max(reference)])
    hits = [v for v in sorted(result) if np.mean(result[v]) >= goal]
    return hits[0] if hits else None


def sweep_plot(kind: str, result: dict, path) -> object:
    """Total capacity against the swept value, mean ± std over seeds, one line per model."""
    from ..measure.plots import _pyplot
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, (model, rows) in enumerate(result.items()):
        xs = sorted(rows)
        m = np.array([np.mean(rows[x]) for x in xs])
        s = np.array([np.std(rows[x]) for x in xs])
        ax.errorbar(xs, m, yerr=s, marker="o", capsize=3, color=f"C{i}", label=model)
    if kind == "size":
        ax.set_xscale("log", base=2)
    ax.set(xlabel="units" if kind == "size" else "recurrent weight scale (0: recurrence removed)",
           ylabel="battery capacity (Σ corr²)", title=f"{kind} sweep")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
