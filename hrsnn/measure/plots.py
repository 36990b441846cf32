"""Figures: spike rasters, memory capacity per delay, drawn heterogeneity (matplotlib, written as PNG)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def panels(n: int, max_cols: int, width: float, height: float):
    """A figure of ``n`` panels, at most ``max_cols`` per row (each width × height inches), the spare ones hidden:
    (plt, fig, the n axes in reading order)."""
    plt = _pyplot()
    cols = min(max_cols, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    return plt, fig, list(axes.flat[:n])


def comparison_figure(comparison, path: str | Path, raster_s: float = 0.5) -> Path:
    """Raster snippet of each model's first seed (top) and MC per delay, mean ± std over seeds (bottom).

    Needs the comparison to have been run with ``keep_runs=True`` for the rasters.
    """
    plt = _pyplot()
    names = list(comparison.results)
    fig, axes = plt.subplots(2, len(names), figsize=(5 * len(names), 7), squeeze=False)
    for col, name in enumerate(names):
        res = comparison.results[name]
        ax = axes[0, col]
        run = getattr(res[0], "run", None)
        if run is not None:
            keep = run.spike_t < raster_s
            ax.plot(run.spike_t[keep] * 1e3, run.spike_i[keep], "|", ms=2, color="k", alpha=0.6)
        ax.set(title=f"{name} (seed {res[0].seed}): {res[0].rate_hz:.1f} Hz, MC {res[0].memory_capacity:.2f}",
               xlabel="time (ms)", ylabel="neuron")
        curves = np.array([r.mc_per_delay for r in res])
        k = np.arange(1, curves.shape[1] + 1)
        ax = axes[1, 0]
        ax.plot(k, curves.mean(0), label=f"{name}: MC = {curves.sum(1).mean():.2f}")
        ax.fill_between(k, curves.mean(0) - curves.std(0), curves.mean(0) + curves.std(0), alpha=0.25)
    axes[1, 0].set(xlabel="delay k (input steps)", ylabel="MC_k = r²(u(t−k), ŷ_k)", title="memory per delay")
    axes[1, 0].legend()
    if len(names) > 1:
        from ..model.config import ReservoirConfig
        ax = axes[1, 1]
        rng = np.random.default_rng(0)
        for name in names:
            neuron = ReservoirConfig.from_dict(comparison.results[name][0].config).neuron
            ax.hist(neuron.draw("tau_m", 5000, rng), bins=60, range=(0, 120), histtype="step", density=True,
                    label=f"{name}: {neuron.tau_m}")
        ax.set(xlabel="membrane time constant τ_m (ms)", ylabel="density", title="drawn τ_m")
        ax.legend(fontsize=7)
    for ax in axes[1, 2:]:
        ax.axis("off")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
