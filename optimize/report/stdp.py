"""The heterogeneous-STDP study's report (Markdown) and figures, from its summary (``optimize.studies.stdp``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hrsnn.measure.plots import panels

from ..analysis.fronts import quality_shown as shown
from .plots import save_figure
from .text import pm

COLORS = {"HRSNN": "C0", "HeNHoS": "C1", "HoNHeS": "C2", "MRSNN": "C3"}
MIN_CHANGE = 0.02
"""Smallest relative change in spikes the report calls a change (2 %)."""


def lowers_activity(pair: dict) -> str:
    """The claim at the regime's own scale, seed by seed: "yes" when the heterogeneous-STDP twin fires less, by more
    than the seed spread and by at least ``MIN_CHANGE``, and keeps its quality within the spread; "reverse" when it
    fires more by as much; "no" otherwise."""
    at = pair.get("at_scale")
    if not at or at["cost_change"] is None:
        return "–"
    (c, cs), (dq, dqs) = at["cost_change"], at["quality_change"]
    kept = dq >= -dqs if pair["quality"] != "NRMSE" else dq <= dqs
    if c + cs < 0 and c <= -MIN_CHANGE and kept:
        return "yes"
    return "reverse" if c - cs > 0 and c >= MIN_CHANGE else "no"


def clear_levels(pair: dict) -> tuple[int, int, int]:
    """(levels both twins reach, levels where the heterogeneous-STDP twin needs fewer spikes beyond the seed spread,
    levels where it needs more beyond the spread)."""
    shared = [x for x in pair["saving"] if x is not None]
    return len(shared), sum(m > sd for m, sd in shared), sum(-m > sd for m, sd in shared)


def answer(rule: str, entry: dict) -> str:
    """One line per rule: its first pair (HRSNN against HeNHoS) at matched quality, memory in each regime and the
    tasks."""
    def first(study: dict) -> dict:
        return next(iter(study["pairs"].values()))
    parts, holds = [], True
    for regime, s in entry["regimes"].items():
        n, fewer, more = clear_levels(first(s))
        holds &= fewer > more and 2 * fewer >= n > 0
        parts.append(f"{regime}: fewer spikes at {fewer}, more at {more} of {n} MC levels")
    tasks = [clear_levels(first(s)) for s in entry["tasks"].values()]
    if tasks:
        parts.append(f"tasks: fewer spikes on {sum(f > m for _, f, m in tasks)}, more on "
                     f"{sum(m > f for _, f, m in tasks)} of {len(tasks)} (by levels beyond the spread)")
    word = "holds" if holds else "does not hold"
    return f"- **{rule}**: the claim {word} on the memory fronts ({'; '.join(parts)})."


def _curves_figure(rule: str, entry: dict, out: Path) -> Path:
    studies = [(f"memory, {r}", None, s) for r, s in entry["regimes"].items()]
    studies += [(name, "task", s) for name, s in entry["tasks"].items()]
    plt, fig, axes = panels(len(studies), 4, 4.2, 3.4)
    for ax, (title, kind, s) in zip(axes, studies):
        for pair in s["pairs"].values():
            task = None if kind is None else {"kind": "classify" if pair["quality"] == "accuracy" else "predict"}
            for name, curve in pair["curves"].items():
                q = np.array([[shown(task, x) for x in row] for row in curve["quality"]])
                c = np.array(curve["cost"])
                ax.errorbar(q.mean(axis=1), c.mean(axis=1), xerr=q.std(axis=1), yerr=c.std(axis=1), fmt="-o", ms=3,
                            capsize=2, color=COLORS[name], label=name)
            ax.set(xlabel=pair["quality"], ylabel="rate (Hz)" if kind is None else "spikes per sample")
        if kind is not None and pair["quality"] == "NRMSE":
            ax.invert_xaxis()
        ax.set_yscale("log")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle(f"STDP rule '{rule}': cost against quality along the input-scale ladder (mean ± std over seeds)")
    fig.tight_layout()
    return save_figure(plt, fig, out / f"{rule}.png")


def _sweep_figure(summary: dict, out: Path) -> Path:
    rules = list(summary["rules"])
    plt, fig, axes = panels(2 * len(rules), 2, 4.6, 3.2)
    for k, rule in enumerate(rules):
        sw = summary["rules"][rule]["sweep"]
        for ax, key, label in ((axes[2 * k], "rate_hz", "rate (Hz)"), (axes[2 * k + 1], "weight_std", "weight std")):
            for p, rows in sw["params"].items():
                ax.errorbar(sw["cvs"], [r[key][0] for r in rows], yerr=[r[key][1] for r in rows], fmt="-o", ms=3,
                            capsize=2, label=p)
            ax.set(xlabel="CV of the swept STDP parameter", ylabel=label, title=f"{rule}: {label} after STDP")
            ax.legend(fontsize=7)
    fig.tight_layout()
    return save_figure(plt, fig, out / "cv-sweep.png")


def _claim_rows(rule: str, where: str, study: dict, fmt: str) -> list[str]:
    """Table rows of one study's pairs: change in cost and quality at the regime's scale, the claim, the curves."""
    rows = []
    for name, pair in study["pairs"].items():
        at = pair.get("at_scale") or {}
        quality = f" ({pair['quality']})" if pair["quality"] != "MC" else ""
        rows.append(f"| {rule} | {where} | {name} | {pm(at.get('cost_change'), pct=True)} | "
                    f"{pm(at.get('quality_change'), fmt)}{quality} | {lowers_activity(pair)} | {pair['verdict']} |")
    return rows


def write_report(summary: dict, out: Path) -> Path:
    """``report.md`` and its figures in ``out``."""
    rules = summary["rules"]
    lines = [f"# Heterogeneous STDP and activity — `{summary['source']}`", "",
             f"Seeds {summary['seeds']} (every number is a mean ± std over them). Each model's curve is the ladder of "
             f"input scales × {summary['ladder']} (tasks × {summary['task_ladder']}) around the regime; the "
             "heterogeneous-STDP twin is compared with its homogeneous-STDP twin on the same neurons: HRSNN vs "
             "HeNHoS (heterogeneous neurons), HoNHeS vs MRSNN (homogeneous neurons). Regenerate with "
             f"`hrsnn stdp {summary['source']}`.", "",
             "## Answer", "",
             "Heterogeneous against homogeneous STDP on heterogeneous neurons (HRSNN vs HeNHoS), at matched MC: the "
             "claim holds where HRSNN needs fewer spikes beyond the seed spread at half the MC levels or more, and "
             "at more levels than it needs more, in every regime.", "",
             *[answer(rule, e) for rule, e in rules.items()], "",
             "## The claim at each regime's own input scale", "",
             "Does heterogeneous STDP lower the rate while preserving MC? Seed by seed, rate and MC of the "
             "heterogeneous-STDP twin against the homogeneous-STDP twin. *yes*: the rate falls by more than the "
             f"seed spread and by {MIN_CHANGE:.0%} or more, and MC stays within the spread; *reverse*: the rate "
             "rises by as much; *no*: neither.", "",
             "| rule | regime | pair | rate change | MC change | lower activity? | along the curves |",
             "|---|---|---|---|---|---|---|"]
    lines += [row for rule, e in rules.items() for regime, s in e["regimes"].items()
              for row in _claim_rows(rule, regime, s, "+.2f")]
    if any(e["tasks"] for e in rules.values()):
        lines += ["", "## Development tasks (test splits), first regime", "",
                  "| rule | task | pair | spikes change | score change | lower activity? | along the curves |",
                  "|---|---|---|---|---|---|---|"]
        lines += [row for rule, e in rules.items() for task, s in e["tasks"].items()
                  for row in _claim_rows(rule, task, s, "+.3f")]
    lines += ["", "## Which STDP parameter moves activity (CV sweep, first regime, heterogeneous neurons)", "",
              "One parameter's CV at a time, the others constant (CV 0 is HeNHoS). Weights after the plastic phase, "
              "in units of j_ee; *at 0* and *at w_max*: fractions of the E→E synapses at each bound.", ""]
    for rule, e in rules.items():
        sw = e["sweep"]
        lines += [f"**{rule}**", "", "| parameter | CV | rate (Hz) | MC | weight mean | weight std | at 0 | at w_max |",
                  "|---|---|---|---|---|---|---|---|"]
        for p, rows in sw["params"].items():
            for cv, r in zip(sw["cvs"], rows):
                lines.append(f"| {p} | {cv:g} | {pm(r['rate_hz'])} | {pm(r['memory_capacity'])} | "
                             f"{pm(r['weight_mean'])} | {pm(r['weight_std'])} | {r['weight_low'][0]:.1%} | "
                             f"{r['weight_high'][0]:.1%} |")
        lines.append("")
    lines += ["## Weights at each regime's own scale", "",
              "| rule | regime | model | rate (Hz) | MC | weight mean | weight std | at 0 | at w_max |",
              "|---|---|---|---|---|---|---|---|---|"]
    for rule, e in rules.items():
        for regime, s in e["regimes"].items():
            for model, r in (s.get("weights") or {}).items():
                lines.append(f"| {rule} | {regime} | {model} | {pm(r['rate_hz'])} | {pm(r['memory_capacity'])} | "
                             f"{pm(r['weight_mean'])} | {pm(r['weight_std'])} | {r['weight_low'][0]:.1%} | "
                             f"{r['weight_high'][0]:.1%} |")
    lines += ["", "## Figures", ""]
    for rule, e in rules.items():
        lines.append(f"![{rule}]({_curves_figure(rule, e, out).name})")
    lines.append(f"![CV sweep]({_sweep_figure(summary, out).name})")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path

