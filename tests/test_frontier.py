"""The frontier experiment end to end on an analytic trial: fronts re-evaluated on fresh seeds only, compared
level by level, with a report, figures and picks; bad files refused with one line."""
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from optimize.search.checks import StudyError
from optimize.studies.frontier import load_frontier, run_frontier

from .conftest import write_toml

ROOT = Path(__file__).resolve().parents[1]

FILE = {
    "name": "front-tiny", "arms": ["heterogeneous", "homogeneous", "random"], "repeats": 2, "calls": 10,
    "initial_points": 4, "seeds": [0, 1], "eval_seeds": [10, 11, 12], "objective": "front", "workers": 2,
    "trial_function": "tests.analytic:front", "front_points": 5,
    "set": {"neuron.tau_m": {"dist": "gamma", "mean": 20.0, "cv": 1.0}},      # the grid's heterogeneous CV: 1
    "space": {"input.scale": {"low": 50.0, "high": 1200.0, "prior": "log-uniform"},
              "neuron.tau_m.cv": {"low": 0.0, "high": 1.5}},
    "study": [{"name": "memory", "levels": [2, 4, 6, 8],
               "grid": {"input.scale": [100.0, 400.0, 1000.0]}, "grid_seeds": [20, 21]}],
}


def test_fronts_are_reevaluated_on_fresh_seeds_only_and_compared(tmp_path, monkeypatch):
    log = tmp_path / "seeds.log"
    monkeypatch.setenv("HRSNN_TEST_SEEDLOG", str(log))
    report = run_frontier(write_toml(tmp_path / "f.toml", FILE), tmp_path / "studies", tmp_path / "results",
                          progress=False)
    s = json.loads((report.parent / "summary.json").read_text())["studies"]["memory"]
    calls = Counter(log.read_text().splitlines())
    fresh = {json.dumps(p["config"], sort_keys=True) for a in s["arms"].values()   # pooled and per-repeat fronts,
             for p in a["points"] + [q for r in a["repeats"] for q in r]}         # each config evaluated once
    fresh |= {json.dumps(p["config"], sort_keys=True) for a in s["convergence"]["fresh"]["arms"].values()
              for r in a["points"] for p in r}                                 # and the early fronts (convergence)
    n_points = len(fresh)
    assert all(len(s["arms"][a]["repeats"]) == 2 and all(p["repeat"] == r for r, ps in
               enumerate(s["arms"][a]["repeats"]) for p in ps) for a in ("heterogeneous", "homogeneous"))
    assert s["arms"]["random"]["repeats"] == []                  # a baseline: its pooled front only
    early = s["convergence"]["fresh"]["arms"]                   # each search's front of its first 8 of 10 trials
    assert set(early) == {"heterogeneous", "homogeneous"} and all(
        len(a["points"]) == 2 and all(p["trial"] < 8 and p["repeat"] == r for r, ps in enumerate(a["points"])
                                      for p in ps) and len(a["gain"]) == 3 for a in early.values())
    assert "On the fresh seeds (each search's front from its first 8 trials" in report.read_text()
    n_grid = sum(len(points) for points in s["grid"]["points"].values())
    assert calls["0"] == calls["1"] == 3 * 2 * 10               # every search trial, a seed at a time, on 0 and 1
    assert calls["20 21"] == 2 * 3                               # the grid, selected on its own seeds
    assert calls["10 11 12"] == n_points + n_grid + 1            # fronts (and the base config) on the fresh seeds
    assert sum(calls.values()) == 2 * 60 + 6 + n_points + n_grid + 1
    ref = s["reference"]
    assert len(ref["quality"]) == 3 and set(ref["needs"]) == {"heterogeneous", "homogeneous", "random"}
    assert s["levels"] == [2, 4, 6, 8]
    for arm in ("heterogeneous", "homogeneous", "random"):
        assert len(s["rate"][arm]) == 4 and len(s["hypervolume"][arm]) == 3
        for p in s["arms"][arm]["points"]:
            assert [round((q - p["quality"][0]) / 0.01) for q in p["quality"]] == [0, 1, 2]   # seeds 10, 11, 12
    # every level's needed rate by hand: the analytic model's mean MC (fresh seeds 10–12 add 0.11) and rate at each
    # front point's parameters, the cheapest point reaching the level
    for arm in ("heterogeneous", "homogeneous", "random"):
        points = [_analytic(p["params"]) for p in s["arms"][arm]["points"]]
        for level, got in zip(s["levels"], s["rate"][arm]):
            want = min((rate for mc, rate in points if mc >= level), default=None)
            assert (got is None) if want is None else got == pytest.approx([want, 0.0], rel=1e-12, abs=1e-12)
    # the grid (scales 100, 400, 1000; CV 1 vs 0 leave the rate at scale / 24 Hz): MC 2.94, 7.47, 9.75 (CV 0) and
    # 3.51, 8.95, 11.68 (CV 1): both need 100/24 Hz at MC 2 and 400/24 at MC 4 and 6; at MC 8 the homogeneous
    # grid needs 1000/24, the heterogeneous 400/24: a saving of 1 − 400/1000
    g = s["grid"]
    assert [r[0] for r in g["rate"]["homogeneous"]] == pytest.approx([100 / 24, 400 / 24, 400 / 24, 1000 / 24])
    assert [r[0] for r in g["rate"]["heterogeneous"]] == pytest.approx([100 / 24, 400 / 24, 400 / 24, 400 / 24])
    assert [x[0] for x in g["saving"]] == pytest.approx([0.0, 0.0, 0.0, 0.6]) and all(x[1] == 0 for x in g["saving"])
    c_ref = g["c_ref"]
    for arm, cv in (("homogeneous", 0.0), ("heterogeneous", 1.0)):   # area under c_ref of the three-step staircase
        (m1, r1), (m2, r2), (m3, r3) = (_analytic({"input.scale": x, "neuron.tau_m.cv": cv}) for x in (100, 400, 1000))
        hv = m1 * (c_ref - r1) + (m2 - m1) * (c_ref - r2) + (m3 - m2) * (c_ref - r3)
        assert g["hypervolume"][arm][0] == pytest.approx(hv, rel=1e-12)
    assert c_ref == pytest.approx(1.1 * max(np.mean(p["cost"]) for a in list(s["arms"].values()) + [
        {"points": pts} for pts in g["points"].values()] for p in a["points"]), rel=1e-12)
    # the heterogeneous search front (whose arm may choose cv) covers more area
    assert s["hypervolume"]["heterogeneous"][0] > s["hypervolume"]["homogeneous"][0]
    assert s["heterogeneous_ahead"] and "heterogeneous needs" in s["pooled_verdict"]
    # across searches: each repeat's own front, the headline verdict, and the convergence of every arm
    r = s["by_repeat"]
    assert r["repeats"] == 2 and r["seeds"] == 3 and r["levels"] == [2, 4, 6, 8]
    assert s["verdict"] == r["verdict"] and s["verdict"].startswith("Over 2 searches × 3 fresh seeds")
    assert set(s["convergence"]["arms"]) == {"heterogeneous", "homogeneous", "random"}
    assert all(len(a["mean"]) == 10 and np.all(np.diff(a["mean"]) >= 0) for a in s["convergence"]["arms"].values())
    assert (report.parent / "memory-convergence.png").exists() and "Across searches" in report.read_text()
    assert len(s["E"]["heterogeneous"]) == 4
    assert s["grid"]["levels"] == [2, 4, 6, 8] and "saving" in s["grid"]
    text = report.read_text()
    assert "Grid check" in text and "agrees on the sign of the saving" in text and (report.parent / "memory.png").exists()
    from hrsnn import ReservoirConfig
    from optimize.analysis.fronts import knee
    for model, arm in (("hrsnn-bo", "heterogeneous"), ("mrsnn-bo", "homogeneous")):
        shipped = ReservoirConfig.load(report.parent / "picks" / "memory" / f"{model}.toml")
        assert shipped == ReservoirConfig.from_dict(knee(s["arms"][arm]["points"])["config"])
    log_before = log.read_text()
    again = run_frontier(write_toml(tmp_path / "f.toml", FILE), tmp_path / "studies", tmp_path / "results",
                         progress=False)
    assert json.loads((again.parent / "summary.json").read_text())["studies"]["memory"]["rate"] == s["rate"]
    assert log.read_text() == log_before                       # resumed: stored trials, cached re-evaluations


