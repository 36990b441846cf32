"""The search benchmark end to end on the test problems with a tiny budget (its numbers are not checked here)."""
import json

import numpy as np
import pytest

from optimize.studies import bench_search


def test_every_sampler_runs_and_the_report_ranks_them(tmp_path):
    assert bench_search.main(["--budget", "12", "--repeats", "2", "--memory-repeats", "0", "--out", str(tmp_path),
                              "--quiet"]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    for problem in ("ZDT1", "DTLZ2"):
        p = summary["problems"][problem]
        assert set(p["samplers"]) == set(bench_search.SAMPLERS) and 0 < p["best_hypervolume"]
        for s in p["samplers"].values():
            assert len(s["mean"]) == 12 and np.all(np.diff(s["mean"]) >= 0) and s["final"][0] <= p["best_hypervolume"]
    assert "Ranked by the mean final hypervolume" in (tmp_path / "report.md").read_text()


def test_the_test_problems_fronts_by_hand():
    assert bench_search.zdt1(np.array([0.25, 0, 0, 0, 0, 0])) == (0.25, 0.5)        # g = 1: f2 = 1 − √0.25
    f1, f2 = bench_search.dtlz2(np.array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]))
    assert (f1, f2) == pytest.approx((2 ** -0.5, 2 ** -0.5))                          # g = 0: on the unit circle
    zdt, dtlz = bench_search.test_problems()
    # ZDT1 with reference (1.1, 6): 1.1 · 6 minus the area under 1 − √f on [0, 1] (1/3) and the strip f1 ∈ [1, 1.1]
    assert zdt.best_hv == pytest.approx(1.1 * 6 - 1 / 3 - 0.1 * 0.0, rel=1e-4)
    assert dtlz.best_hv == pytest.approx(4 - np.pi / 4, rel=1e-4)                    # the square less a quarter disc


@pytest.mark.parametrize("argv, message", [(["--budget", "5"], "--budget: 5 must be at least 12"),
                                           (["--repeats", "1"], "--repeats: 1 must be at least 2")])
def test_bad_settings_get_one_line(argv, message, capsys):
    with pytest.raises(SystemExit):
        bench_search.main(argv)
    assert message in capsys.readouterr().err
