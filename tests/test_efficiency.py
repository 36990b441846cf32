"""``hrsnn efficiency`` in small: matched studies on the memory protocol and a task, and the report."""
import subprocess
import sys

import pytest

from optimize import StudyError
from optimize.search.study import load_studies as load_experiment

TINY = """
name = "tinyeff"
arms = ["heterogeneous", "homogeneous", "random"]
repeats = 1
calls = 3
initial_points = 2
seeds = [0]
eval_seeds = [4]
penalty = "worst"
workers = 2
target = "numba"
[set]
n_neurons = 60
"task.train_steps" = 40
"task.eval_steps" = 300
"task.washout" = 20
"task.k_max" = 10
"task.min_mc" = 0.0
[space."neuron.tau_m.mean"]
low = 10.0
high = 60.0
[space."neuron.tau_m.cv"]
low = 0.0
high = 1.5
[[study]]
name = "memory"
objective = "E"
[[study]]
name = "GunPoint"
objective = "task"
task = { kind = "classify", dataset = "GunPoint", max_train = 16 }
"""


def test_efficiency_end_to_end(tmp_path):
    (tmp_path / "e.toml").write_text(TINY)
    out = subprocess.run([sys.executable, "-m", "hrsnn", "efficiency", str(tmp_path / "e.toml"), "--dir",
                          str(tmp_path / "studies"), "--out", str(tmp_path / "results"), "--quiet"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    report = (tmp_path / "results" / "tinyeff" / "report.md").read_text()
    assert "## Verdicts" in report and "- memory:" in report and "- GunPoint:" in report
    assert report.count("| heterogeneous |") == 2 and report.count("| random |") == 2
    assert (tmp_path / "results" / "tinyeff" / "arms.png").stat().st_size > 10_000
    assert (tmp_path / "studies" / "tinyeff" / "GunPoint" / "pareto.png").exists()
    assert not (tmp_path / "results" / "tinyeff" / "picks").exists()     # the shipped picks: hrsnn frontier's only
    again = subprocess.run([sys.executable, "-m", "hrsnn", "efficiency", str(tmp_path / "e.toml"), "--dir",
                            str(tmp_path / "studies"), "--out", str(tmp_path / "results"), "--quiet"],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "## Verdicts" in again.stdout      # a rerun resumes the finished arms


@pytest.mark.parametrize("change, message", [
    (lambda t: t.split("[[study]]")[0], r"study: an experiment needs at least one \[\[study\]\] table"),
    (lambda t: t.replace('name = "GunPoint"', 'name = "memory"'), "study: names must be distinct"),
    (lambda t: t.replace("repeats = 1", "repeats = 0"), r"study\[0\] \(memory\): repeats: expected an integer >= 1"),
    (lambda t: t.replace('dataset = "GunPoint", ', ""), r"study\[1\] \(GunPoint\): task.dataset: a task objective "
                                                       "needs a dataset"),
])
def test_bad_experiment_files(tmp_path, change, message):
    (tmp_path / "e.toml").write_text(change(TINY))
    with pytest.raises(StudyError, match=message):
        load_experiment(tmp_path / "e.toml")
