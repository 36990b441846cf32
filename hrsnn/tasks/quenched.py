"""Heterogeneity as quenched disorder (Golmohammadi & Tetzlaff, arXiv 2412.05126), checked on this product's
reservoirs: the task battery, a size sweep and a recurrent-weight sweep, for a rate and a spiking model and their
homogeneous twins, with a verdict per claim:

(a) fixed random heterogeneity of the time constants improves performance across the battery's tasks;
(b) a smaller heterogeneous network matches a larger homogeneous one;
(c) both hold for rate and for spiking dynamics;
(d) the heterogeneous network stays robust when the recurrent weights are scaled hard or removed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .battery import FLOOR, STREAM_FAMILIES, TWINS, compare
from .sweeps import battery_run, smallest_match, sweep, sweep_plot


@dataclass
class Plan:
    """What ``run_quenched`` measures; ``QUICK`` is the small version."""

    models: tuple[str, ...] = ("rate", "hrsnn")
    seeds: tuple[int, ...] = (0, 1, 2)
    n_neurons: int = 200
    sizes: tuple[int, ...] = (50, 100, 200, 400, 800)
    scales: tuple[float, ...] = (0.0, 0.5, 1.0, 2.0)
    n_steps: int = 3000
    families: tuple[str, ...] = STREAM_FAMILIES
    less_data: float = 0.25        # (b) again with the heterogeneous readouts fit on this share of the steps


QUICK = Plan(seeds=(0, 1, 2), n_neurons=60, sizes=(25, 50, 100), scales=(0.0, 1.0), n_steps=800,
             families=("recall", "legendre"))


def _mean(rows: dict, value) -> float:
    return float(np.mean(rows[value]))


def run_quenched(config, plan: Plan, out: str | Path, target: str = "auto") -> Path:
    """Measure every claim for every model of ``plan`` and write ``report.md`` (with plots) under ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    base = config.with_updates({"n_neurons": plan.n_neurons})
    lines = ["# Heterogeneity as quenched disorder: the four claims on this product's reservoirs", "",
             f"Models {', '.join(plan.models)} and their homogeneous twins (every τ at the mean), seeds "
             f"{list(plan.seeds)}, battery families {', '.join(plan.families)} on {plan.n_steps} input steps; N = "
             f"{plan.n_neurons} unless swept. Score: battery capacity (Σ over tasks of corr² on held-out steps), "
             "mean ± std over seeds.", ""]
    verdicts = {}
    for model in plan.models:
        twin = TWINS[model]
        runs: dict = {}                       # the intact N-unit reservoirs serve (a) and both sweeps
        a, b = (battery_run(runs, m, base, 1.0, plan.seeds, plan.n_steps, plan.families, target) for m in (model, twin))
        c = compare(a, b)
        sizes = sweep("size", [model, twin], config, plan.sizes, plan.seeds, plan.n_steps, plan.families, target, runs)
        scales = sweep("scale", [model, twin], base, plan.scales, plan.seeds, plan.n_steps, plan.families, target, runs)
        lean = sweep("size", [model], config, plan.sizes, plan.seeds, plan.n_steps, plan.families, target, runs,
                     train_fraction=plan.less_data)[model]
        lean_label = f"{model} ({plan.less_data:g} of the data)"
        size_plot = sweep_plot("size", {**sizes, lean_label: lean}, out / f"{model}-size.png")
        lean_match = smallest_match(lean, sizes[twin])
        scale_plot = sweep_plot("scale", scales, out / f"{model}-scale.png")
        match = smallest_match(sizes[model], sizes[twin])
        intact = 1.0 if 1.0 in plan.scales else max(plan.scales)
        keep = {m: _mean(scales[m], 0.0) / _mean(scales[m], intact) if 0.0 in plan.scales else np.nan
                for m in (model, twin)}
        verdicts[model] = {
            "a": c["win_share"] > 0.5 and c["total_a"] > c["total_b"],
            "b": match is not None and match < max(plan.sizes),
            "b_less_data": lean_match is not None and lean_match < max(plan.sizes),
            "d": keep[model] > keep[twin]}
        lines += [f"## {model} vs {twin}", "",
                  f"**(a) battery**: {model} scores higher on {c['wins']} of {c['tasks']} tasks "
                  f"({c['win_share']:.0%}; {c['clear_wins']} wins and {c['clear_losses']} losses by more than the "
                  f"noise floor {FLOOR:g}), median relative gain {c['median_relative_gain']:+.1%}, total "
                  f"{c['total_a']:.2f} vs {c['total_b']:.2f}. Per family:", "",
                  "| family | " + model + " | " + twin + " |", "|---|---|---|"]
        lines += [f"| {f} | {x:.2f} | {y:.2f} |" for f, (x, y) in c["families"].items()]
        lines += ["", "Tasks it loses most: " + (", ".join(f"{n} ({x:.3f} vs {y:.3f})" for n, x, y in c["worst"])
                                                 or "none"), "",
                  f"**(b) size**: the smallest {model} matching the largest {twin} ({max(plan.sizes)} units): "
                  + (f"{match} units" if match is not None else "none of the sizes swept")
                  + f"; with {plan.less_data:g} of the training steps for its readouts (the twin keeps all): "
                  + (f"{lean_match} units." if lean_match is not None else "none of the sizes swept."), "",
                  "| units | " + model + " | " + twin + " | " + lean_label + " |", "|---|---|---|---|"]
        lines += [f"| {v} | {_mean(sizes[model], v):.2f} ± {np.std(sizes[model][v]):.2f} | "
                  f"{_mean(sizes[twin], v):.2f} ± {np.std(sizes[twin][v]):.2f} | "
                  f"{_mean(lean, v):.2f} ± {np.std(lean[v]):.2f} |" for v in plan.sizes]
        lines += ["", f"![size]({size_plot.name})", "",
                  f"**(d) recurrent weights**: with the recurrence removed {model} keeps {keep[model]:.0%} of its "
                  f"capacity at scale {intact:g}, {twin} {keep[twin]:.0%}.", "",
                  "| scale | " + model + " | " + twin + " |", "|---|---|---|"]
        lines += [f"| {v:g} | {_mean(scales[model], v):.2f} ± {np.std(scales[model][v]):.2f} | "
                  f"{_mean(scales[twin], v):.2f} ± {np.std(scales[twin][v]):.2f} |" for v in plan.scales]
        lines += ["", f"![scale]({scale_plot.name})", ""]
    word = {True: "holds", False: "does not hold"}
    summary = ["## Verdicts", ""]
    for claim, text in (("a", "heterogeneity improves the battery"), ("b", "a smaller heterogeneous network matches "
                        "the largest homogeneous one"),
                        ("b_less_data", f"… with {plan.less_data:g} of the training data"),
                        ("d", "heterogeneity keeps more capacity without recurrence")):
        label = "b′" if claim == "b_less_data" else claim
        summary.append(f"- ({label}) {text}: " + "; ".join(f"{m} {word[v[claim]]}" for m, v in verdicts.items()))
    both = all(v["a"] for v in verdicts.values())
    summary += [f"- (c) rate and spiking alike: (a) {word[both]} for every model measured", ""]
    lines[4:4] = summary
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
