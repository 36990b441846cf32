"""Choosing the operating point: candidates scored on validation hold-outs and E, ranked; bad files refused."""
import json
from pathlib import Path

import pytest

from optimize.search.checks import StudyError
from optimize.studies.operating import _default, load_operating, rank, run_operating

from .conftest import write_toml

ROOT = Path(__file__).resolve().parents[1]

TINY = {
    "name": "op-tiny", "workers": 1,
    "set": {"n_neurons": 80, "task.train_steps": 60, "task.eval_steps": 400, "task.washout": 20, "task.k_max": 10},
    "candidates": {"a": {}, "b": {"input.scale": 800.0, "input.bias": 50.0}},
    "compare": {"seeds": [20], "classify": ["GunPoint"], "predict": ["narma10"], "n_steps": 400, "max_train": 12},
}


def test_candidates_are_scored_on_validation_hold_outs_and_the_lowest_mean_rank_is_picked(tmp_path):
    from optimize.run.trials import task_trial
    from optimize.search.objectives import check_task
    report = run_operating(write_toml(tmp_path / "op.toml", TINY), results_dir=tmp_path, progress=False)
    out = json.loads((report.parent / "comparison.json").read_text())
    assert len(out["rows"]) == 2 * 3 and all(r["seed"] == 20 for r in out["rows"])
    spec = load_operating(write_toml(tmp_path / "op.toml", TINY))
    cell = next(r for r in out["rows"] if r["model"] == "b" and r["task"] == "GunPoint")
    task = check_task({"kind": "classify", "dataset": "GunPoint", "max_train": 12})
    assert cell["score"] == task_trial(spec["candidates"]["b"].to_dict(), [20], task=task)[0]["score"]
    pick = out["ranking"]["pick"]
    assert out["ranking"]["mean_rank"][pick] == min(out["ranking"]["mean_rank"].values())
    from hrsnn import ReservoirConfig
    assert ReservoirConfig.load(report.parent / "pick.toml") == spec["candidates"][pick]
    assert f"**Pick: {pick}**" in report.read_text() and (report.parent / "comparison.png").exists()


def test_a_rerun_reuses_the_stored_cells_and_scores_only_a_new_candidate(tmp_path, monkeypatch):
    import optimize.studies.comparison as comparison
    first = run_operating(write_toml(tmp_path / "op.toml", TINY), results_dir=tmp_path, progress=False).read_text()
    ran = []
    monkeypatch.setattr(comparison, "_cell", lambda job: ran.append(job[0]) or {
        "model": job[0], "kind": job[1], "task": job[2], "seed": job[4], "score": 0.5, "spikes_per_sample": 1.0,
        "rate_hz": 1.0, "memory_capacity": 1.0, "degenerate": False})
    again = run_operating(write_toml(tmp_path / "op.toml", TINY), results_dir=tmp_path, progress=False).read_text()
    assert ran == [] and again.split("\n")[4:] == first.split("\n")[4:]
    more = {**TINY, "candidates": {**TINY["candidates"], "c": {"input.scale": 400.0}}}
    run_operating(write_toml(tmp_path / "op.toml", more), results_dir=tmp_path, progress=False)
    assert ran == ["c"] * 3


def test_candidates_below_min_mc_are_reported_but_not_ranked(tmp_path):
    path = write_toml(tmp_path / "op.toml", {**TINY, "min_mc": 1e4})
    report = run_operating(path, results_dir=tmp_path, progress=False)
    out = json.loads((report.parent / "comparison.json").read_text())
    assert out["eligible"] == [] and out["ranking"] is None and not (report.parent / "pick.toml").exists()
    assert "**No pick**: no candidate reaches MC 10000" in report.read_text()


def _row(model, kind, task, score, spikes, seed=0):
    return {"model": model, "kind": kind, "task": task, "score": score, "spikes_per_sample": spikes, "seed": seed,
            "degenerate": False}


def test_rank_prices_spikes_and_breaks_ties_toward_the_earlier_candidate():
    w = {"classify": 0.05, "predict": 2.0}
    rows = [_row("a", "memory", "memory", 3.0, 50), _row("b", "memory", "memory", 2.0, 40),
            _row("a", "predict", "mg", 0.030, 10), _row("b", "predict", "mg", 0.029, 20),   # b's 0.001 < 0.02 price
            _row("a", "classify", "gp", 0.90, 1000), _row("b", "classify", "gp", 0.95, 1000)]
    r = rank(rows, w)
    assert r["ranks"] == {"memory": [2, 1], "mg": [1, 2], "gp": [2, 1]} and r["pick"] == "b"
    tie = rank(rows[:4], w)
    assert tie["mean_rank"] == {"a": 1.5, "b": 1.5} and tie["pick"] == "a"
    ref = rank(rows, w, references=("b",))
    assert ref["ranks"] == r["ranks"] and ref["pick"] == "a"        # a reference is ranked, never picked
    assert rank(rows, w, references=("a", "b"))["pick"] is None


def test_a_degenerate_task_cell_ranks_last_on_its_task():
    w = {"classify": 0.05, "predict": 2.0}
    dead = {**_row("a", "classify", "gp", None, None, seed=1), "degenerate": True}   # stopped above max_rate
    rows = [_row("a", "classify", "gp", 0.99, 10), dead, _row("b", "classify", "gp", 0.6, 10),
            _row("b", "classify", "gp", 0.6, 10, seed=1)]
    r = rank(rows, w)
    assert r["values"]["gp"][0] == float("inf") and r["ranks"] == {"gp": [2, 1]} and r["pick"] == "b"