def _analytic(params: dict) -> tuple[float, float]:
    """Mean MC over fresh seeds 10–12 and rate of ``tests.analytic.front`` at a point (CV 0 when not searched)."""
    scale, cv = params["input.scale"], params.get("neuron.tau_m.cv", 0.0)
    return (10 * (1 - math.exp(-scale / 300)) * (1 + 0.2 * cv) + 0.11, scale / 30 * (1 + 0.5 * abs(cv - 0.5)))


@pytest.mark.parametrize("change, message", [
    ({"objective": "E"}, 'objective: a frontier study needs "front"'),
    ({"arms": ["heterogeneous", "random"]}, "arms: a frontier compares the heterogeneous and homogeneous arms"),
    ({"levels": "1 2"}, "levels: a non-empty list of finite numbers"),
    ({"front_points": 1}, r"front_points: 1 outside the allowed range \[2, inf\)"),
    ({"grid": {"input.scale": [-5.0]}}, r"grid.input.scale: input.scale: -5 outside the allowed range"),
    ({"grid": {"input.scale": 3.0}}, r"grid: a table of field = \[values\]"),
    ({"grid": {"input.scale": [100.0]}, "grid_seeds": [10]}, r"grid_seeds: \[10\] are also eval_seeds"),
    ({"drop": ["task.train_steps"]}, r"drop: a list of searched fields \(input.scale, neuron.tau_m.cv\)"),
    ({"drop": ["input.scale", "neuron.tau_m.cv"]}, "drop: at least one dimension must remain"),
])
def test_bad_frontier_files_get_one_line(tmp_path, change, message):
    data = {**FILE, "study": [{"name": "memory"}], **change}
    with pytest.raises(StudyError, match=message):
        load_frontier(write_toml(tmp_path / "f.toml", data))


