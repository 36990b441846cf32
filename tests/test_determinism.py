"""A study's trials are a function of its seeds and settings: not of the worker count, the order trials finish in,
an interruption, or the last bits of the values a processor returns."""
import sqlite3

import pytest

from optimize import load_study, run_study

from .conftest import write_toml

GP = {"calls": 12, "initial_points": 4, "random_state": 3, "seeds": [0], "batch": 2, "penalty": 50.0,
      "space": {"neuron.tau_m.mean": {"low": 5.0, "high": 200.0}, "neuron.tau_m.cv": {"low": 0.0, "high": 2.0}}}
FRONT = {"calls": 12, "initial_points": 4, "random_state": 3, "seeds": [0], "batch": 2, "objective": "front",
         "space": {"input.scale": {"low": 50.0, "high": 1500.0, "prior": "log-uniform"},
                   "neuron.tau_m.cv": {"low": 0.0, "high": 1.5}}}


def _trials(tmp_path, name: str, spec: dict, **keys) -> list[tuple]:
    study = load_study(write_toml(tmp_path / f"{name}.toml", {**spec, "name": name, **keys}))
    run = run_study(study, out_dir=tmp_path, progress=False)
    return [(t.asked, t.params, t.objective, t.status) for t in run.trials]


@pytest.mark.parametrize("spec, fn", [(GP, "shuffled_bowl"), (FRONT, "shuffled_front")], ids=["GP", "ParEGO"])
def test_one_worker_and_two_ask_and_store_the_same_trials(tmp_path, spec, fn):
    one = _trials(tmp_path, "w1", spec, workers=1, trial_function=f"tests.analytic:{fn}")
    two = _trials(tmp_path, "w2", spec, workers=2, trial_function=f"tests.analytic:{fn}")
    assert [t[0] for t in one] == list(range(12))
    assert one == two
    ids = [r[0] for r in sqlite3.connect(tmp_path / "w2.sqlite").execute("SELECT asked FROM trials ORDER BY id")]
    assert ids != sorted(ids), "the two workers' trials should have finished out of order at least once"


def test_the_batch_is_a_setting_of_the_search(tmp_path):
    fn = {"trial_function": "tests.analytic:bowl"}
    assert _trials(tmp_path, "b2", GP, **fn) != _trials(tmp_path, "b1", GP, batch=1, **fn)


@pytest.mark.parametrize("spec, fn", [(GP, "bowl"), (FRONT, "front")], ids=["GP", "ParEGO"])
def test_resumed_mid_batch_asks_what_an_uninterrupted_run_asks(tmp_path, spec, fn):
    keys = {"batch": 3, "trial_function": f"tests.analytic:{fn}"}
    whole = _trials(tmp_path, "whole", spec, **keys)
    cut = _trials(tmp_path, "cut", spec, **keys)
    db = sqlite3.connect(tmp_path / "cut.sqlite")       # killed while 7 ran: 6 and 8 had finished, 9 on never ran
    with db:
        db.execute("DELETE FROM trials WHERE asked = 7 OR asked > 8")
    kept = dict(db.execute("SELECT asked, finished FROM trials WHERE asked IN (6, 8)"))
    db.close()
    study = load_study(write_toml(tmp_path / "cut.toml", {**spec, "name": "cut", **keys}))
    resumed = run_study(study, resume=True, out_dir=tmp_path, progress=False)
    assert [(t.asked, t.params, t.objective, t.status) for t in resumed.trials] == whole == cut
    assert {t.asked: t.finished for t in resumed.trials if t.asked in (6, 8)} == kept   # reused, not rerun


def test_the_last_bit_of_an_objective_does_not_steer_the_search(tmp_path):
    exact = _trials(tmp_path, "exact", GP, trial_function="tests.analytic:bowl")
    off = _trials(tmp_path, "off", GP, trial_function="tests.analytic:last_bit_bowl")
    assert [t[1] for t in exact] == [t[1] for t in off]
    assert any(a[2] != b[2] for a, b in zip(exact, off) if a[3] == "ok")       # the values did differ


def test_a_rounded_asked_value_stays_inside_its_bounds():
    from optimize.search.space import Dimension
    d = Dimension("input.scale", "real", 0.12345678901234, 0.98765432109876)
    assert d.asked(0.12345678901234) == 0.12345678901234          # would round up past the low bound's digits
    assert d.asked(0.98765432109876) == 0.98765432109876
    assert d.asked(0.5000000000012345) == 0.5 and Dimension("n", "integer", 1, 9).asked(3) == 3


def test_a_store_a_longer_budget_extended_gives_the_shorter_study_its_own_trials(tmp_path):
    keys = {"trial_function": "tests.analytic:front"}
    short = _trials(tmp_path, "short", FRONT, calls=8, **keys)
    study = load_study(write_toml(tmp_path / "long.toml", {**FRONT, "name": "short", "calls": 12, **keys}))
    assert len(run_study(study, resume=True, out_dir=tmp_path, progress=False).trials) == 12
    study = load_study(write_toml(tmp_path / "again.toml", {**FRONT, "name": "short", "calls": 8, **keys}))
    assert [(t.asked, t.params, t.objective, t.status)
            for t in run_study(study, resume=True, out_dir=tmp_path, progress=False).trials] == short
