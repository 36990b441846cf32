"""The matched studies' table (``hrsnn optimize``) and the efficiency experiment's report."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .text import made_by, pm


def table(summary: dict[str, Any]) -> str:
    """The arms side by side, as printed by ``hrsnn optimize``."""
    task = summary["objective"] == "task"
    cols = (["validation error", "test score", "spikes/sample"] if task else ["E", "MC", "rate (Hz)"])
    head = (f"{'arm':<14} {'search best':>17} {'fresh seeds':>17} {'ok':>5} "
            + " ".join(f"{c:>17}" for c in cols))
    lines = [head, "-" * len(head)]
    for arm, row in summary["arms"].items():
        keys = (["validation_error", "test_score", "test_spikes_per_sample"] if task
                else ["E", "memory_capacity", "rate_hz"])
        ok = f"{row['fresh'][2]}/{len(row['best_params'])}"
        lines.append(f"{arm:<14} {pm(row['search_best']):>17} {pm(row['fresh']):>17} {ok:>5} "
                     + " ".join(f"{pm(row[k]):>17}" for k in keys))
    return "\n".join(lines)


def _fresh(row: dict) -> str:
    """The fresh-seed objective with how many repeats stayed non-degenerate on every fresh seed."""
    n = len(row["best_params"])
    return f"{pm(row['fresh'])} ({row['fresh'][2]}/{n})"


def write_efficiency_report(name: str, source: str, summaries: list[dict], out: Path) -> Path:
    """``report.md``: per study the arms' search and fresh-seed results, the verdict and the search quality."""
    from .plots import arms_figure
    figure = arms_figure(summaries, out / "arms.png")
    lines = [f"# {name}: optimized heterogeneous vs optimized homogeneous reservoirs", "",
             made_by(f"hrsnn efficiency {source}") + ". Every arm of a study searched "
             "with the same budget, seeds and evaluation; its best was re-evaluated on fresh seeds the search "
             "never saw (a task's score there is on its test split, used only for these bests; the shipped "
             "`hrsnn-bo` / `mrsnn-bo` picks come from `hrsnn frontier` alone). Mean ± std over "
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
                lines.append(f"| {arm} | {pm(r['search_best'])} | {_fresh(r)} | {pm(r['validation_error'])} "
                             f"| {pm(r['test_score'])} | {pm(r['test_spikes_per_sample'])} |")
        else:
            lines += ["| arm | search best | fresh objective (finite) | E (Hz/MC) | MC | rate (Hz) |",
                      "|---|---|---|---|---|---|"]
            for arm, r in s["arms"].items():
                lines.append(f"| {arm} | {pm(r['search_best'])} | {_fresh(r)} | {pm(r['E'])} "
                             f"| {pm(r['memory_capacity'])} | {pm(r['rate_hz'])} |")
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