@pytest.mark.parametrize("name", ["frontier", "frontier-quick", "frontier-demo"])
def test_shipped_frontier_files_load(name):
    """Fair arms in every shipped study: the homogeneous arm's space is the heterogeneous one with every spread and
    family dropped and each mean searching its constant over the same range, its base the twin and nothing else
    changed; the no-STDP arm differs from the heterogeneous one only in stdp.enabled."""
    import dataclasses

    from optimize.search.arms import MEANS, SPREADS, derive
    _, studies = load_frontier(ROOT / "experiments" / f"{name}.toml")
    assert studies and all(s.objective == "front" for s in studies)
    for s in studies:
        het, hom = derive(s, "heterogeneous", 0), derive(s, "homogeneous", 0)
        kept = [d for d in het.space if d.field.split(".")[-1] not in SPREADS or d.field.count(".") < 2]
        as_constant = [dataclasses.replace(d, field=d.field.rsplit(".", 1)[0])
                       if d.field.count(".") == 2 and d.field.split(".")[-1] in MEANS else d for d in kept]
        assert list(hom.space) == as_constant
        assert hom.base == s.base.homogeneous() and hom.base.homogeneous() == hom.base
        assert (hom.calls, hom.seeds, hom.random_state, hom.batch) == (het.calls, het.seeds, het.random_state,
                                                                      het.batch)
        if "no-STDP" in s.arms:
            off = derive(s, "no-STDP", 0)
            assert off.space == het.space and off.base == het.base.with_updates({"stdp.enabled": False})
    if name != "frontier-demo":                      # the full HRSNN: neuron and STDP spreads, family, plasticity
        fields = {d.field for d in derive(studies[0], "heterogeneous", 0).space}
        assert {"neuron.tau_m.cv", "neuron.tau_m.dist", "neuron.v_th.std", "neuron.t_ref.cv", "neuron.tau_syn.cv",
                "stdp.tau_plus.cv",
                "stdp.tau_minus.cv", "stdp.a_plus.cv", "stdp.a_minus.cv", "task.train_steps",
                "stdp.a_plus.mean"} <= fields
        claims = {"heterogeneous", "homogeneous", "no-STDP", "HeNHoS"}      # the arms the memory claims compare
        assert set(studies[0].arms) == (claims | {"HoNHeS", "random"} if name == "frontier-quick" else claims)
        for s in studies[1:]:                        # a task's plastic phase is its training pass: not searched
            assert s.task and {d.field for d in s.space} == fields - {"task.train_steps"}


