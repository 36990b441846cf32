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
