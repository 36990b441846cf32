"""Every study and experiment file the Makefile runs exists in the checkout and parses."""
import re
from pathlib import Path

import pytest

from hrsnn import ReservoirConfig
from hrsnn.tasks.reproduce import load_experiment
from optimize.search.study import load_studies as load_efficiency
from optimize.search.study import load_study
from optimize.studies.architecture import load_search
from optimize.studies.frontier import load_frontier
from optimize.studies.operating import load_operating
from optimize.studies.stdp import load_plasticity

ROOT = Path(__file__).resolve().parents[1]
MAKE_FILES = sorted(set(re.findall(r"experiments/\S+\.toml", (ROOT / "Makefile").read_text())))


def test_makefile_runs_experiment_files():
    assert any("studies/" in f for f in MAKE_FILES) and any("reproduce" in f for f in MAKE_FILES)


@pytest.mark.parametrize("name", MAKE_FILES)
def test_makefile_experiment_file_exists_and_loads(name):
    path = ROOT / name
    assert path.is_file(), f"{name} is run by the Makefile but missing from the checkout"
    if "/studies/" in name:
        assert load_study(path).name
    elif "efficiency" in name:
        experiment, studies = load_efficiency(path)
        assert experiment and len(studies) >= 3 and {"heterogeneous", "homogeneous", "random"} <= set(studies[0].arms)
    elif "frontier" in name:
        experiment, studies = load_frontier(path)
        assert experiment and all({"heterogeneous", "homogeneous"} <= set(s.arms) for s in studies)
    elif "operating-point" in name:
        spec = load_operating(path)
        assert len(spec["candidates"]) >= 2 and spec["compare"]["split"] == "validation"
    elif "stdp" in name:
        spec = load_plasticity(path)
        assert len(spec["rules"]) >= 3 and len(spec["regimes"]) >= 2 and 1.0 in spec["ladder"]
    elif "default" in name:                                          # a config file (--config)
        assert ReservoirConfig.load(path).n_neurons
    elif "scml-search" in name:
        study, compare = load_search(path)
        assert study.base.topology.kind == "scml" and compare["seeds"]
    else:
        assert load_experiment(path).name


@pytest.mark.parametrize("name", ["reproduce.toml", "reproduce-quick.toml", "stdp.toml", "stdp-quick.toml",
                                  "scml-search.toml", "scml-search-quick.toml", "studies/hrsnn.toml", "frontier.toml"])
def test_results_measured_at_the_bias_driven_default_keep_reading_it(name):
    """docs/results.md's sections measured at the former default rerun from files that read bias-default.toml (its
    input 366 pA on 170 pA, tau_m Gamma(6.98 ms)), whatever ReservoirConfig() is now."""
    path = ROOT / "experiments" / name
    if name.startswith("reproduce"):
        bases = [load_experiment(path).base]
    elif name.startswith("stdp"):
        bases = [c for (_, regime), c in load_plasticity(path)["configs"].items() if regime == "default"]
    elif name.startswith("scml"):
        bases = [load_search(path)[0].base]
    elif name.startswith("frontier"):
        bases = [study.base for study in load_frontier(path)[1]]
    else:
        bases = [load_study(path).base]
    for base in bases:
        assert base.input.bias == 170.0 and base.neuron.tau_m.kind == "gamma" and base.neuron.tau_m.mean == 6.98
