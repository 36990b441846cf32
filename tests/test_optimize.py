import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hrsnn import ReservoirConfig
from optimize import StudyError, TrialStore, load_study, run_study, save_outputs

from .killing import kill_after_trials

STUDY = """
name = "{name}"
calls = {calls}
initial_points = 6
random_state = 1
seeds = [0]
workers = {workers}
penalty = 50.0
trial_function = "tests.analytic:{fn}"
batch = {batch}

[space."neuron.tau_m.mean"]
low = 5.0
high = 200.0
[space."neuron.tau_m.cv"]
low = 0.0
high = 2.0
"""


def write(tmp_path, name="s", calls=25, workers=1, fn="bowl", extra="", batch=1):
    path = tmp_path / f"{name}.toml"
    path.write_text(STUDY.format(name=name, calls=calls, workers=workers, fn=fn, batch=batch) + extra)
    return path


@pytest.mark.parametrize("extra, message", [
    ('[space."neuron.nope"]\nlow = 1\nhigh = 2\n', r"space.neuron.nope: neuron.nope: unknown field"),
    ('[space."synapses.p_ee"]\nlow = 0.5\nhigh = 0.5\n', r"space.synapses.p_ee: empty range \[0.5, 0.5\]"),
    ('[space."synapses.p_ee"]\nlow = 0.1\nhigh = 1.5\n', r"synapses.p_ee: 1.5 outside the allowed range"),
    ('[space."stdp.a_plus.mean"]\nlow = 0.0\nhigh = 0.1\nprior = "log-uniform"\n', "log-uniform needs low > 0"),
    ('[space."input.encoding"]\ncategories = ["current"]\n', "need a list of at least 2"),
])
def test_bad_search_spaces(tmp_path, extra, message):
    with pytest.raises(StudyError, match=message):
        load_study(write(tmp_path, extra=extra))


def test_parses_dimensions(tmp_path):
    study = load_study(write(tmp_path, extra='[space."input.encoding"]\ncategories = ["current", "poisson"]\n'
                             '[space."n_neurons"]\ntype = "integer"\nlow = 50\nhigh = 200\n'))
    kinds = {d.field: d.kind for d in study.space}
    assert kinds == {"neuron.tau_m.mean": "real", "neuron.tau_m.cv": "real", "input.encoding": "categorical",
                     "n_neurons": "integer"}
    cfg = study.config_for({"neuron.tau_m.mean": 12.0, "n_neurons": 77, "input.encoding": "poisson"})
    assert cfg.neuron.tau_m.mean == 12.0 and cfg.n_neurons == 77


def test_finds_known_minimum_of_analytic_objective(tmp_path):
    run = run_study(load_study(write(tmp_path, calls=30)), out_dir=tmp_path, progress=False)
    best = run.best
    assert len(run.trials) == 30
    assert best.objective < 1.05
    assert abs(best.params["neuron.tau_m.mean"] - 30.0) < 8.0
    assert abs(best.params["neuron.tau_m.cv"] - 0.7) < 0.2
    assert any(t.status == "degenerate" and t.objective == 50.0 for t in run.trials)
    summary = save_outputs(run, tmp_path, with_baseline=False)
    assert Path(summary["best_config"]).exists() and all(Path(p).stat().st_size > 0 for p in summary["plots"])


def test_a_search_trial_stops_at_its_first_degenerate_seed(tmp_path, monkeypatch):
    log = tmp_path / "seeds.log"
    monkeypatch.setenv("HRSNN_TEST_SEEDLOG", str(log))
    path = write(tmp_path, calls=12, fn="runaway_on_seed_1")
    path.write_text(path.read_text().replace("seeds = [0]", "seeds = [0, 1, 2]"))
    run = run_study(load_study(path), out_dir=tmp_path, progress=False)
    runaway = [t.params["neuron.tau_m.mean"] > 100 for t in run.trials]
    assert 0 < sum(runaway) < len(runaway)
    for t, away in zip(run.trials, runaway):
        assert t.status == ("degenerate" if away else "ok")
        assert [r["seed"] for r in t.results] == ([0, 1] if away else [0, 1, 2])
    assert log.read_text().split("\n")[:-1] == [str(s) for t in run.trials for s in (0, 1, 2)[:len(t.results)]]


def test_existing_store_needs_resume_and_foreign_files_are_refused(tmp_path):
    study = load_study(write(tmp_path, calls=8))
    run_study(study, out_dir=tmp_path, progress=False)
    with pytest.raises(StudyError, match="exists; pass --resume"):
        run_study(study, out_dir=tmp_path, progress=False)
    changed = load_study(write(tmp_path, calls=8, extra='[set]\nn_neurons = 123\n'))
    with pytest.raises(StudyError, match="different study definition"):
        run_study(changed, resume=True, out_dir=tmp_path, progress=False)
    (tmp_path / "junk.sqlite").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StudyError, match=r"junk.sqlite: not an hrsnn study database \(file is not a database\)"):
        TrialStore(tmp_path / "junk.sqlite", load_study(write(tmp_path, name="junk")), resume=True)
    db = sqlite3.connect(tmp_path / "other.sqlite")
    db.execute("CREATE TABLE x (y)")
    db.commit()
    db.close()
    with pytest.raises(StudyError, match="not an hrsnn study database"):
        TrialStore(tmp_path / "other.sqlite")


