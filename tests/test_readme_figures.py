"""The README quotes what its commands print today: `make demo`'s verdict is rerun and compared word for word."""
import json
from pathlib import Path

from optimize.report.text import saving_text
from optimize.studies.frontier import run_frontier

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_quotes_the_demo_verdict_of_a_fresh_run(tmp_path):
    report = run_frontier(ROOT / "experiments" / "frontier-demo.toml", tmp_path / "studies", tmp_path / "results",
                          progress=False)
    summary = json.loads((report.parent / "summary.json").read_text())["studies"]["memory"]
    lines = (line.removeprefix("> ") for line in (ROOT / "README.md").read_text().splitlines())   # quoted lines
    readme = " ".join(" ".join(lines).split())
    assert " ".join(summary["verdict"].split()) in readme, (
        f"README.md does not quote make demo's verdict; a fresh run says:\n{summary['verdict']}")
    r = summary["by_repeat"]
    per = ", ".join(saving_text(x) for x in r["per_repeat"][r["levels"].index(2)])
    assert f"the three searches' savings at MC 2 are {per}." in readme, per


FRONTIER = ROOT / "docs" / "frontier" / "summary.json"


def _plain(text: str) -> str:
    return " ".join(text.split())


def memory_table(s: dict) -> str:
    """The README's level table of a memory study, from its summary: each arm's needed rate (pooled front), the
    pooled saving, the winner across searches and the grid's saving."""
    levels = s["levels"]

    def row(name, cells):
        return f"| {name} | " + " | ".join(cells) + " |"
    rate = {a: ["–" if r is None else f"{r[0]:.3g}" for r in s["rate"][a]] for a in ("homogeneous", "heterogeneous")}
    lines = [row("MC ≥", [f"{lv:g}" for lv in levels]), "|---" * (len(levels) + 1) + "|",
             row("homogeneous (Hz)", rate["homogeneous"]), row("heterogeneous (Hz)", rate["heterogeneous"]),
             row("saving (pooled)", ["–" if x is None else saving_text(x[0]) for x in s["saving"]]),
             row("across searches", [w.replace("heterogeneous", "het").replace("homogeneous", "hom")
                                     for w in s["by_repeat"]["winner"]])]
    if "grid" in s:
        lines.append(row("grid saving", ["–" if x is None else saving_text(x[0]) for x in s["grid"]["saving"]]))
    return "\n".join(lines)


def hypervolumes(s: dict) -> str:
    """``A [lo, hi] vs B [lo, hi]``: the arms' hypervolumes across searches (3 significant digits)."""
    hv = s["by_repeat"]["hypervolume"]

    def num(x):
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"
    return " vs ".join(f"{num(hv[a]['mean'])} [{num(hv[a]['interval'][0])}, {num(hv[a]['interval'][1])}]"
                       for a in ("heterogeneous", "homogeneous"))


def test_the_readme_quotes_make_frontier_as_its_committed_summary_says():
    """docs/frontier/summary.json is what `make frontier` wrote beside docs/frontier/report.md; the README's table,
    verdicts and hypervolumes must be that run's (a rerun that changes them fails here until the README follows)."""
    studies = json.loads(FRONTIER.read_text())["studies"]
    readme = (ROOT / "README.md").read_text()
    assert memory_table(studies["memory"]) in readme, f"README.md lacks make frontier's table:\n" \
                                                      f"{memory_table(studies['memory'])}"
    flat = _plain(" ".join(line.removeprefix("> ") for line in readme.splitlines()))
    assert reference_text(studies["memory"]) in flat, reference_text(studies["memory"])
    for claim in studies["memory"]["claims"]:            # each claim's verdict on the memory protocol
        assert _plain(claim["verdict"]) in flat, f"README.md does not quote claim {claim['claim']}: {claim['verdict']}"
    for name, s in studies.items():
        if s["task"] is not None:
            assert task_text(name, s) in flat, f"README.md lacks {task_text(name, s)}"


def task_text(name: str, s: dict) -> str:
    """The README's line of a task: its linear floor and, above it, the arms' hypervolumes across searches."""
    floor = f"{name} (floor {s['floor']['shown']:.3g})"
    return f"{floor} {hypervolumes(s)}" if "by_repeat" in s else f"{floor} no front above the floor"


def reference_text(s: dict) -> str:
    """The README's sentence on the default config's place among the memory fronts (N = 1000, fresh seeds)."""
    import numpy as np
    ref = s["reference"]
    return (f"reaches MC {np.mean(ref['quality']):.1f} at {np.mean(ref['cost']):.1f} Hz; the fronts need "
            f"{ref['needs']['heterogeneous']:.1f} Hz (heterogeneous) and {ref['needs']['homogeneous']:.1f} Hz "
            "(homogeneous) for that MC")


SEARCH = ROOT / "docs" / "search" / "summary.json"


def search_table(summary: dict) -> str:
    """The README's table of `make bench-search`: each sampler's final hypervolume [95 % interval] per problem."""
    names = summary["samplers"]
    lines = ["| problem | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    def num(x):
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"
    for problem, p in summary["problems"].items():
        lines.append(f"| {problem} | " + " | ".join(
            "{} [{}, {}]".format(*map(num, p["samplers"][n]["final"])) for n in names) + " |")
    return "\n".join(lines)


def test_the_readme_quotes_make_bench_search_as_its_committed_summary_says():
    summary = json.loads(SEARCH.read_text())
    readme = (ROOT / "README.md").read_text()
    assert search_table(summary) in readme, f"README.md lacks make bench-search's table:\n{search_table(summary)}"
    shares = {p: {n: s["final"][0] / v["best_hypervolume"] for n, s in v["samplers"].items()}
              for p, v in summary["problems"].items() if v["best_hypervolume"]}
    for problem, sampler in (("ZDT1", "parego"), ("ZDT1", "optuna-tpe"), ("DTLZ2", "optuna-tpe"), ("DTLZ2", "parego")):
        assert f"{shares[problem][sampler]:.0%}" in readme


def test_the_readme_quotes_the_rerun_of_the_memory_verdict():
    """docs/frontier-rerun (make frontier's searches from random state 1000): the heterogeneous saving at MC 1 of
    the full-vs-homogeneous claim, with its interval, as the README gives it."""
    flat = _plain(" ".join(line.removeprefix("> ") for line in (ROOT / "README.md").read_text().splitlines()))
    [rerun] = [c for c in json.loads((ROOT / "docs" / "frontier-rerun" / "summary.json").read_text())["studies"]
               ["memory"]["claims"] if c["claim"] == "HRSNN"]
    m, lo, hi = rerun["saving"][rerun["levels"].index(1.0)]
    assert rerun["repeats"] == 6 and f"{m:+.0%} [{lo:+.0%}, {hi:+.0%}]".replace("%", " %") in flat


def convergence_text(s: dict) -> str:
    """The README's fresh-seed convergence of a memory study: what each arm's last quarter of trials added."""
    return ", ".join(f"{arm} {g['gain'][0]:+.1%} [{g['gain'][1]:+.1%}, {g['gain'][2]:+.1%}]".replace("%", " %")
                     for arm, g in s["convergence"]["fresh"]["arms"].items())


def test_the_readme_quotes_the_memory_searches_convergence_on_fresh_seeds():
    s = json.loads(FRONTIER.read_text())["studies"]["memory"]
    flat = _plain((ROOT / "README.md").read_text())
    assert convergence_text(s) in flat, convergence_text(s)
