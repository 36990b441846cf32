import json

import pytest

from hrsnn import ConfigError, ReservoirConfig
from hrsnn.tasks.report import verdict
from hrsnn.tasks.reproduce import load_experiment, run_experiment

TINY = """
name = "tiny"
seeds = [0]
models = ["hrsnn", "mrsnn", "hrsnn-bo", "esn", "linear"]
bo_study = "{bo}"
workers = 1
target = "numpy"
[set]
n_neurons = 40
dt = 0.5
"input.step" = 2.0
"task.train_steps" = 40
"task.eval_steps" = 300
"task.k_max" = 10
"task.washout" = 20
[classify]
datasets = ["UnitTest"]
max_train = 10
max_test = 6
[[predict.tasks]]
name = "narma10"
n_steps = 200
washout = 30
"""


def test_experiment_report_and_resume(tmp_path):
    bo = tmp_path / "summary.json"
    ReservoirConfig().with_updates({"neuron.tau_m.cv": 0.5}).save(tmp_path / "best.toml")
    bo.write_text(json.dumps({"best": {"params": {"neuron.tau_m.cv": 0.5}}, "best_config": "studies/x/best.toml"}))
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.format(bo=bo))
    exp = load_experiment(path)
    report = run_experiment(exp, out_dir=tmp_path, progress=False)
    text = report.read_text()
    cells = (tmp_path / "tiny" / "cells.jsonl").read_text().splitlines()
    assert len(cells) == 2 * 5                               # 2 datasets/tasks × 5 models × 1 seed
    for heading in ("## classify: UnitTest", "## predict: narma10", "| hrsnn-bo |", "| esn |", "| linear |"):
        assert heading in text
    assert "hrsnn-bo = best of" in text and "neuron.tau_m.cv = 0.5" in text
    assert text.count("**HRSNN ") == 2 and ("beat MRSNN on" in text)
    for figure in ("score_vs_spikes.png", "efficiency.png"):
        assert (tmp_path / "tiny" / figure).stat().st_size > 10_000
    # a second run computes nothing again; a torn last line (interruption) is ignored and that cell redone
    (tmp_path / "tiny" / "cells.jsonl").write_text("\n".join(cells[:-1] + [cells[-1][:40]]) + "\n")
    run_experiment(load_experiment(path), parts=("classify", "predict"), out_dir=tmp_path, progress=False)
    again = [json.loads(line) for line in (tmp_path / "tiny" / "cells.jsonl").read_text().splitlines()
             if line.endswith("}")]
    assert len(again) == len(cells)
    assert {(c["cell"]["dataset"], c["cell"]["model"], c["cell"]["seed"]) for c in again} == {
        (c["cell"]["dataset"], c["cell"]["model"], c["cell"]["seed"]) for c in map(json.loads, cells)}


def test_missing_bo_study_is_a_note_not_a_failure(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('models = ["mrsnn", "hrsnn-bo"]\nbo_study = "nowhere/summary.json"\n')
    rows, notes = load_experiment(path).rows()
    assert [r[0] for r in rows] == ["mrsnn"] and "hrsnn optimize" in notes[0]


def test_bo_config_takes_searched_fields_from_the_study_and_the_rest_from_the_experiment(tmp_path):
    study_best = ReservoirConfig().with_updates({
        "n_neurons": 1000, "task.eval_steps": 999, "neuron.tau_m.cv": 1.2,
        "neuron.v_th": {"dist": "normal", "loc": -50.0, "std": 0.6}})    # the study made v_th a normal law
    summary = tmp_path / "summary.json"                       # as optimize.studies.optimize.save_outputs writes it
    study_best.save(tmp_path / "best.toml")
    summary.write_text(json.dumps({"best": {"params": {"neuron.v_th.std": 0.6, "neuron.tau_m.cv": 1.2}},
                                   "best_config": "studies/x/best.toml"}))
    path = tmp_path / "e.toml"
    path.write_text(f'models = ["hrsnn-bo"]\nbo_study = "{summary}"\n[set]\nn_neurons = 300\n')
    config, why = load_experiment(path).bo_config()
    assert config is not None, why
    assert config.neuron.v_th.std == 0.6 and config.neuron.tau_m.cv == 1.2
    assert config.n_neurons == 300 and config.task.eval_steps == ReservoirConfig().task.eval_steps


@pytest.mark.parametrize("text, match", [
    ('models = ["lstm"]', "models: unknown 'lstm'"), ("speed = 3", "speed: unknown key"),
    ('[classify]\ndatasets = ["Nope"]', "classify.datasets: unknown 'Nope'"),
    ('[[predict.tasks]]\nhorizon = 2', r"predict.tasks\[0\]"), ("seeds = [-1]", "seeds"),
    ('[set]\nn_neurons = -5', "n_neurons"), ("name = ", "not valid TOML")])
def test_bad_experiment_files(tmp_path, text, match):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=match):
        load_experiment(path)


def test_verdict_states_ties_and_losses():
    def cells(scores, spikes):
        return [dict(metric="accuracy", score=s, spikes_per_sample=p) for s, p in zip(scores, spikes)]
    assert "beat MRSNN on accuracy and spikes" in verdict(cells([0.9, 0.92], [10, 12]), cells([0.7, 0.72], [20, 22]))
    tie = verdict(cells([0.80, 0.90], [30, 30]), cells([0.82, 0.88], [20, 20]))
    assert "tie on accuracy" in tie and "beat MRSNN on neither" in tie
