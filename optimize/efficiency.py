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

import dataclasses
import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hrsnn.model.config import read_toml
from hrsnn.provenance import provenance_line

from .matched import run_matched, save_matched, table
from .space import Study, StudyError, parse_study


def load_experiment(path: str | Path, overrides: dict[str, Any] | None = None,
                    extra: tuple[str, ...] = ()) -> tuple[str, list[Study]]:
    """(experiment name, its studies) from an experiment file; ``extra`` keys (not study keys) are kept in each
    study's ``source`` for the caller."""
    path = Path(path)
    raw = read_toml(path, "experiment", StudyError)
    raw.update({k: v for k, v in (overrides or {}).items() if v is not None})
    entries = raw.pop("study", None)
    if not isinstance(entries, list) or not entries:
        raise StudyError("study: an experiment needs at least one [[study]] table")
    name = raw.pop("name", path.stem)
    studies = []
    for k, entry in enumerate(entries):
        if not isinstance(entry, dict) or "name" not in entry:
            raise StudyError(f"study[{k}]: a table with a name is required")
        data = {**raw, **entry}
        kept = {k: data.pop(k) for k in extra if k in data}
        try:
            study = parse_study(data, path.parent)
            studies.append(dataclasses.replace(study, source={**study.source, **kept}))
        except StudyError as e:
            raise StudyError(f"study[{k}] ({entry['name']}): {e}") from None
    if len({s.name for s in studies}) != len(studies):
        raise StudyError("study: names must be distinct")
    return name, studies


def run_efficiency(path: str | Path, studies_dir: str | Path = "studies", results_dir: str | Path = "results",
                   progress: bool = True, overrides: dict[str, Any] | None = None) -> Path:
    """Run (or resume) every study of the experiment and write its report; returns the report's path."""
    name, studies = load_experiment(path, overrides)
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
    return write_report(name, str(path), summaries, out)


def _pm(stat, fmt: str = ".3g") -> str:
    m, s, n = stat
    return f"{m:{fmt}} ± {s:{fmt}}" if n and math.isfinite(m) else "–"


def _fresh(row: dict) -> str:
    """The fresh-seed objective with how many repeats stayed non-degenerate on every fresh seed."""
    n = len(row["best_params"])
    return f"{_pm(row['fresh'])} ({row['fresh'][2]}/{n})"


def write_report(name: str, source: str, summaries: list[dict], out: Path) -> Path:
    """``report.md``: per study the arms' search and fresh-seed results, the verdict and the search quality."""
    from .plots import arms_figure
    figure = arms_figure(summaries, out / "arms.png")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# {name}: optimized heterogeneous vs optimized homogeneous reservoirs", "",
             f"Made by `hrsnn efficiency {source}` on {now} ({provenance_line()}). Every arm of a study searched "
             "with the same budget, seeds and evaluation; its best was re-evaluated on fresh seeds the search "
             "never saw (a task's score there is on its test split, used only for these bests; the shipped `hrsnn-bo` / `mrsnn-bo` picks come from `hrsnn frontier` alone). Mean ± std over "
             "repeats (search best) and over repeats × fresh seeds (the rest).", "",
             f"![arms]({figure.name})", ""]
    verdicts = []
    for s in summaries:
        task = s["task"]
        what = (f"{task['kind']} {task['dataset']}, objective {task['scalar']}"
                + (f" (weight {task['weight']:g} per 1000 spikes per sample)" if task["scalar"] == "tradeoff" else "")
                if task else f"memory protocol, objective {s['objective']}")
        lines += [f"## {s['study']}: {what}", "",
                  f"{s['repeats']} repeats × {s['calls']} trials per arm; search seeds {s['seeds']}, fresh seeds "
                  f"{s['eval_seeds']}.", ""]
        if task:
            lines += ["| arm | search best | fresh objective (finite) | validation error | test score | spikes / sample |",
                      "|---|---|---|---|---|---|"]
            for arm, r in s["arms"].items():
                lines.append(f"| {arm} | {_pm(r['search_best'])} | {_fresh(r)} | {_pm(r['validation_error'])} "
                             f"| {_pm(r['test_score'])} | {_pm(r['test_spikes_per_sample'])} |")
        else:
            lines += ["| arm | search best | fresh objective (finite) | E (Hz/MC) | MC | rate (Hz) |",
                      "|---|---|---|---|---|---|"]
            for arm, r in s["arms"].items():
                lines.append(f"| {arm} | {_pm(r['search_best'])} | {_fresh(r)} | {_pm(r['E'])} "
                             f"| {_pm(r['memory_capacity'])} | {_pm(r['rate_hz'])} |")
        q = s["search"]
        lines += ["", f"- **Verdict**: {s['verdict']}."]
        if q:
            lines.append(f"- Search quality: after {q['after_initial_points']} initial points the GP arm's median "
                         f"best-so-far is below random search's at {q['gp_ahead_share']:.0%} of trial counts "
                         f"(final {q['gp_median_final']:.4g} vs {q['random_median_final']:.4g}).")
        lines += [f"- Plots: `{'`, `'.join(s['plots'])}`.", ""]
        verdicts.append(f"- {s['study']}: {s['verdict']}")
    lines[6:6] = ["## Verdicts", "", *verdicts, ""]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
