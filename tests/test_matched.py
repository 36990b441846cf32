"""Matched studies: arms, repeats, fresh-seed re-evaluation, random search, task objectives and their errors."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from optimize import StudyError, load_study
from optimize.analysis.stats import best_so_far
from optimize.run.store import TrialStore
from optimize.search.arms import derive
from optimize.studies.matched import finished, run_matched, save_matched, summarize

from .killing import kill_after_trials

MATCHED = """
name = "{name}"
calls = {calls}
initial_points = 5
random_state = 3
seeds = [0]
workers = {workers}
penalty = "worst"
arms = {arms}
repeats = {repeats}
eval_seeds = [7, 8]
trial_function = "tests.analytic:{fn}"

[space."neuron.tau_m.mean"]
low = 5.0
high = 200.0
[space."neuron.tau_m.cv"]
low = 0.0
high = 2.0
[space."stdp.tau_plus.cv"]
low = 0.0
high = 1.0
"""


def write(tmp_path, name="mm", calls=12, workers=1, arms='["heterogeneous", "homogeneous", "random"]', repeats=2,
          fn="bowl", extra=""):
    path = tmp_path / f"{name}.toml"
    path.write_text(MATCHED.format(name=name, calls=calls, workers=workers, arms=arms, repeats=repeats, fn=fn)
                    + extra)
    return path


def test_arms_share_the_budget_and_differ_only_where_they_should(tmp_path):
    study = load_study(write(tmp_path, arms='["heterogeneous", "homogeneous", "random", "HeNHoS", "HoNHeS"]'))
    fields = {arm: [d.field for d in derive(study, arm, 1).space] for arm in study.arms}
    assert fields["heterogeneous"] == fields["random"] == ["neuron.tau_m.mean", "neuron.tau_m.cv", "stdp.tau_plus.cv"]
    assert fields["homogeneous"] == ["neuron.tau_m"] == fields["HoNHeS"][:1]
    assert fields["HeNHoS"] == ["neuron.tau_m.mean", "neuron.tau_m.cv"]
    assert fields["HoNHeS"] == ["neuron.tau_m", "stdp.tau_plus.cv"]
    homo = derive(study, "homogeneous", 1)
    assert homo.random_state == study.random_state + 1 and homo.calls == study.calls and homo.seeds == study.seeds
    cfg = homo.config_for({"neuron.tau_m": 33.0})
    assert cfg.neuron.tau_m.kind == "constant" and cfg.neuron.tau_m.mean == 33.0
    assert cfg.stdp.tau_plus.kind == "constant"
    assert derive(study, "random", 0).surrogate == "random"


def test_matched_study_end_to_end(tmp_path):
    study = load_study(write(tmp_path, calls=14))
    matched = run_matched(study, out_dir=tmp_path, progress=False)
    assert {arm: len(runs) for arm, runs in matched.runs.items()} == {"heterogeneous": 2, "homogeneous": 2,
                                                                      "random": 2}
    for runs in matched.runs.values():
        assert all(len(r.trials) == 14 for r in runs)
    # the random arm's repeats are different random samples of the same space
    r0, r1 = ([t.params for t in r.trials] for r in matched.runs["random"])
    assert r0 != r1
    # the bowl's minimum (E = 1 at τ mean 30, CV 0.7) is out of the homogeneous arm's reach (CV 0): E ≥ 1.49
    summary = save_matched(matched, tmp_path)
    he, ho = summary["arms"]["heterogeneous"], summary["arms"]["homogeneous"]
    assert ho["fresh"][0] >= 1.49 - 1e-9 > he["fresh"][0]
    assert "heterogeneous" in summary["verdict"] and summary["verdict"].endswith("lower than the homogeneous optimum's")
    for arm in study.arms:                       # fresh seeds are the eval seeds, and the picked config is saved
        assert all([x["seed"] for x in e["results"]] == [7, 8] for e in matched.fresh[arm])
        assert Path(summary["arms"][arm]["config"]).exists()
    assert Path(tmp_path / "mm" / "convergence.png").stat().st_size > 10_000
    assert 0.0 <= summary["search"]["gp_ahead_share"] <= 1.0
    # degenerate trials (τ mean > 150) were told the worst finished objective, never a flat penalty
    trials = [t for runs in matched.runs.values() for r in runs for t in r.trials]
    bad = [t for t in trials if t.status == "degenerate"]
    assert bad and all(t.objective < 20 for t in bad)
    curve = best_so_far(finished(matched.runs["heterogeneous"][0]))
    assert np.all(np.diff(curve[np.isfinite(curve)]) <= 0)


def test_each_arm_resumes_after_kill(tmp_path):
    path = write(tmp_path, name="killed", calls=8, workers=2, fn="slow_bowl", repeats=1,
                 arms='["heterogeneous", "homogeneous"]')
    cmd = [sys.executable, "-m", "hrsnn", "optimize", str(path), "--dir", str(tmp_path), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    second = tmp_path / "killed" / "killed-homogeneous-r0.sqlite"
    kill_after_trials(cmd, env, second, 2)
    first = TrialStore(tmp_path / "killed" / "killed-heterogeneous-r0.sqlite").trials()   # the arms run at once
    assert 2 <= len(TrialStore(second).trials()) < 8
    out = subprocess.run(cmd + ["--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    resumed = TrialStore(tmp_path / "killed" / "killed-heterogeneous-r0.sqlite").trials()
    assert resumed[:len(first)] == first and len(resumed) == 8       # what was stored is kept, the rest added
    assert len(TrialStore(second).trials()) == 8
    assert "heterogeneous" in out.stdout and "homogeneous" in out.stdout and "fresh seeds" in out.stdout


BAD = """
name = "bad"
calls = 8
initial_points = 4
seeds = [0]
trial_function = "tests.analytic:bowl"
{top}
[space."neuron.tau_m.mean"]
low = 5.0
high = 200.0
{tables}
"""
TASK_TABLE = '[task]\nkind = "{kind}"\ndataset = "{dataset}"\n'


@pytest.mark.parametrize("top, tables, message", [
    ('arms = ["heterogeneous", "bogus"]', "", r"arms: unknown arm 'bogus'"),
    ("repeats = 0", "", r"repeats: expected an integer >= 1, got 0"),
    ("eval_seeds = [0, 9]", "", r"eval_seeds: \[0\] are also search seeds"),
    ('objective = "task"', "", r"task: objective = \"task\" needs a \[task\] table"),
    ('objective = "task"', '[task]\nkind = "classify"\n', r"task.dataset: a task objective needs a dataset"),
    ('objective = "task"', TASK_TABLE.format(kind="classify", dataset="GunPoint") + 'scalar = "min_spikes"\n'
     "min_accuracy = 1.5\n", r"task.min_accuracy: 1.5 outside the allowed range \[0, 1\]"),
    ('objective = "task"', TASK_TABLE.format(kind="predict", dataset="narma10") + 'scalar = "min_spikes"\n',
     r"task.max_nrmse: scalar = \"min_spikes\" on a predict task needs it"),
    ('objective = "task"', TASK_TABLE.format(kind="predict", dataset="nope"), r"task.dataset: unknown predict dataset"),
    ('penalty = "huge"', "", r"penalty: expected a finite number or \"worst\""),
])
def test_bad_matched_study_files(tmp_path, top, tables, message):
    (tmp_path / "bad.toml").write_text(BAD.format(top=top, tables=tables))
    with pytest.raises(StudyError, match=message):
        load_study(tmp_path / "bad.toml")


def test_the_pareto_plots_front_of_spikes_and_error():
    from optimize.analysis.fronts import pareto_mask
    pts = np.array([[10, 0.5], [20, 0.3], [15, 0.6], [30, 0.3], [5, 0.9], [25, 0.1]])    # (spikes, error)
    np.testing.assert_array_equal(pts[pareto_mask(-pts[:, 1], pts[:, 0])], [[10, 0.5], [20, 0.3], [5, 0.9], [25, 0.1]])


TASK = """
name = "{name}"
calls = 3
initial_points = 2
seeds = [0]
eval_seeds = [5]
workers = 2
target = "numba"
arms = ["heterogeneous", "homogeneous"]
objective = "task"
[set]
n_neurons = 60
[task]
kind = "{kind}"
dataset = "{dataset}"
scalar = "tradeoff"
weight = 0.01
max_train = 20
n_steps = 600
[space."neuron.tau_m.mean"]
low = 10.0
high = 60.0
[space."neuron.tau_m.cv"]
low = 0.0
high = 1.5
"""


@pytest.mark.parametrize("kind, dataset", [("classify", "GunPoint"), ("predict", "narma10")])
def test_task_objective_on_a_tiny_reservoir(tmp_path, kind, dataset):
    (tmp_path / "t.toml").write_text(TASK.format(name=f"t{kind}", kind=kind, dataset=dataset))
    study = load_study(tmp_path / "t.toml")
    matched = run_matched(study, out_dir=tmp_path, progress=False)
    summary = save_matched(matched, tmp_path)
    for arm in ("heterogeneous", "homogeneous"):
        run = matched.runs[arm][0]
        for t in run.trials:                  # every trial records its error and its spikes per sample
            r = t.results[0]
            assert 0 <= r["error"] and r["spikes_per_sample"] >= 0
            if t.status == "ok":
                assert t.objective == pytest.approx(r["error"] + 0.01 * r["spikes_per_sample"] / 1000)
        test = matched.fresh[arm][0]["test"][0]
        assert test["seed"] == 5 and ("hold" not in test["split"])
    assert (tmp_path / f"t{kind}" / "pareto.png").stat().st_size > 10_000
    assert "DOMINATES" in summary["verdict"] or "does NOT dominate" in summary["verdict"]
    json.dumps(summarize(matched), default=str)


def test_task_study_on_the_rate_reservoir(tmp_path):
    text = TASK.format(name="trate", kind="predict", dataset="narma10").replace('objective = "task"',
                                                                                 'objective = "task"\nmodel = "rate"')
    (tmp_path / "t.toml").write_text(text)
    study = load_study(tmp_path / "t.toml")
    assert study.model == "rate" and study.task["model"] == "rate"
    matched = run_matched(study, out_dir=tmp_path, progress=False)
    trials = [t for runs in matched.runs.values() for run in runs for t in run.trials]
    assert trials and all(t.status == "ok" and t.results[0]["spikes_per_sample"] == 0 for t in trials)
    assert all(t.objective == pytest.approx(t.results[0]["error"]) for t in trials)     # no spikes to pay for
    errors = {round(t.objective, 9) for t in trials}
    assert len(errors) > 1                           # the τ_m sample (mean, CV) changes the rate reservoir
    (tmp_path / "bad.toml").write_text(text.replace('model = "rate"', 'model = "esn"'))
    with pytest.raises(StudyError, match="model: 'esn' is not one of hrsnn, rate, rate-hom"):
        load_study(tmp_path / "bad.toml")


def test_memory_study_on_the_rate_reservoir_maximizes_mc(tmp_path):
    from optimize import run_study
    data = {"name": "mrate", "calls": 4, "initial_points": 2, "objective": "neg_mc", "model": "rate",
            "set": {"n_neurons": 60, "task.train_steps": 50, "task.eval_steps": 400, "task.k_max": 10},
            "space": {"neuron.tau_m.cv": {"low": 0.0, "high": 1.5}}}
    import tomli_w
    (tmp_path / "m.toml").write_text(tomli_w.dumps(data))
    run = run_study(load_study(tmp_path / "m.toml"), out_dir=tmp_path, progress=False)
    assert all(t.status == "ok" and t.results[0]["spikes"] == 0 for t in run.trials)
    assert all(t.objective == pytest.approx(-t.results[0]["memory_capacity"]) for t in run.trials)
    (tmp_path / "e.toml").write_text(tomli_w.dumps({**data, "objective": "E"}))
    with pytest.raises(StudyError, match="model: 'rate' has no spikes; its objective must be neg_mc or task"):
        load_study(tmp_path / "e.toml")


def test_the_random_arm_asks_the_same_points_whatever_its_number_of_calls():
    from skopt.space import Real

    from optimize.search.samplers import RandomSearch
    dims = [Real(0.0, 1.0), Real(5.0, 80.0, prior="log-uniform")]
    short, longer = RandomSearch(dims, 3), RandomSearch(dims, 3)
    first = short.ask(n_points=4)
    resumed = RandomSearch(dims, 3)
    resumed.tell(first[:2], [0.0, 0.0])                # a search stopped after two trials, resumed
    assert longer.ask(n_points=6)[:4] == first and resumed.ask(n_points=2) == first[2:]
    assert RandomSearch(dims, 4).ask() != first[0]


def test_arms_differ_only_in_what_they_are_named_for(tmp_path):
    """The full HRSNN space (neuron and STDP means and spreads, shared levers): the homogeneous arm is it with every
    spread pinned to 0 (a mean searches the constant) and nothing else changed; no-STDP differs only in
    stdp.enabled; HeNHoS / HoNHeS pin only the STDP / the neuron spreads."""
    import dataclasses

    from optimize.search.study import parse_study
    space = {"input.scale": {"low": 100.0, "high": 800.0}, "task.train_steps": {"low": 200, "high": 4000,
                                                                                "type": "integer"},
             "neuron.tau_m.mean": {"low": 5.0, "high": 80.0}, "neuron.tau_m.cv": {"low": 0.0, "high": 1.5},
             "stdp.a_plus.mean": {"low": 0.001, "high": 0.05}, "stdp.a_plus.cv": {"low": 0.0, "high": 1.0},
             "stdp.tau_plus.cv": {"low": 0.0, "high": 1.0}}
    study = parse_study({"name": "full", "arms": ["heterogeneous", "homogeneous", "no-STDP", "HeNHoS", "HoNHeS"],
                         "space": space, "set": {"n_neurons": 100}})
    het = derive(study, "heterogeneous", 1)

    def same_but(arm, **changed):
        d = derive(study, arm, 1)
        for key in ("calls", "seeds", "eval_seeds", "random_state", "batch", "objective", "surrogate"):
            assert getattr(d, key) == getattr(het, key), (arm, key)
        return d
    hom = same_but("homogeneous")
    assert [d.field for d in hom.space] == ["input.scale", "task.train_steps", "neuron.tau_m", "stdp.a_plus"]
    assert [dataclasses.replace(d, field=d.field + ".mean") if d.field in ("neuron.tau_m", "stdp.a_plus") else d
            for d in hom.space] == [d for d in het.space if not d.field.endswith(".cv")]
    assert hom.base == study.base.homogeneous()
    off = same_but("no-STDP")
    assert off.space == het.space and off.base == het.base.with_updates({"stdp.enabled": False})
    assert off.base != het.base and off.base.with_updates({"stdp.enabled": True}) == het.base
    henhos, honhes = same_but("HeNHoS"), same_but("HoNHeS")
    assert [d.field for d in henhos.space] == ["input.scale", "task.train_steps", "neuron.tau_m.mean",
                                               "neuron.tau_m.cv", "stdp.a_plus"]
    assert [d.field for d in honhes.space] == ["input.scale", "task.train_steps", "neuron.tau_m", "stdp.a_plus.mean",
                                               "stdp.a_plus.cv", "stdp.tau_plus.cv"]
