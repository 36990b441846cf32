"""The SC-ML architecture search end to end in small, its comparison with matched random wiring, and bad files."""
import json
from pathlib import Path

import pytest

from optimize.search.checks import StudyError
from optimize.studies.architecture import WIRINGS as MODELS
from optimize.studies.architecture import load_search, run_architecture

from .conftest import write_toml

ROOT = Path(__file__).resolve().parents[1]

SMALL = {
    "name": "scml-tiny", "arms": ["heterogeneous"], "calls": 3, "initial_points": 2, "seeds": [0], "eval_seeds": [10],
    "objective": "E", "penalty": "worst", "workers": 1,
    "set": {"n_neurons": 80, "topology.kind": "scml", "ip.enabled": True, "task.train_steps": 60,
            "task.eval_steps": 400, "task.washout": 20, "task.k_max": 10, "task.min_mc": 0.1},
    "space": {"topology.motif_size": {"type": "integer", "low": 5, "high": 20},
              "topology.p_inter": {"low": 0.02, "high": 0.2}, "ip.enabled": {"categories": [True, False]}},
    "compare": {"seeds": [20], "classify": ["GunPoint"], "predict": ["narma10"], "n_steps": 400, "max_train": 12},
}


def test_architecture_search_picks_an_scml_reservoir_and_compares_it_with_matched_random_wiring(tmp_path):
    path = write_toml(tmp_path / "search.toml", SMALL)
    report = run_architecture(path, tmp_path / "studies", tmp_path / "results", progress=False)
    text = report.read_text()
    for row in ("| memory (E, Hz/MC)", "| GunPoint (accuracy)", "| narma10 (NRMSE)", *MODELS):
        assert row in text
    out = json.loads((report.parent / "comparison.json").read_text())
    assert len(out["rows"]) == 2 * 3 and (report.parent / "comparison.png").exists()
    configs = out["configs"]
    assert configs[MODELS[0]]["topology"]["kind"] == "scml" and configs[MODELS[1]]["topology"]["kind"] == "random"
    scml, rand = (out["synapses"][m] for m in MODELS)
    assert abs(rand - scml) < 0.2 * scml                    # same synapse count in expectation
    assert all(r["seed"] == 20 for r in out["rows"])          # compared on the fresh seed only
    from hrsnn import ReservoirConfig
    assert ReservoirConfig.load(report.parent / "pick.toml").to_dict() == configs[MODELS[0]]
    again = run_architecture(path, tmp_path / "studies", tmp_path / "results", progress=False)
    assert again.read_text().split("\n")[4:] == text.split("\n")[4:]    # resumed: same trials, same comparison


def test_a_search_whose_picks_all_go_degenerate_reports_no_finite_pick(tmp_path):
    data = {**SMALL, "calls": 2, "set": {**SMALL["set"], "task.min_mc": 500.0}}    # no net of 80 reaches MC 500
    report = run_architecture(write_toml(tmp_path / "search.toml", data), tmp_path / "studies", tmp_path / "results",
                              progress=False)
    text = report.read_text()
    assert "**Verdict: no finite pick.**" in text and "heterogeneous" in text
    assert not (report.parent / "comparison.json").exists()


@pytest.mark.parametrize("change, message", [
    ({"compare": None}, r"compare: an architecture search needs a \[compare\] table"),
    ({"set": {"n_neurons": 80}}, "set.topology.kind: an architecture search needs \"scml\""),
    ({"compare": {"classify": ["Nope"]}}, "compare.classify: unknown dataset 'Nope'"),
    ({"compare": {"seeds": [0, 20]}}, r"compare.seeds: \[0\] are also search seeds"),
    ({"compare": {"seeds": [-1]}}, r"compare.seeds: a non-empty list of integers in \[0, 4294967295\]"),
    ({"compare": {"n_steps": 10}}, r"compare.n_steps: 10 outside the allowed range \[300, inf\)"),
    ({"compare": {"bins": 3}}, "compare.bins: unknown key"),
    ({"space": {"topology.p_intra": {"low": 0.5, "high": 1.5}}},
     r"space.topology.p_intra: topology.p_intra: 1.5 outside the allowed range \[0, 1\]"),
])
def test_bad_search_files_get_one_line_naming_the_key(tmp_path, change, message):
    data = {**SMALL, **change}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(StudyError, match=message):
        load_search(write_toml(tmp_path / "search.toml", data))


@pytest.mark.parametrize("name", ["scml-search", "scml-search-quick"])
def test_shipped_search_files_load(name):
    study, compare = load_search(ROOT / "experiments" / f"{name}.toml")
    assert study.base.topology.kind == "scml" and compare["classify"] and compare["predict"]
