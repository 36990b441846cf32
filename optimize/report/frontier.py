"""The frontier report: the verdicts claim by claim; per study the linear floor, the level table, the verdict, E at
matched MC, the base config's place, the grid check, what the searched levers buy over the grid's, the figures and
each arm's front points (Markdown)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..analysis.fronts import COMPARED, quality_shown
from .text import made_by, pm, saving_text


def level_table(s: dict) -> str:
    """Per level: each arm's needed cost (mean ± std over fresh seeds) and the heterogeneous saving."""
    if "levels" not in s:
        return f"{s['study']}: no front"
    key = "rate" if s["task"] is None else "spikes"
    arms = list(s[key])
    head = (f"{s['study']}: {s['cost']} needed per {s['quality']} level (fresh seeds {s['eval_seeds']})\n"
            f"{s['quality'] + (' ≥' if s['quality'] != 'NRMSE' else ' ≤'):<10}"
            + "".join(f"{a:>18}" for a in arms) + f"{'saving (het)':>18}")
    lines = [head]
    for i, level in enumerate(s["levels"]):
        save = s["saving"][i]
        lines.append(f"{level:<10g}" + "".join(f" {pm(s[key][a][i]):>17}" for a in arms)
                     + f"{'–' if save is None else saving_text(*save):>18}")
    hv = s["hypervolume"]
    lines.append("hypervolume: " + ", ".join(f"{a} {v[0]:.3g} [{v[1]:.3g}, {v[2]:.3g}]" for a, v in hv.items()))
    return "\n".join(lines)


def _grid_agreement(s: dict) -> str:
    """How often the grid's saving has the search's sign and, where not, how the savings compare with the gap
    between one arm's search and grid fronts at those levels."""
    g, key = s["grid"], "rate" if s["task"] is None else "spikes"
    both = [i for i, (a, b) in enumerate(zip(s["saving"], g["saving"])) if a is not None and b is not None]
    differ = [i for i in both if np.sign(s["saving"][i][0]) != np.sign(g["saving"][i][0])]
    text = (f"The grid ({' × '.join(f'{k} {v}' for k, v in g['fields'].items())}; fronts selected on seeds "
            f"{g['seeds']}, measured on the fresh seeds) agrees on "
            f"the sign of the saving at {len(both) - len(differ)} of the {len(both)} levels both reach.")
    if not differ:
        return text
    pairs = [(max(abs(s["saving"][i][0]), abs(g["saving"][i][0])),
              max(abs(s[key][a][i][0] / g[key][a][i][0] - 1) for a in COMPARED)) for i in differ]
    within = sum(save <= gap for save, gap in pairs)
    detail = ", ".join(f"{s['levels'][i]:g}: {save:.0%} vs {gap:.0%}" for i, (save, gap) in zip(differ, pairs))
    return text + (f" Where the signs differ, the larger of the two savings against the larger gap between one "
                   f"arm's search and grid fronts (the table below) is, per {s['quality']} level, {detail}: the "
                   f"saving is no larger than that gap at {within} of these {len(differ)} levels, so there the "
                   "sign is below what the two methods resolve.")


def _levers_table(s: dict) -> list[str]:
    """Per level and arm: the rate the grid's front needs and the rate the search's front needs (same seeds)."""
    key = "rate" if s["task"] is None else "spikes"
    arms = [a for a in COMPARED if a in s["grid"][key]]
    rows = ["What the searched levers buy over the grid's (needed " + s["cost"] + ", grid → search):", "",
            f"| {s['quality']} ≥ | " + " | ".join(arms) + " |", "|---" * (len(arms) + 1) + "|"]
    for i, level in enumerate(s["levels"]):
        cells = []
        for a in arms:
            g, f = s["grid"][key][a][i], s[key][a][i]
            cells.append("–" if g is None or f is None else f"{g[0]:.3g} → {f[0]:.3g} ({f[0] / g[0] - 1:+.0%})")
        rows.append(f"| {level:g} | " + " | ".join(cells) + " |")
    return rows


def _points_tables(s: dict) -> list[str]:
    """Each arm's re-evaluated front points: fresh quality and cost (mean over seeds) and the searched values."""
    out = []
    for arm, a in s["arms"].items():
        if not a["points"]:
            continue
        fields = list(a["points"][0]["params"])
        moved = "weight_change" in a["points"][0]
        out += [f"<details><summary>{arm} front points (fresh seeds)</summary>", "",
                f"| {s['quality']} | {s['cost']} | " + ("mean abs Δw | w std | " if moved else "")
                + " | ".join(fields) + " |",
                "|---" * (len(fields) + 2 + 2 * moved) + "|"]
        for p in a["points"]:
            vals = [f"{v:.3g}" if isinstance(v, float) else str(v) for v in p["params"].values()]
            dw = [f"{_weight_change(p):.1%}", f"{_mean(p.get('weight_std')):.3g}"] if moved else []
            out.append(f"| {quality_shown(s['task'], float(np.mean(p['quality']))):.3g} | {np.mean(p['cost']):.3g} | "
                       + " | ".join(dw + vals) + " |")
        out += ["", "</details>", ""]
    return out


