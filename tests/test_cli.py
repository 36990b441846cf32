import json
import subprocess
import sys
import tomllib

import pytest

from hrsnn import ReservoirConfig

from .conftest import TARGET

SMALL = ["--set", "n_neurons=60", "--set", "dt=0.25", "--set", "task.train_steps=40",
         "--set", "task.eval_steps=300", "--set", "task.washout=20", "--set", "task.k_max=10"]


def hrsnn(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "hrsnn", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_help_lists_commands():
    out = hrsnn("--help")
    assert out.returncode == 0
    for command in ("evaluate", "compare", "config", "classify", "predict", "datasets", "reproduce", "optimize"):
        assert command in out.stdout


def test_config_show_is_the_default_in_file_format():
    out = hrsnn("config", "show")
    assert out.returncode == 0
    assert ReservoirConfig.from_dict(tomllib.loads(out.stdout)) == ReservoirConfig()
    out = hrsnn("config", "show", "--format", "json", "--set", "neuron.tau_m.cv=0.25", "--set", "input.step=10 ms")
    data = json.loads(out.stdout)
    assert data["neuron"]["tau_m"]["cv"] == 0.25 and data["input"]["step"] == 10.0


def test_errors_are_one_line():
    out = hrsnn("config", "show", "--set", "synapses.p_ee=2")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "hrsnn: error: synapses.p_ee: 2 outside the allowed range [0, 1]"]
    out = hrsnn("evaluate", "--config", "no/such/file.toml")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1


def test_evaluate_end_to_end(tmp_path):
    out = hrsnn("evaluate", *SMALL, "--seed", "3", "--target", TARGET, "--quiet", "--json",
                "--out", str(tmp_path / "r.json"))
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    saved = json.loads((tmp_path / "r.json").read_text())
    assert printed["seed"] == saved["seed"] == 3
    assert printed["E"] == saved["E"] and printed["memory_capacity"] > 0
    assert saved["config"]["n_neurons"] == 60
    table = hrsnn("evaluate", *SMALL, "--homogeneous", "--target", TARGET, "--quiet",
                  "--out", str(tmp_path / "h.json"))
    assert table.returncode == 0 and "E = rate / MC" in table.stdout
    mean = ReservoirConfig().neuron.tau_m.mean
    assert json.loads((tmp_path / "h.json").read_text())["config"]["neuron"]["tau_m"] == mean   # the twin: a constant


def test_compare_writes_table_and_plot(tmp_path):
    out = hrsnn("compare", *SMALL, "--seeds", "0", "1", "--target", TARGET, "--quiet", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "HRSNN" in out.stdout and "MRSNN" in out.stdout
    assert (tmp_path / "compare.png").stat().st_size > 10_000
    summary = json.loads((tmp_path / "compare.json").read_text())["summary"]
    assert [row["model"] for row in summary] == ["HRSNN", "MRSNN"] and summary[0]["seeds"] == [0, 1]


@pytest.mark.parametrize("command", [
    ["evaluate", "--seed", "-1"], ["compare", "--seeds", "0", "-1"], ["evaluate", "--seed", "4294967296"],
    ["classify", "--dataset", "GunPoint", "--model", "linear", "--seed", "-1"],
    ["predict", "--task", "narma10", "--model", "linear", "--seed", "-1"]])
def test_a_bad_seed_is_one_line_on_every_command(command):
    out = hrsnn(*command, *SMALL, "--quiet")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert lines[0].startswith("hrsnn: error: seed") and "[0, 4294967295]" in lines[0]


def test_shipped_picks_run_as_models(tmp_path):
    small = ReservoirConfig(n_neurons=40, dt=0.25)
    for study, model, n in (("memory", "hrsnn-bo", 40), ("narma10", "mrsnn-bo", 30)):
        (tmp_path / study).mkdir()
        small.with_updates({"n_neurons": n}).save(tmp_path / study / f"{model}.toml")
    env = {"HRSNN_PICKS": str(tmp_path)}
    args = ["--n-steps", "400", "--no-e", "--json", "--quiet", "--target", TARGET]
    own = _run_env(env, "predict", "--task", "narma10", "--model", "mrsnn-bo", *args)
    assert own.returncode == 0, own.stderr
    assert json.loads(own.stdout)["model"] == "mrsnn-bo" and "narma10/mrsnn-bo.toml" in own.stderr
    fallback = _run_env(env, "predict", "--task", "narma10", "--model", "hrsnn-bo", "--set", "n_neurons=20", *args)
    assert fallback.returncode == 0 and "memory/hrsnn-bo.toml" in fallback.stderr
    missing = _run_env({"HRSNN_PICKS": str(tmp_path / "none")}, "predict", "--task", "narma10", "--model",
                       "hrsnn-bo", *args)
    assert missing.returncode == 2 and missing.stderr.strip().splitlines()[-1].startswith("hrsnn: error: model: no")


def _run_env(env, *args):
    import os
    return subprocess.run([sys.executable, "-m", "hrsnn", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


def test_the_picks_help_says_which_pick_a_set_without_a_front_gets():
    out = subprocess.run([sys.executable, "-m", "hrsnn", "classify", "--help"], capture_output=True, text=True)
    assert "else the memory protocol's" in " ".join(out.stdout.split())
