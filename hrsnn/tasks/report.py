"""The Markdown report of a reproduction experiment: tables (mean ± std over seeds), the HRSNN-vs-MRSNN
verdicts with their spread, and plots (score vs spikes, rasters, MC per delay, τ_m distributions)."""
from __future__ import annotations

import math
import os
import platform
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..measure.plots import comparison_figure, panels


def _stats(values) -> tuple[float, float]:
    v = np.array([x for x in values if x is not None and math.isfinite(x)], dtype=float)
    return (float(v.mean()), float(v.std())) if len(v) else (math.nan, math.nan)


def _pm(values, fmt: str = ".3f") -> str:
    m, s = _stats(values)
    return "–" if math.isnan(m) else f"{m:{fmt}} ± {s:{fmt}}"


def _group(cells: list[dict]) -> dict:
    """{(task, dataset): {model: [cells sorted by seed]}} in first-seen order."""
    out: dict = defaultdict(lambda: defaultdict(list))
    for c in cells:
        out[(c["task"], c["dataset"])][c["model"]].append(c)
    for models in out.values():
        for lst in models.values():
            lst.sort(key=lambda c: c["seed"])
    return out


def verdict(a: list[dict], b: list[dict], name_a: str = "HRSNN", name_b: str = "MRSNN") -> str:
    """One sentence: did ``a`` beat ``b`` on the score and on spikes, with means ± std over the seeds; a
    difference smaller than the seeds' spread (pooled std) is called a tie."""
    metric = a[0]["metric"]
    higher = metric == "accuracy"
    (ma, sa), (mb, sb) = _stats([c["score"] for c in a]), _stats([c["score"] for c in b])
    (pa, _), (pb, _) = _stats([c["spikes_per_sample"] for c in a]), _stats([c["spikes_per_sample"] for c in b])
    spread = math.sqrt((sa ** 2 + sb ** 2) / 2)
    diff = (ma - mb) if higher else (mb - ma)
    if abs(diff) <= spread:
        score_txt = f"tie on {metric} (difference {abs(ma - mb):.3f} within the seeds' spread {spread:.3f})"
    else:
        score_txt = f"{'better' if diff > 0 else 'worse'} {metric}"
    spikes_txt = (f"{'fewer' if pa < pb else 'more'} spikes per sample ({pa:.4g} vs {pb:.4g}, ×{pa / pb:.2f})"
                  if pb > 0 else "no spikes to compare")
    wins = [w for w, ok in ((metric, diff > spread), ("spikes", pb > 0 and pa < pb)) if ok]
    outcome = (f"beat {name_b} on {' and '.join(wins)}" if len(wins) == 2 else
               f"beat {name_b} on {wins[0]} only" if wins else f"beat {name_b} on neither")
    return (f"{name_a} {metric} {ma:.3f} ± {sa:.3f} vs {name_b} {mb:.3f} ± {sb:.3f}: {score_txt}; {spikes_txt} — "
            f"**{name_a} {outcome}**.")

def score_vs_spikes(groups: dict, path: Path) -> Path:
    keys = list(groups)
    plt, fig, axes = panels(len(keys), 3, 4.6, 3.8)
    for ax, key in zip(axes, keys):
        for model, cells in groups[key].items():
            if not any(c["spikes_per_sample"] for c in cells):
                m, _ = _stats([c["score"] for c in cells])
                ax.axhline(m, ls="--", lw=1, label=f"{model} (no spikes)",
                           color={"linear": "grey", "delay-line": "black"}.get(model))
                continue
            ax.scatter([c["spikes_per_sample"] for c in cells], [c["score"] for c in cells], label=model, s=22)
        metric = next(iter(groups[key].values()))[0]["metric"]
        unit = "per sequence" if key[0] == "classify" else "per step"
        ax.set(title=f"{key[1]}", xlabel=f"spikes {unit} (test)", ylabel=metric + (" ↑" if metric == "accuracy"
                                                                                   else " ↓"))
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(exp, cells: list[dict], efficiency, notes: list[str], out: Path, parts) -> Path:
    groups = _group(cells)
    order = {label: k for k, label in enumerate(exp.models)}
    figures = []
    if groups:
        figures.append(score_vs_spikes(groups, out / "score_vs_spikes.png"))
    if efficiency.results:
        figures.append(comparison_figure(efficiency, out / "efficiency.png"))
    lines = [f"# {exp.name}: HRSNN vs ablations vs ESN",
             "",
             f"Made by `hrsnn reproduce {exp.path} --part {' '.join(parts)}` on "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC ({platform.machine()}, {os.cpu_count()} cores); "
             f"experiment fingerprint `{exp.fingerprint}`; cells in `cells.jsonl`.",
             "",
             f"Reservoir: N = {exp.base.n_neurons}, seeds {exp.seeds} (mean ± std over seeds below). Spiking "
             "models learn with STDP on the training inputs, then are frozen; features are filtered spike traces "
             "(classification: averaged over time bins), readout = ridge on standardised features. "
             "`esn` = reservoirpy ESN with as many units; `linear` = the readout on the raw input; `delay-line` = the "
             "readout on the last 10 inputs. "
             "Wall times are per cell and include any one-off compilation of the simulation code (the Numba kernel "
             "once per machine, or on the standalone target a binary per structure), paid by the first cell "
             "that needs it.",
             ""]
    lines += [f"- {n}" for n in notes] + [""]
    for (task, dataset), models in groups.items():
        metric = next(iter(models.values()))[0]["metric"]
        first = next(iter(models.values()))[0]
        unit = "sequence" if task == "classify" else "step"
        lines += [f"## {task}: {dataset} ({first['n_train']} train / {first['n_test']} test "
                  f"{'sequences' if task == 'classify' else 'steps'})", "",
                  f"| model | test {metric} | train {metric} | spikes / {unit} | rate (Hz) | E (Hz/MC) | MC | wall (s) |",
                  "|---|---|---|---|---|---|---|---|"]
        for model in sorted(models, key=lambda m: order.get(m, 99)):
            cs = models[model]
            eff = efficiency.results.get(model, [])
            lines.append(f"| {model} | {_pm([c['score'] for c in cs])} | {_pm([c['train_score'] for c in cs])} | "
                         f"{_pm([c['spikes_per_sample'] for c in cs], '.4g')} | {_pm([c['rate_hz'] for c in cs], '.2f')} | "
                         f"{_pm([r.E for r in eff])} | {_pm([r.memory_capacity for r in eff], '.2f')} | "
                         f"{_pm([c['wall_s'] for c in cs], '.1f')} |")
        lines.append("")
        for other in ("mrsnn",):
            for challenger in ("hrsnn", "hrsnn-bo"):
                if challenger in models and other in models:
                    lines.append(f"- {verdict(models[challenger], models[other], challenger.upper(), 'MRSNN')}")
        lines.append("")
    if efficiency.results:
        lines += ["## Memory capacity protocol (E = mean rate / MC)", "",
                  "The E and MC columns above come from `hrsnn.evaluate` of each spiking model with the same seeds "
                  "(i.i.d. input; they do not depend on the dataset):", "", "```", efficiency.table(), "```", ""]
    lines += ["## Figures", ""] + [f"![{p.stem}]({p.name})" for p in figures] + [""]
    path = out / "report.md"
    path.write_text("\n".join(lines))
    return path
