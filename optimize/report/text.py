"""The formatting reports share: mean ± std, savings, and the one-sentence verdicts (one search; across searches)."""
from __future__ import annotations

import math

from ..analysis.fronts import level_runs


def made_by(command: str) -> str:
    """A report's first words: the command, when (UTC) and where (``hrsnn.provenance``) it ran."""
    from datetime import datetime, timezone

    from hrsnn.provenance import provenance_line
    return f"Made by `{command}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC} ({provenance_line()})"


def pm(row, fmt: str = ".3g", pct: bool = False) -> str:
    """``mean ± std`` of a ``[mean, std]`` or ``(mean, std, n)`` row (as a signed percentage with ``pct``); ``–``
    for none, for ``n = 0`` or for an infinite mean."""
    if row is None or (len(row) > 2 and not row[2]) or not math.isfinite(row[0]):
        return "–"
    return f"{row[0]:+.0%} ± {row[1]:.0%}" if pct else f"{row[0]:{fmt}} ± {row[1]:{fmt.lstrip('+')}}"


TIMES = 9.0
"""A saving below −TIMES (the arm needs 1 + TIMES times the other's cost or more) is written as a ratio."""


def _times(r: float) -> str:
    return f"{r:.3g}×" if r < 1000 else f"{r:,.0f}×".replace(",", " ")


def saving_text(x: float, sd: float | None = None) -> str:
    """A saving as a user reads it: ``+21%`` (with ``± sd`` if given), or ``106 217× the cost`` below −TIMES."""
    if x == -math.inf:
        return "−∞"
    if x < -TIMES:
        return f"{_times(1 - x)} the cost"
    return f"{x:+.0%}" + ("" if sd is None else f" ± {sd:.0%}")


def front_verdict(cmp: dict, names: tuple[str, str], level_name: str, cost_name: str, fmt=lambda x: f"{x:g}") -> str:
    """One sentence a user can quote: arm a's saving over arm b at the middle level both fronts reach and the
    range of savings over all such levels, the level ranges where each is ahead (and where beyond the seed spread),
    and the two hypervolumes."""
    a, b = names
    span = lambda rs: ", ".join(fmt(x) if x == y else f"{fmt(x)}–{fmt(y)}" for x, y in rs)  # noqa: E731
    parts = []
    shared = [(lv, s) for lv, s in zip(cmp["levels"], cmp["saving"]) if s is not None]
    if shared:
        lv, (m, sd) = shared[(len(shared) - 1) // 2]
        lo, hi = min(s[0] for _, s in shared), max(s[0] for _, s in shared)
        if m < -TIMES:                               # ten times the cost or more: a ratio reads better
            need = f"{_times(1 - m)} the {cost_name} of {b}"
        else:
            need = f"{abs(m):.0%} ± {sd:.0%} {'fewer' if m >= 0 else 'more'} {cost_name} than {b}"
        parts.append(f"{a} needs {need} at {level_name} {fmt(lv)} (saving {saving_text(lo)} to {saving_text(hi)} over the "
                     f"{len(shared)} levels both reach)")
    for who, key in ((a, "a"), (b, "b")):
        if cmp[f"{key}_ahead"]:
            clear = span(cmp[f"{key}_clear"]) if cmp[f"{key}_clear"] else "none"
            parts.append(f"{who} is ahead for {level_name} {span(cmp[f'{key}_ahead'])} (beyond the seed spread: "
                         f"{clear})")
    if not parts:
        parts.append(f"neither front reaches the {level_name} levels compared")
    (ha, la, ua), (hb, lb, ub) = cmp["hypervolume"]["a"], cmp["hypervolume"]["b"]
    parts.append(f"hypervolume {ha:.3g} [{la:.3g}, {ua:.3g}] vs {hb:.3g} [{lb:.3g}, {ub:.3g}]")
    return "; ".join(parts) + "."


def repeat_verdict(cmp: dict, names: tuple[str, str], level_name: str, cost_name: str,
                   fmt=lambda x: f"{x:g}") -> str:
    """One sentence over independent searches (``optimize.analysis.repeats``): the levels where arm a needs fewer or
    more of the cost than arm b in every search with the interval clear of 0 (each with its saving and interval),
    where only one arm reaches, where the fronts are indistinguishable, and the hypervolumes with their intervals."""
    a, b = names
    levels, winner = cmp["levels"], cmp["winner"]
    span = lambda rs: ", ".join(fmt(x) if x == y else f"{fmt(x)}–{fmt(y)}" for x, y in rs)  # noqa: E731

    def cells(who: str) -> str:
        return ", ".join(f"{fmt(lv)} ({saving_text(s[0])} [{saving_text(s[1])}, {saving_text(s[2])}])"
                         for lv, w, s in zip(levels, winner, cmp["saving"]) if w == who)
    head = f"Over {cmp['repeats']} searches × {cmp['seeds']} fresh seeds, "
    parts = []
    if a in winner:
        parts.append(f"{a} needs fewer {cost_name} than {b} at {level_name} {cells(a)}")
    if b in winner:
        parts.append(f"{a} needs more {cost_name} than {b} at {level_name} {cells(b)}")
    if "tie" in winner:
        parts.append(f"the fronts are indistinguishable at {level_name} {span(level_runs(levels, winner, 'tie'))} "
                     "(the searches disagree in sign or the interval covers 0)")
    for who in (a, b):
        if f"{who} only" in winner:
            parts.append(f"only {who} reaches {level_name} {span(level_runs(levels, winner, f'{who} only'))}")
    if not parts:
        parts.append(f"neither front reaches the {level_name} levels compared")
    hv = cmp["hypervolume"]
    (ha, (la, ua)), (hb, (lb, ub)) = ((hv[x]["mean"], hv[x]["interval"]) for x in names)
    d, dl, du = hv["difference"]
    parts.append(f"hypervolume {ha:.3g} [{la:.3g}, {ua:.3g}] vs {hb:.3g} [{lb:.3g}, {ub:.3g}] (difference "
                 f"{d:+.3g} [{dl:+.3g}, {du:+.3g}])")
    return head + "; ".join(parts) + "."