def test_store_resumes_when_only_searched_fields_of_the_base_change(tmp_path):
    study = load_study(write(tmp_path, calls=8))
    run_study(study, out_dir=tmp_path, progress=False)
    kind = ReservoirConfig().neuron.tau_m.kind                 # the default's family; the other one below
    other_kind = "gamma" if kind == "lognormal" else "lognormal"
    tau_m = '[set]\n"neuron.tau_m" = {{ dist = "{}", mean = 70.0, cv = 1.3 }}\n'
    moved = load_study(write(tmp_path, calls=8, extra=tau_m.format(kind)))
    assert moved.base.neuron.tau_m.mean == 70.0 and moved.fingerprint == study.fingerprint
    run = run_study(moved, resume=True, out_dir=tmp_path, progress=False)
    assert len(run.trials) == 8
    other = load_study(write(tmp_path, calls=8, extra=tau_m.format(other_kind)))
    assert other.fingerprint != study.fingerprint          # the distribution's kind is not searched
    db = sqlite3.connect(tmp_path / "s.sqlite")               # a store stamped before searched fields were left out
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'", (study.fingerprints[1],))
    db.close()
    assert study.fingerprints[1] != study.fingerprint
    assert len(run_study(study, resume=True, out_dir=tmp_path, progress=False).trials) == 8


def test_kill_and_resume_loses_and_duplicates_nothing_and_asks_what_an_uninterrupted_run_asks(tmp_path):
    path = write(tmp_path, name="killme", calls=14, workers=2, fn="slow_bowl", batch=2)
    cmd = [sys.executable, "-m", "hrsnn", "optimize", str(path), "--dir", str(tmp_path), "--quiet", "--no-baseline"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    store = tmp_path / "killme.sqlite"
    kill_after_trials(cmd, env, store, 5)          # kill -9, workers included
    before = {t.id: t for t in TrialStore(store).trials()}
    assert 5 <= len(before) < 14
    out = subprocess.run(cmd + ["--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    after = TrialStore(store).trials()
    assert len(after) == 14
    assert sorted(t.id for t in after) == list(range(1, 15))
    by_id = {t.id: t for t in after}
    assert all(by_id[i].params == t.params and by_id[i].objective == t.objective for i, t in before.items())
    keys = [json.dumps(t.params, sort_keys=True) for t in after]
    assert len(set(keys)) == len(keys)
    whole = run_study(load_study(write(tmp_path, name="whole", calls=14, fn="bowl", batch=2)),
                      out_dir=tmp_path, progress=False)
    assert [(t.asked, t.params, t.objective) for t in after] == [(t.asked, t.params, t.objective) for t in whole.trials]


def test_study_show_and_export(tmp_path):
    run_study(load_study(write(tmp_path, name="shown", calls=7)), out_dir=tmp_path, progress=False)
    cmd = [sys.executable, "-m", "hrsnn", "study"]
    show = subprocess.run(cmd + ["show", "shown", "--dir", str(tmp_path)], capture_output=True, text=True)
    assert show.returncode == 0 and "best: trial #" in show.stdout and "neuron.tau_m.cv" in show.stdout
    export = subprocess.run(cmd + ["export", "shown", "--dir", str(tmp_path)], capture_output=True, text=True)
    assert export.returncode == 0
    rows = (tmp_path / "shown.csv").read_text().strip().splitlines()
    assert len(rows) == 8 and rows[0].startswith("id,status,objective")
    missing = subprocess.run(cmd + ["show", "nope", "--dir", str(tmp_path)], capture_output=True, text=True)
    assert missing.returncode == 2 and "no such study" in missing.stderr


REAL = """
name = "tiny"
calls = 4
initial_points = 3
seeds = [0]
workers = {workers}
target = "numpy"
[set]
n_neurons = 60
dt = 0.25
"task.train_steps" = 40
"task.eval_steps" = 300
"task.washout" = 20
"task.k_max" = 10
[space."neuron.tau_m.cv"]
low = 0.0
high = 1.5
"""


def test_small_real_study_on_a_tiny_reservoir(tmp_path):
    (tmp_path / "tiny.toml").write_text(REAL.format(workers=2))
    run = run_study(load_study(tmp_path / "tiny.toml"), out_dir=tmp_path, progress=False)
    assert len(run.trials) == 4 and run.best is not None
    for t in run.trials:
        assert t.status in ("ok", "degenerate") and t.results[0]["seed"] == 0
        if t.status == "ok":
            assert t.objective == pytest.approx(t.rate_hz / t.mc, rel=1e-9)
    summary = save_outputs(run, tmp_path)
    twin = summary["comparison"]["homogeneous twin"]
    assert set(summary["comparison"]) == {"optimized", "homogeneous twin"} and twin["mc"] > 0


def test_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    (tmp_path / "tiny.toml").write_text(REAL.format(workers=2).replace('name = "tiny"', 'name = "dasked"'))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run = run_study(load_study(tmp_path / "tiny.toml"), out_dir=tmp_path, scheduler=cluster.scheduler_address,
                        progress=False)
    assert len(run.trials) == 4 and all(t.status != "failed" for t in run.trials), [t.error for t in run.trials]


def test_fingerprints_leave_out_later_fields_at_their_defaults_but_see_them_changed():
    from optimize.search.study import _fingerprint_base
    base = _fingerprint_base(ReservoirConfig())
    assert "topology" not in base and "ip" not in base and "capacity" not in base["task"]
    changed = _fingerprint_base(ReservoirConfig().with_updates({"topology.kind": "scml", "task.capacity": "ipc"}))
    assert changed["topology"]["kind"] == "scml" and changed["task"]["capacity"] == "ipc" and "ip" not in changed