MOVED = 0.05
"""A weight change the report counts as STDP having acted: mean |Δw| above 5 % of the initial weight."""


def _mean(values: list | None) -> float:
    """The mean of the measured ``values`` (NaN where none was measured)."""
    vals = [x for x in values or [] if x is not None]
    return float(np.mean(vals)) if vals else math.nan


def _weight_change(point: dict) -> float:
    """The point's mean weight change over the fresh seeds (NaN where none was measured)."""
    return _mean(point.get("weight_change"))


def stdp_lines(s: dict) -> list[str]:
    """Per arm: at how many of its front points STDP moved the weights by more than ``MOVED``, and at which
    qualities."""
    out = []
    for arm, a in s["arms"].items():
        points = [p for p in a["points"] if "weight_change" in p]
        if not points:
            continue
        acted = [quality_shown(s["task"], float(np.mean(p["quality"]))) for p in points if _weight_change(p) > MOVED]
        where = f" ({s['quality']} {min(acted):.3g}–{max(acted):.3g})" if acted else ""
        out.append(f"- {arm}: STDP moved the E→E weights by more than {MOVED:.0%} (mean |Δw| / w_init over the "
                   f"fresh seeds) at {len(acted)} of its {len(points)} front points{where}.")
    return out


def _repeats_table(s: dict) -> list[str]:
    """Per level: the winner across searches, the heterogeneous saving over repeats × seeds with its interval, and
    each repeat's saving."""
    r = s["by_repeat"]
    compared = sum(sv is not None for sv in r["saving"])
    rows = [f"Across searches ({r['repeats']} repeats × {r['seeds']} fresh seeds; 95 % t interval over searches and "
            f"seeds, `optimize/analysis/repeats.py`). With no real difference a level has a winner by chance at most "
            f"1 time in 20, so about {0.05 * compared:.1g} of the {compared} levels compared here may be won by "
            "chance:", "",
            f"| {s['quality']} | winner | heterogeneous saving [interval] | per repeat |", "|---|---|---|---|"]
    for lv, w, sv, per in zip(r["levels"], r["winner"], r["saving"], r["per_repeat"]):
        cell = "–" if sv is None else f"{saving_text(sv[0])} [{saving_text(sv[1])}, {saving_text(sv[2])}]"
        rows.append(f"| {lv:g} | {w} | {cell} | {'–' if per is None else ', '.join(saving_text(x) for x in per)} |")
    return rows


def _convergence_lines(s: dict, out: Path) -> list[str]:
    """The convergence figure and whether the last quarter of the budget still moved each arm's hypervolume."""
    from .plots import convergence_figure
    c = s.get("convergence") or {}
    if not c.get("arms"):
        return []
    moved = ", ".join(f"{arm} {a['last_quarter']:+.1%}" for arm, a in c["arms"].items())
    figure = convergence_figure(s, out / f"{s['study']}-convergence.png")
    lines = [f"Convergence: the search front's hypervolume (search values, mean over repeats) gained in the last "
             f"quarter of the {s['calls']} trials: {moved} of its final value."]
    fresh = c.get("fresh", {}).get("arms")
    if fresh:
        gains = ", ".join(f"{arm} {g['gain'][0]:+.1%} [{g['gain'][1]:+.1%}, {g['gain'][2]:+.1%}]"
                          for arm, g in fresh.items())
        flat = [arm for arm, g in fresh.items() if g["gain"][1] <= 0]
        lines += ["", f"On the fresh seeds (each search's front from its first "
                      f"{math.ceil(c['fresh']['fraction'] * s['calls'])} trials against its front from all "
                      f"{s['calls']}, both re-evaluated; free of the search values' selection bias, which keeps "
                      f"rising with more noisy trials), the last quarter added {gains} "
                      f"(t interval over searches and seeds). No measurable gain (interval reaching 0): "
                      f"{', '.join(flat) or 'none'}."]
    return lines + ["", f"![{s['study']} convergence]({figure.name})"]


def claim_lines(summaries: list[dict]) -> list[str]:
    """The verdicts claim by claim (``optimize.studies.frontier.CLAIMS``): each claim's statement, its two arms and,
    per study that tests it, the verdict across repeats (a task's above its linear floor)."""
    out, seen = [], {}                             # each claim's first entry, in the order the studies give them
    for s in summaries:
        for c in s.get("claims", []):
            seen.setdefault(c["claim"], c)
    for k, (key, first) in enumerate(seen.items(), 1):
        a, b = first["arms"]
        out += [f"{k}. **{first['statement'][0].upper() + first['statement'][1:]}** ({a} against {b}):", ""]
        for s in summaries:
            for c in s.get("claims", []):
                if c["claim"] == key:
                    above = (f" (above the linear floor, {s['quality']} {s['floor']['shown']:.3g})"
                             if "floor" in s else "")
                    out.append(f"   - {s['study']}{above}: {c['verdict']}")
            if "levels" not in s and key == "HRSNN":
                out.append(f"   - {s['study']}: {s['verdict']}.")
        tasks = [c for s in summaries if s["task"] is not None for c in s.get("claims", []) if c["claim"] == key]
        if len(tasks) > 1:
            sign = [np.sign(c["hypervolume"]["difference"][1]) if np.sign(c["hypervolume"]["difference"][1]) ==
                    np.sign(c["hypervolume"]["difference"][2]) else 0 for c in tasks]
            out.append(f"   - Over the tasks: {a}'s hypervolume is larger (interval clear of 0) on {sign.count(1)} of "
                       f"{len(tasks)}, smaller on {sign.count(-1)}, indistinguishable on {sign.count(0)}.")
        out.append("")
    return out


