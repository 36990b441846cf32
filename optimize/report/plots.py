"""Study figures: convergence (best objective so far) and the objective against each searched parameter."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hrsnn.measure.plots import _pyplot, panels

from ..analysis.fronts import pareto_mask, quality_shown


def save_figure(plt, fig, path: str | Path) -> Path:
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


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
    return save_figure(plt, fig, path)


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
    return save_figure(plt, fig, path)


def arms_convergence_plot(matched, path: str | Path) -> Path:
    """Best-so-far objective per arm against the trial count: median over repeats, band from min to max."""
    from ..analysis.stats import best_so_far
    plt = _pyplot()
    study = matched.study
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    k = np.arange(1, study.calls + 1)
    finite = []
    for i, (arm, runs) in enumerate(matched.runs.items()):
        curves = np.vstack([np.pad(best_so_far([t.objective if t.status == "ok" else None for t in r.trials])
                                   [:study.calls], (0, max(0, study.calls - len(r.trials))),
                                   constant_values=np.inf) for r in runs])
        med = np.median(curves, axis=0)
        ax.step(k, med, where="post", color=f"C{i}", label=f"{arm} (median of {len(runs)})")
        lo, hi = curves.min(axis=0), curves.max(axis=0)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.fill_between(k[ok], lo[ok], hi[ok], step="post", color=f"C{i}", alpha=0.15)
        finite.extend(curves[np.isfinite(curves)])
    ax.axvline(study.initial_points + 0.5, color="0.5", ls=":", lw=1, label="end of initial points")
    _log_if_wide(ax, finite)
    ax.set(xlabel="trials", ylabel=f"best {study.objective} so far (lower is better)",
           title=f"{study.name}: best so far per arm (band: min–max over repeats)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(plt, fig, path)


def pareto_plot(matched, path: str | Path) -> Path:
    """Every finished trial's validation error against its spikes per sample, per arm, with each arm's front."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for i, (arm, runs) in enumerate(matched.runs.items()):
        pts = np.array([(np.mean([r["spikes_per_sample"] for r in t.results]),
                         np.mean([r["error"] for r in t.results]))
                        for run in runs for t in run.trials if t.status == "ok" and t.results], dtype=float)
        if not len(pts):
            continue
        ax.scatter(pts[:, 0], pts[:, 1], s=12, alpha=0.35, color=f"C{i}")
        front = pts[pareto_mask(-pts[:, 1], pts[:, 0])]
        front = front[np.argsort(front[:, 0])]
        ax.step(front[:, 0], front[:, 1], where="post", color=f"C{i}", lw=2, label=f"{arm} front")
    task = matched.study.task
    ax.set(xlabel=f"spikes per {'sequence' if task['kind'] == 'classify' else 'step'} (validation)",
           ylabel="validation error (1 − accuracy)" if task["kind"] == "classify" else "validation NRMSE",
           title=f"{matched.study.name}: error vs spikes, all trials")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(plt, fig, path)


def arms_figure(summaries: list[dict], path: str | Path) -> Path:
    """Per study: each arm's fresh-seed score and spikes per sample (mean ± std) — the efficiency at a glance."""
    plt, fig, axes = panels(len(summaries), 4, 3.9, 3.5)
    for ax, summary in zip(axes, summaries):
        task = summary["task"]
        for i, (arm, row) in enumerate(summary["arms"].items()):
            if task:
                x, y = row["test_spikes_per_sample"], row["test_score"]
            else:
                x, y = row["rate_hz"], row["memory_capacity"]
            if not (x[2] and y[2]):
                continue
            ax.errorbar([x[0]], [y[0]], xerr=[x[1]], yerr=[y[1]], fmt="o", color=f"C{i}", label=arm, capsize=3)
        if task:
            unit = "sequence" if task["kind"] == "classify" else "step"
            metric = "accuracy ↑" if task["kind"] == "classify" else "NRMSE ↓"
            ax.set(title=task["dataset"], xlabel=f"spikes per {unit} (test)", ylabel=f"test {metric}")
        else:
            ax.set(title="memory protocol", xlabel="mean rate (Hz)", ylabel="MC ↑ (fresh seeds)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return save_figure(plt, fig, path)


def front_figure(summary: dict, path: str | Path) -> Path:
    """Every arm's re-evaluated front points (mean ± std over the fresh seeds, both axes) with its attainment
    curve — the lowest cost reaching each quality — and, when run, the grid check's curves (dashed)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    task = summary["task"]

    def show(q):
        return quality_shown(summary["task"], q)

    def curve(ax, quality, cost, **kw):
        order = np.argsort(quality)[::-1]
        best, xs, ys = np.inf, [], []
        for i in order:                                   # from the highest quality down: running minimum cost
            best = min(best, cost[i])
            xs.append(show(quality[i]))
            ys.append(best)
        ax.step(xs, ys, where="post", **kw)
    for k, (arm, a) in enumerate(summary["arms"].items()):
        if not a["points"]:
            continue
        q = np.array([p["quality"] for p in a["points"]], dtype=float)
        c = np.array([p["cost"] for p in a["points"]], dtype=float)
        ax.errorbar(show(q.mean(axis=1)), c.mean(axis=1), xerr=q.std(axis=1), yerr=c.std(axis=1), fmt="o",
                    ms=4, color=f"C{k}", capsize=2, label=f"{arm} (fresh seeds)")
        curve(ax, q.mean(axis=1), c.mean(axis=1), color=f"C{k}", alpha=0.8)
    for k, (arm, points) in enumerate(summary.get("grid", {}).get("points", {}).items()):
        q = np.array([p["quality"] for p in points], dtype=float).mean(axis=1)
        c = np.array([p["cost"] for p in points], dtype=float).mean(axis=1)
        curve(ax, q, c, color=f"C{k}", ls="--", alpha=0.6, label=f"{arm} grid")
    ref = summary.get("reference")
    if ref:
        ax.errorbar([show(np.mean(ref["quality"]))], [np.mean(ref["cost"])], xerr=[np.std(ref["quality"])],
                    yerr=[np.std(ref["cost"])], fmt="*", ms=12, color="k", label="base config (default)")
    for level in summary["levels"]:
        ax.axvline(level, color="0.9", lw=0.6, zorder=0)
    ax.set_yscale("log")
    if task is not None and task["kind"] == "predict":
        ax.invert_xaxis()
    ax.set(xlabel=summary["quality"] + (" (better →)" if task is None or task["kind"] == "classify" else
                                        " (better →, axis reversed)"),
           ylabel=summary["cost"] + " (log)", title=f"{summary['study']}: cost needed per quality level")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(plt, fig, path)


def convergence_figure(summary: dict, path: str | Path) -> Path:
    """Per arm the search front's hypervolume against trials: mean over repeats (thick) and each repeat (thin)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    c = summary["convergence"]
    for k, (arm, a) in enumerate(c["arms"].items()):
        x = np.arange(1, len(a["mean"]) + 1)
        for curve in a["per_repeat"]:
            ax.plot(x, curve, color=f"C{k}", lw=0.7, alpha=0.4)
        ax.plot(x, a["mean"], color=f"C{k}", lw=2, label=f"{arm} (mean of {len(a['per_repeat'])})")
    ax.axvline(0.75 * summary["calls"], color="0.5", ls=":", lw=1, label="last quarter")
    ax.set(xlabel="trials", ylabel="hypervolume of the search front",
           title=f"{summary['study']}: convergence (reference {summary['quality']} {c['q_ref']:.3g}, "
                 f"cost {c['c_ref']:.3g})")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(plt, fig, path)
