"""The spike-efficiency experiment: one matched study per development task, and a report of the arms.

An experiment file holds every key of a study file, shared by its studies, and one ``[[study]]`` table per task
that adds or overrides keys (``name`` and ``objective``, a ``[task]`` table, …)::

    name = "efficiency"
    arms = ["heterogeneous", "homogeneous", "random"]
    repeats = 3
    calls = 20
    [set]
    n_neurons = 200
    [space."neuron.tau_m.mean"]
    low = 5.0
    high = 80.0
    [[study]]
    name = "memory"
    objective = "E"
    [[study]]
    name = "GunPoint"
    objective = "task"
    task = {kind = "classify", dataset = "GunPoint", scalar = "tradeoff", weight = 0.05}

Each study runs as ``hrsnn optimize`` would (stores under ``studies/<experiment>/``, resumed when rerun), then
``results/<experiment>/report.md`` collects every study's arms side by side with their verdicts and plots.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..report.matched import table, write_efficiency_report
from ..search.study import load_studies
from .matched import run_matched, save_matched


def run_efficiency(path: str | Path, studies_dir: str | Path = "studies", results_dir: str | Path = "results",
                   progress: bool = True, overrides: dict[str, Any] | None = None) -> Path:
    """Run (or resume) every study of the experiment and write its report; returns the report's path."""
    name, studies = load_studies(path, overrides)
    folder = Path(studies_dir) / name
    summaries = []
    for study in studies:
        matched = run_matched(study, resume=True, out_dir=folder, progress=progress)
        summaries.append(save_matched(matched, folder))
        if progress:
            print(f"\n{study.name}:\n{table(summaries[-1])}\n{summaries[-1]['verdict']}")
    out = Path(results_dir) / name
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summaries, indent=2, default=str))
    return write_efficiency_report(name, str(path), summaries, out)