def test_an_independent_rerun_of_chosen_studies(tmp_path):
    """--random-state reruns every search from another random state; --study runs only the studies named."""
    from optimize.search.arms import derive
    path = write_toml(tmp_path / "f.toml", {**FILE, "calls": 6, "study": [{"name": "memory"}, {"name": "other"}]})
    _, studies = load_frontier(path, {"random_state": 100})
    assert [derive(s, "homogeneous", 2).random_state for s in studies] == [102, 102]
    report = run_frontier(path, tmp_path / "studies", tmp_path / "results", progress=False, only=["other"],
                          overrides={"random_state": 100})
    summary = json.loads((report.parent / "summary.json").read_text())
    assert list(summary["studies"]) == ["other"] and summary["source"].endswith("--random-state 100 --study other")
    assert f"hrsnn frontier {path} --random-state 100 --study other`" in report.read_text()
    with pytest.raises(StudyError, match="study: 'nope' is not in f.toml; it has memory, other"):
        run_frontier(path, tmp_path / "studies", tmp_path / "results", progress=False, only=["nope"])


def test_calls_arms_and_repeats_options_beat_the_files_own_values(tmp_path):
    """--calls, --arm and --repeats override every study's budget, arms and searches, its own [[study]] values
    too, and the report's command line names them."""
    from optimize.studies.frontier import rerun_flags
    study = {"name": "memory", "calls": 6, "arms": ["heterogeneous", "homogeneous", "random"]}
    path = write_toml(tmp_path / "f.toml", {**FILE, "calls": 8, "study": [study]})
    _, (s,) = load_frontier(path)
    assert s.calls == 6 and s.arms == ("heterogeneous", "homogeneous", "random")
    over = {"calls": 12, "arms": ["heterogeneous", "homogeneous"], "repeats": 4}
    _, (s,) = load_frontier(path, over)
    assert s.calls == 12 and tuple(s.arms) == ("heterogeneous", "homogeneous") and s.repeats == 4
    assert rerun_flags({**over, "random_state": 3}, ["memory"]) == (
        " --random-state 3 --calls 12 --arm heterogeneous --arm homogeneous --repeats 4 --study memory")
    with pytest.raises(StudyError, match="arms: a frontier compares the heterogeneous and homogeneous arms"):
        load_frontier(path, {"arms": ["heterogeneous"]})


def test_a_study_set_adds_to_the_shared_one(tmp_path):
    study = {"name": "memory", "set": {"n_neurons": 300}}
    _, (s,) = load_frontier(write_toml(tmp_path / "f.toml", {**FILE, "study": [study]}))
    assert s.base.n_neurons == 300 and s.base.neuron.tau_m.cv == 1.0     # its own and the shared override


