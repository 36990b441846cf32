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