def _floor_line(s: dict) -> list[str]:
    """A task's linear floor on the fresh seeds' test splits (none for the memory protocol)."""
    if "floor" not in s:
        return []
    f = s["floor"]
    q = [quality_shown(s["task"], x) for x in f["quality"]]
    return [f"Linear floor: the readout on the input alone (no reservoir, `--model linear`) reaches {s['quality']} "
            f"{np.mean(q):.3g} ± {np.std(q):.2g} on the test split of the fresh seeds, at no spikes. The levels "
            f"compared lie above it, where the reservoir is what is measured.", ""]


def write_report(name: str, source: str, summaries: list[dict], out: Path) -> Path:
    """``report.md``: the verdicts claim by claim, then per study the verdict across repeats, the level table, E at
    matched MC, the grid check and the figures."""
    from .plots import front_figure
    lines = [f"# {name}: the heterogeneous recurrent SNN against the homogeneous one on the whole spikes-vs-quality "
             "front", "",
             made_by(f"hrsnn frontier {source}") + ". Each arm searched MC (or a task's "
             "validation error) against the mean rate (or spikes per sample) with ParEGO; every arm searches the "
             "same shared levers, and the heterogeneous arms also the spreads (and the τ_m family) of their "
             "heterogeneous neurons or STDP synapses; the homogeneous arm searches each distribution's mean as a "
             "constant. Each arm's search front was "
             "re-evaluated on fresh seeds the search never saw (tasks: on their test split). The verdicts count "
             "both sources of variation a rerun would see: each repeat (an independent search) has its own front, "
             "and a level has a winner only where every repeat agrees on the sign of the saving and its 95 % t "
             "interval over repeats and fresh seeds excludes 0 (savings are geometric means of the cost ratios). "
             "The pooled tables (all repeats' trials in one front) give the "
             "rate or spikes each arm needs per level (mean ± std over the fresh seeds).", "",
             "## Verdicts, claim by claim", "", *claim_lines(summaries)]
    for s in summaries:
        lines += ["", f"## {s['study']}", ""]
        if "levels" not in s:
            lines += [*_floor_line(s), s["verdict"] + "."]
            continue
        what = ("memory protocol" if s["task"] is None else f"{s['task']['kind']} {s['task']['dataset']}")
        lines += [f"{what}, N = {s['n_neurons']}; {s['repeats']} repeats × {s['calls']} trials per arm on seeds "
                  f"{s['seeds']}, fronts re-evaluated on seeds {s['eval_seeds']}. Searched: heterogeneous "
                  f"{', '.join(s['space']['heterogeneous'])}; homogeneous {', '.join(s['space']['homogeneous'])}.",
                  "", *_floor_line(s), *_repeats_table(s), "", *_convergence_lines(s, out), "", *stdp_lines(s), "",
                  f"Pooled fronts (every repeat's trials in one front; ± over fresh seeds only): {s['pooled_verdict']}",
                  "", "```", level_table(s), "```", ""]
        ref = s["reference"]
        (qm, qs), (cm, cs) = ((quality_shown(s['task'], np.mean(ref["quality"])), np.std(ref["quality"])),
                              (np.mean(ref["cost"]), np.std(ref["cost"])))
        needs = ", ".join(f"{a} {v:.3g}" for a, v in ref["needs"].items() if math.isfinite(v))
        lines += [f"The study's base config (the default with the study's `[set]`) on the fresh seeds: {s['quality']} "
                  f"{qm:.3g} ± {qs:.2g} at {cm:.3g} ± {cs:.2g} {s['cost']}; at that {s['quality']} the fronts need: "
                  f"{needs or 'no front reaches it'}.", ""]
        if "E" in s:
            lines += ["E = rate / MC at matched MC (the chosen points):", "",
                      "| MC ≥ | " + " | ".join(s["E"]) + " |", "|---" * (len(s["E"]) + 1) + "|"]
            lines += [f"| {lv:g} | " + " | ".join(pm(s["E"][a][i]) for a in s["E"]) + " |"
                      for i, lv in enumerate(s["levels"])]
            lines.append("")
        if "grid" in s:
            lines += ["Grid check:", "", "```", level_table({**s["grid"], "study": "grid", "task": s["task"],
                                                             "quality": s["quality"], "cost": s["cost"],
                                                             "eval_seeds": s["eval_seeds"]}), "```", "",
                      _grid_agreement(s), "", *_levers_table(s), ""]
        figure = front_figure(s, out / f"{s['study']}.png")
        lines += [f"![{s['study']} fronts]({figure.name})", "", *_points_tables(s)]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