def test_front_points_are_chosen_evenly_over_the_quality_range():
    from optimize.analysis.fronts import front_of, knee
    points = [{"search": [q, c]} for q, c in ((0, 1), (1, 2), (1.5, 3), (2, 4), (5, 5), (10, 6), (1, 10))]
    assert [p["search"][0] for p in front_of(points, 3)] == [0, 5, 10]          # (1, 10) is dominated
    assert len(front_of(points, 20)) == 6
    # the knee: farthest from the chord between the ends with quality and cost scaled to [0, 1]
    bent = [{"search": [q, c]} for q, c in ((0, 1.0), (5, 30.0), (8, 12.0), (10, 100.0))]
    assert knee(bent)["search"] == [8, 12.0]          # (0.8, 0.11) lies 0.49 from the chord, (0.5, 0.29) 0.15


def test_the_grid_check_weighs_each_disagreement_against_the_methods_gap():
    from optimize.report.frontier import _grid_agreement
    rate = {"heterogeneous": [[1.0, 0], [2.0, 0], [3.0, 0]], "homogeneous": [[1.2, 0], [1.8, 0], [2.0, 0]]}
    grid_rate = {"heterogeneous": [[1.0, 0], [2.0, 0], [1.0, 0]], "homogeneous": [[1.25, 0], [2.25, 0], [2.0, 0]]}
    s = {"task": None, "quality": "MC", "levels": [1, 2, 3], "rate": rate,
         "saving": [[1 - 1.0 / 1.2, 0], [1 - 2.0 / 1.8, 0], [-0.5, 0]],
         "grid": {"fields": {"input.scale": [1.0]}, "seeds": [0], "rate": grid_rate,
                  "saving": [[0.2, 0], [1 - 2.0 / 2.25, 0], [0.5, 0]]}}
    text = _grid_agreement(s)
    # MC 1: same sign; MC 2: savings 11 % (search) and 11 % (grid) against a 20 % gap (homogeneous 2.25 → 1.8);
    # MC 3: 50 % against a 200 % gap (heterogeneous 1 → 3)
    assert "agrees on the sign of the saving at 1 of the 3 levels both reach" in text
    assert "per MC level, 2: 11% vs 20%, 3: 50% vs 200%: the saving is no larger than that gap at 2 of these 2" in text


def test_the_report_says_where_on_each_front_stdp_moved_the_weights():
    from optimize.report.frontier import stdp_lines
    point = lambda mc, dw: {"quality": [mc, mc], "weight_change": dw}            # noqa: E731
    s = {"task": None, "quality": "MC", "arms": {
        "heterogeneous": {"points": [point(2.0, [0.01, 0.02]), point(5.0, [0.04, 0.08]), point(7.0, [0.2, None])]},
        "homogeneous": {"points": [point(3.0, [0.0, 0.0])]}}}
    assert stdp_lines(s) == [
        "- heterogeneous: STDP moved the E→E weights by more than 5% (mean |Δw| / w_init over the fresh seeds) at 2 "
        "of its 3 front points (MC 5–7).",
        "- homogeneous: STDP moved the E→E weights by more than 5% (mean |Δw| / w_init over the fresh seeds) at 0 "
        "of its 1 front points."]


def test_a_frontier_is_the_same_on_one_worker_and_on_two(tmp_path):
    """Two workers run a study's searches at once (optimize.run.arms); one runs them in turn: same summary."""
    out = {}
    for workers in (1, 2):
        data = {**FILE, "workers": workers, "study": [{"name": "memory", "levels": [2, 4, 6, 8]}]}
        report = run_frontier(write_toml(tmp_path / f"f{workers}.toml", data), tmp_path / f"s{workers}",
                              tmp_path / f"r{workers}", progress=False)
        out[workers] = json.loads((report.parent / "summary.json").read_text())["studies"]
    assert out[1] == out[2]
