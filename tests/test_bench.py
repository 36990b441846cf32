"""``python -m hrsnn.bench`` end to end on a tiny network (the numbers are not checked: no timed assertions)."""
import json

import pytest

from hrsnn import bench


def test_bench_runs_all_paths_in_rounds_and_writes_the_report(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--sizes", "40", "--evals", "2", "--rounds", "2", "--large", "100", "200", "--driven", "100",
                       "--large-evals", "1", "--naive-target", "numpy", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["naive_target"] == "numpy"                      # the suite compiles no cython (conftest.TARGET)
    assert report["rounds"] == 2 and len(report["raw"]) == 2 * len(bench.PATHS) + 3
    assert sorted(len(r["eval_s"]) for r in report["raw"]) == [1] * (2 * len(bench.PATHS) + 3)   # one timed each
    [driven] = report["driven"]["sizes"]                          # the input-driven operating point, same columns
    [same] = [r for r in report["raw"] if r.get("large") == "default" and r["n_neurons"] == 100]
    assert driven["n_synapses"] == same["n_synapses"] and driven["events_per_eval"] != same["events"][0]
    large = report["large"]
    assert [r["n_neurons"] for r in large["sizes"]] == [100, 200] and large["exponent"] is not None
    for row in large["sizes"]:
        assert row["eval_s"] > 0 and row["events_per_s"] > 0 and row["peak_mem_mb"] >= row["base_mem_mb"] > 0
        assert row["synapse_mb"] * 2**20 == pytest.approx(132 * row["n_synapses"], rel=0.5)
    assert set(large["met"]) == {"exponent", "memory_over_synapses"}      # no N = 100 000 row here
    for row in report["sizes"]:
        assert row["spikes_agree"] and row["spikes_per_eval"] > 0
        for key in ("naive_s", "fast_s", "fast_1thread_s", "reference_s", "speedup_vs_naive", "fraction_of_reference"):
            assert row[key] > 0, key
    assert report["default_evaluation"]["median_s"] > 0 and report["kernel_first_s"] > 0
    for row in report["sizes"] + large["sizes"] + [driven]:       # the machine's limits, measured in the same run
        r = row["roofline"]
        assert r["triad_s_per_element"] > 0 and r["scatter_s_per_event"] > 0 and r["events"] > 0
        kernel = row["reference_s"] if "reference_s" in row else row["kernel_s"]      # the fast path's kernel
        assert row["fraction_of_roofline"] == pytest.approx(r["seconds"] / kernel)
    for row in large["sizes"] + [driven]:                         # split by the same network run without input
        assert 0 < row["silent_kernel_s"] and row["marginal_memory_over_synapses"] is None    # no size above a layer
        exact = row["exact_roofline"]
        assert row["fraction_of_exact_roofline"] == pytest.approx((exact["neurons_s"] + exact["events_s"])
                                                                  / row["kernel_s"])
        assert row["neurons_fraction"] == pytest.approx(exact["neurons_s"] / row["silent_kernel_s"])
        assert row["queue"]["queue_s_per_event"] > 0 and row["queue"]["queue_beside_neurons_s_per_event"] >= 0
    printed = capsys.readouterr().out
    assert "naive = Brian2 runtime, numpy target" in printed
    assert "fast/naive" in printed and "default evaluation" in printed and "kernel compile" in printed
    assert "large sizes, fast path, SC-ML" in printed and "synapses^" in printed and "input-driven" in printed


def test_bench_refuses_more_rounds_than_evaluations(capsys):
    with pytest.raises(SystemExit) as exit_:
        bench.main(["--evals", "2", "--rounds", "3"])
    assert exit_.value.code == 2
    assert "--rounds: 3 must be between 1 and --evals (2)" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--evals", "0"], "--evals: 0 must be at least 1"),
    (["--sizes", "500", "1", "--evals", "2"], "--sizes: n_neurons: 1 outside the allowed range [2, 1e+06]"),
    (["--large", "20"], "--large: topology.motif_size: 25 outside the allowed range [2, 20]"),
    (["--large-evals", "0"], "--large-evals: 0 must be at least 1"),
])
def test_bench_refuses_bad_sizes_and_evaluation_counts(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        bench.main(argv)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_memory_beyond_one_layer_is_the_marginal_figure():
    # 5 000 neurons peak at 600 MB with 60 MB of synapse records; one layer of the same protocol peaked at 500 MB
    # with 20 MB: (600 − 500) / (60 − 20) = 2.5, where the whole addition over the tiny warm-up is 400 / 60
    raw = {"n_neurons": 5000, "n_synapses": 400000, "eval_s": [2.0], "sim_s": [1.5], "kernel_s": [1.0],
           "events": [1e7], "spikes": [100], "simulated_s": 11.6, "first_s": 3.0, "synapse_mb": 60.0,
           "peak_mem_mb": 600.0, "base_mem_mb": 200.0, "layer": {"peak_mem_mb": 500.0, "synapse_mb": 20.0},
           "silent_kernel_s": 0.5, "path": "fast"}
    [row] = bench.large_rows([raw])["sizes"]
    assert row["memory_over_synapses"] == pytest.approx(400 / 60)
    assert row["marginal_memory_over_synapses"] == pytest.approx(2.5)


def test_the_protocol_text_is_the_configs():
    cfg = bench.bench_config(50).with_updates({"task.train_steps": 10, "task.eval_steps": 60, "input.step": 2.0,
                                               "task.washout": 5, "task.k_max": 5})
    assert bench.protocol(cfg) == "10 STDP + 60 evaluation steps of 2 ms (0.14 s simulated), dt 0.1 ms"
    large = bench.large_config(bench.LAYER).task
    assert bench.protocol(bench.large_config(bench.LAYER)).startswith(f"{large.train_steps} STDP + {large.eval_steps}")


def test_the_roofline_by_hand():
    # 1000 steps × 2 state arrays × 500 neurons per thread × 1 ns, plus 4e6 events / 2 threads × 10 ns
    assert bench.roofline_seconds(1000, 1000, 4e6, 2, 1e-9, 1e-8) == pytest.approx(1e-3 + 2e-2)
    assert bench.roofline_seconds(1000, 1000, 0.0, 2, 1e-9, 1e-8, bench.EXACT_STREAMS) == pytest.approx(1.5e-3)
    limits = bench.machine_limits(4000, 2, seconds=0.01)
    assert limits["part"] == 2000 and 0 < limits["triad_s_per_element"] < 1e-6 and 0 < limits["scatter_s_per_event"] < 1e-6
