"""Study figures: convergence (best objective so far) and the objective against each searched parameter."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _log_if_wide(ax, values) -> None:
    """Log y axis when the finite objectives are all positive and span more than two decades."""
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=float)
    if len(v) and v.min() > 0 and v.max() / v.min() > 100:
        ax.set_yscale("log")


def convergence_plot(run, path: str | Path) -> Path:
    plt = _pyplot()
    y = np.array([t.objective for t in run.trials], dtype=float)
    ok = np.array([t.status == "ok" for t in run.trials])
    fig, ax = plt.subplots(figsize=(6, 4))
    k = np.arange(1, len(y) + 1)
    ax.plot(k[ok], y[ok], "o", ms=4, alpha=0.6, label="trial")
    ax.plot(k[~ok], y[~ok], "x", color="0.5", label="degenerate / failed (penalty)")
    best = np.minimum.accumulate(np.where(ok, y, np.inf))
    ax.step(k, best, where="post", color="C3", label="best so far")
    _log_if_wide(ax, y)
    ax.set(xlabel="trial", ylabel=f"objective ({run.study.objective})", title=f"{run.study.name}: convergence")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def objective_plot(run, path: str | Path) -> Path:
    plt = _pyplot()
    dims = run.study.space
    fig, axes = plt.subplots(1, len(dims), figsize=(4 * len(dims) + 1, 3.8), squeeze=False, layout="constrained")
    ok = [t for t in run.trials if t.status == "ok"]
    best = run.best
    for ax, d in zip(axes[0], dims):
        x = [t.params[d.field] for t in ok]
        y = [t.objective for t in ok]
        sc = ax.scatter(x, y, c=np.arange(len(ok)), cmap="viridis", s=18)
        if best is not None:
            ax.plot([best.params[d.field]], [best.objective], "*", color="C3", ms=14, label="best")
            ax.legend(fontsize=8)
        if d.prior == "log-uniform":
            ax.set_xscale("log")
        _log_if_wide(ax, y)
        ax.set(xlabel=d.field, ylabel=run.study.objective)
    if ok:
        fig.colorbar(sc, ax=axes[0].tolist(), label="trial order")
    fig.suptitle(f"{run.study.name}: objective vs parameters (degenerate trials omitted)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