def test_the_pick_replaces_the_incumbent_default_only_when_it_ranks_ahead_of_it():
    w = {"classify": 0.05, "predict": 2.0}
    rows = [_row("a", "memory", "memory", 3.0, 50), _row("b", "memory", "memory", 1.0, 40),
            _row("c", "memory", "memory", 2.0, 40), _row("a", "predict", "mg", 0.030, 10),
            _row("b", "predict", "mg", 0.029, 20), _row("c", "predict", "mg", 0.5, 20)]
    ahead = rank(rows, w, references=("a",))                    # mean ranks a 2.0, b 1.5, c 2.5
    assert ahead["pick"] == "b" and _default(ahead, "a") == "b"
    behind = rank(rows, w, references=("b",))                   # the pick, a, ranks behind the incumbent b
    assert behind["pick"] == "a" and _default(behind, "b") == "b" and _default(behind, None) == "a"
    tied = rank([rows[0], rows[2], rows[3], rows[5]], w, references=("c",))    # a and c tie (1.5 each): a tie
                                                                                 # keeps the incumbent
    assert tied["pick"] == "a" and _default(tied, "c") == "c"


@pytest.mark.parametrize("change, message", [
    ({"candidates": {"a": {}}}, "candidates: a table of at least two named candidates"),
    ({"candidates": {"a": {}, "b": {"input.scale": -1.0}}}, r"candidates.b: input.scale: -1 outside the allowed"),
    ({"candidates": {"a": {}, "b": 3}}, "candidates.b: a table of dotted updates"),
    ({"weights": {"predict": -2.0}}, r"weights.predict: -2.0 outside the allowed range \[0, inf\)"),
    ({"weights": {"memory": 1.0}}, "weights.memory: unknown key"),
    ({"weights": 3}, "weights: a table such as"),
    ({"references": ["nope"]}, r"references: a list of candidate names"),
    ({"references": "a"}, r"references: a list of candidate names"),
    ({"references": ["a"], "incumbent": "b"}, r"incumbent: one of the references \(a\); got 'b'"),
    ({"compare": {**TINY["compare"], "split": "test"}}, "compare.split: an operating point is chosen on"),
    ({"compare": None}, r"compare: an operating-point choice needs a \[compare\] table"),
    ({"min_mc": -1.0}, r"min_mc: -1.0 outside the allowed range \[0, inf\)"),
    ({"workers": 0}, r"workers: 0 outside the allowed range \[1, inf\)"),
    ({"seeds": [0]}, "seeds: unknown key"),
    ({"front": {"summary": "none.json", "study": "memory", "arm": "heterogeneous"}},
     r"front.summary: no file .*none.json \(`make frontier` writes it\)"),
    ({"front": {"summary": "s.json"}}, "front: a table with summary, study and arm"),
    ({"front": {"summary": "op.toml", "study": "memory", "arm": "heterogeneous"}},
     r"front.summary: .*op.toml is not a `hrsnn frontier` summary.json"),
])
def test_bad_operating_point_files_get_one_line_naming_the_key(tmp_path, change, message):
    data = {k: v for k, v in {**TINY, **change}.items() if v is not None}
    with pytest.raises(StudyError, match=message):
        load_operating(write_toml(tmp_path / "op.toml", data))


def test_a_missing_file_is_named_once(tmp_path):
    with pytest.raises(StudyError) as e:
        load_operating(tmp_path / "none.toml")
    assert str(e.value).startswith(f"operating-point file {tmp_path / 'none.toml'}:")
    assert "file file" not in str(e.value)


def _point(mc: float, scale: float, **params) -> dict:
    from hrsnn import ReservoirConfig
    config = ReservoirConfig().with_updates({"n_neurons": 90, "input.scale": scale, **params})
    return {"search": [mc, 1.0], "params": {"input.scale": scale, **params}, "config": config.to_dict()}


def test_front_candidates_are_a_summary_s_points_above_min_mc_and_its_knees(tmp_path):
    arms = {"heterogeneous": {"points": [_point(6.04, 300.0), _point(2.0, 100.0), _point(6.02, 400.0)], "pick": 2},
            "homogeneous": {"points": [_point(4.0, 500.0, **{"neuron.tau_m": 12.0})], "pick": 0}}
    (tmp_path / "s.json").write_text(json.dumps({"studies": {"memory": {"arms": arms}}}))
    front = {"summary": "s.json", "study": "memory", "arm": "heterogeneous", "knees": ["homogeneous"]}
    spec = load_operating(write_toml(tmp_path / "op.toml", {**TINY, "min_mc": 5.0, "front": front}))
    assert list(spec["candidates"]) == ["front MC 6.0 (knee)", "front MC 6.040", "homogeneous knee", "a", "b"]
    knee = spec["candidates"]["homogeneous knee"]
    assert (knee.n_neurons, knee.input.scale, knee.neuron.tau_m.value) == (90, 500.0, 12.0)   # as evaluated
    assert spec["updates"]["front MC 6.040"] == {"input.scale": 300.0}
    bad = {**front, "arm": "HeNHoS"}
    with pytest.raises(StudyError, match="front: the memory study has no 'HeNHoS' front; it has heterogeneous"):
        load_operating(write_toml(tmp_path / "op.toml", {**TINY, "front": bad}))
