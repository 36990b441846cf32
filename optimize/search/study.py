"""Study files: the search space over config fields, the objective and the optimizer settings (TOML).

```toml
name = "tau_m"              # trials go to studies/<name>.sqlite
calls = 40                  # total trials
initial_points = 10         # random trials before the surrogate is used
surrogate = "GP"            # GP | RF | ET (Gaussian process, random forest, extra trees)
acquisition = "EI"          # EI | PI | LCB | gp_hedge
random_state = 0
seeds = [0, 1]              # every trial is evaluated on these seeds; the objective is their mean
objective = "E"             # E | neg_mc | rate_at_mc | task (scored by the [task] table) | front (two objectives:
                            # MC and rate, or with a [task] table validation error and spikes per sample; ParEGO)
model = "hrsnn"             # hrsnn | rate | rate-hom (reservoirpy rate reservoir: objective neg_mc or task)
min_mc = 5.0                # rate_at_mc: trials below this MC get the penalty
penalty = "worst"           # told for degenerate trials: a number, or "worst" (the worst finished trial so far)
workers = 2                 # trials evaluated at a time (does not change the result)
batch = 2                   # points asked of the optimizer at once (a setting of the search: changes its path)
config = "base.toml"        # optional base config file (relative to the study file)
arms = ["heterogeneous", "homogeneous", "random"]   # matched arms sharing budget, seeds and evaluation
repeats = 3                 # each arm is run with random_state, random_state + 1, …
eval_seeds = [10, 11, 12]   # fresh seeds on which every arm's best is re-evaluated (disjoint from seeds)

[task]                      # objective = "task": a validation split carved from the training data
kind = "classify"           # classify | predict
dataset = "GunPoint"        # a classification set / .ts path, or a series name for predict
scalar = "tradeoff"         # error | tradeoff (error + weight × spikes per sample / 1000) | min_spikes
weight = 0.05               # tradeoff: error per 1000 spikes per sample
min_accuracy = 0.8          # min_spikes, classify: fewest spikes with at least this validation accuracy

[set]                       # dotted overrides of the base config (a [[study]]'s own [set] adds to the shared one)
n_neurons = 500

[space."neuron.tau_m.mean"] # one table per dimension, keyed by the config field
low = 5.0
high = 80.0
prior = "log-uniform"       # uniform (default) | log-uniform
[space."neuron.tau_m.cv"]
low = 0.0
high = 2.0
[space."synapses.p_ee"]
type = "integer"            # real (default) | integer; or categories = [...] for a categorical one
```
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hrsnn import ConfigError, ReservoirConfig
from hrsnn.model.config import STDPConfig, base_config, read_toml

from .checks import StudyError, need, seeds_of
from .space import Dimension, parse_dimension, plain

OBJECTIVES = ("E", "neg_mc", "rate_at_mc", "task", "front")

ARMS = ("heterogeneous", "homogeneous", "random", "HeNHoS", "HoNHeS", "no-STDP")

SURROGATES = {"GP": "GP", "RF": "RF", "ET": "ET"}   # skopt's GBRT is broken with scikit-learn >= 1.7

ACQUISITIONS = ("EI", "PI", "LCB", "gp_hedge")

_KEYS = {"name", "calls", "initial_points", "surrogate", "acquisition", "random_state", "seeds", "objective",
         "min_mc", "penalty", "workers", "config", "set", "space", "target", "trial_function", "arms", "repeats",
         "eval_seeds", "task", "model", "batch"}


TRIAL_MODELS = ("hrsnn", "rate", "rate-hom")

DEFAULT_EVAL_SEEDS = (1000, 1001, 1002)


@dataclass(frozen=True)
class Study:
    name: str
    space: tuple[Dimension, ...]
    base: ReservoirConfig
    calls: int = 30
    initial_points: int = 10
    surrogate: str = "GP"
    acquisition: str = "EI"
    random_state: int = 0
    seeds: tuple[int, ...] = (0,)
    objective: str = "E"
    min_mc: float = 5.0
    penalty: float | str = 20.0
    workers: int = 1
    batch: int = 1
    target: str = "auto"
    arms: tuple[str, ...] = ("heterogeneous",)
    repeats: int = 1
    eval_seeds: tuple[int, ...] = DEFAULT_EVAL_SEEDS
    task: dict | None = None
    model: str = "hrsnn"
    arm: str = "heterogeneous"     # the arm this study is (a matched study's arms are derived by optimize.search.arms)
    source: dict = field(default_factory=dict, compare=False)

    @property
    def matched(self) -> bool:
        """Run as a matched study (``optimize.studies.matched``): several arms, repeats, or a task objective."""
        return len(self.arms) > 1 or self.repeats > 1 or self.objective == "task"

    def config_for(self, params: dict[str, Any]) -> ReservoirConfig:
        """The base config with one trial's parameter values applied (validated)."""
        return self.base.with_updates({k: plain(v) for k, v in params.items()})

    @property
    def fingerprint(self) -> str:
        """Identifies what a stored trial means: the space, the objective, the seeds and the base config, whose
        searched fields are left out (every trial sets them, so a new default for them keeps a store valid)."""
        return self._fingerprint(searched_base=False)

    @property
    def fingerprints(self) -> tuple[str, str]:
        """The fingerprints a store of this study may carry: today's, and the one that still held the searched
        fields' base values (stores written before they were left out)."""
        return self.fingerprint, self._fingerprint(searched_base=True)

    def _fingerprint(self, searched_base: bool) -> str:
        base = _fingerprint_base(self.base)
        if not searched_base:
            for d in self.space:
                *path, leaf = d.field.split(".")
                section = base
                for key in path:
                    section = section.get(key) if isinstance(section, dict) else None
                if isinstance(section, dict):
                    section.pop(leaf, None)
        key = {"space": [d.__dict__ for d in self.space], "objective": self.objective, "min_mc": self.min_mc,
               "penalty": self.penalty, "seeds": list(self.seeds), "base": base}
        if self.arm != "heterogeneous" or self.task:      # single-arm E studies keep their stored fingerprint
            key.update(arm=self.arm, task=self.task)
        if self.model != "hrsnn":
            key.update(model=self.model)
        return hashlib.sha1(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()


LATER_FIELDS = {"topology": None, "ip": None, "task.capacity": "linear",
                **{f"stdp.{k}": v for k, v in STDPConfig().to_dict().items()
                   if k in ("rule", "pairing", "mu", "tau_y", "a_plus3")}}
"""Config fields added after studies were first stored: left out of a fingerprint while at their defaults, so
those studies still resume (None: the whole section at its defaults)."""


def _fingerprint_base(config: ReservoirConfig) -> dict[str, Any]:
    base, default = config.to_dict(), ReservoirConfig().to_dict()
    for key, value in LATER_FIELDS.items():
        section, _, leaf = key.partition(".")
        if not leaf and base[section] == default[section]:
            del base[section]
        elif leaf and base[section].get(leaf) == value:
            del base[section][leaf]
    return base


def load_study(path: str | Path, overrides: dict[str, Any] | None = None) -> Study:
    """Read and validate a study file; ``overrides`` replace top-level keys (e.g. workers from the CLI)."""
    path = Path(path)
    data = read_toml(path, "study", StudyError)
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return parse_study(data, path.parent)


def parse_study(data: dict[str, Any], folder: Path = Path(".")) -> Study:
    """Validate a study's table (as read from a study file); ``config`` paths are relative to ``folder``."""
    unknown = set(data) - _KEYS
    need(not unknown, f"{sorted(unknown)[0] if unknown else ''}: unknown study key; allowed: {', '.join(sorted(_KEYS))}")
    need(isinstance(data.get("name"), str) and data["name"].replace("-", "").replace("_", "").isalnum(),
          "name: a study name of letters, digits, - and _ is required")
    try:
        base = base_config(data, folder)
        if data.get("set"):
            base = base.with_updates(data["set"])
    except ConfigError as e:
        raise StudyError(f"config: {e}") from None
    space = data.get("space")
    need(isinstance(space, dict) and space, "space: at least one dimension is required")
    dims = tuple(parse_dimension(k, v, base) for k, v in space.items())
    objective = data.get("objective", "E")
    need(objective in OBJECTIVES, f"objective: {objective!r} is not one of {', '.join(OBJECTIVES)}")
    surrogate = data.get("surrogate", "GP")
    need(surrogate in SURROGATES, f"surrogate: {surrogate!r} is not one of {', '.join(SURROGATES)}")
    acquisition = data.get("acquisition", "EI")
    need(acquisition in ACQUISITIONS, f"acquisition: {acquisition!r} is not one of {', '.join(ACQUISITIONS)}")
    seeds = seeds_of(data, "seeds", [0])
    ints = {k: data.get(k, d) for k, d in (("calls", 30), ("initial_points", 10), ("workers", 1),
                                             ("random_state", 0), ("batch", 1))}
    for k, v in ints.items():
        lo = 0 if k == "random_state" else 1
        need(isinstance(v, int) and not isinstance(v, bool) and v >= lo, f"{k}: expected an integer >= {lo}, got {v!r}")
    need(ints["initial_points"] <= ints["calls"], "initial_points: must be <= calls")
    min_mc = data.get("min_mc", 5.0)
    need(isinstance(min_mc, (int, float)) and math.isfinite(min_mc), "min_mc: expected a finite number")
    penalty = data.get("penalty", 20.0)
    need(penalty == "worst" or (isinstance(penalty, (int, float)) and not isinstance(penalty, bool)
                                 and math.isfinite(penalty)), f"penalty: expected a finite number or \"worst\", got {penalty!r}")
    arms = data.get("arms", ["heterogeneous"])
    need(isinstance(arms, list) and arms and len(set(arms)) == len(arms),
          f"arms: a non-empty list of distinct arms from {', '.join(ARMS)}")
    bad = [a for a in arms if a not in ARMS]
    need(not bad, f"arms: unknown arm {bad[0] if bad else ''!r}; allowed: {', '.join(ARMS)}")
    repeats = data.get("repeats", 1)
    need(isinstance(repeats, int) and not isinstance(repeats, bool) and repeats >= 1,
          f"repeats: expected an integer >= 1, got {repeats!r}")
    eval_seeds = seeds_of(data, "eval_seeds", list(DEFAULT_EVAL_SEEDS))
    need(not set(eval_seeds) & set(seeds), f"eval_seeds: {sorted(set(eval_seeds) & set(seeds))} are also search "
          "seeds; the re-evaluation needs seeds the search never saw")
    task = data.get("task")
    need(objective != "task" or task is not None, "task: objective = \"task\" needs a [task] table")
    need(task is None or objective in ("task", "front"),
          "task: a [task] table needs objective = \"task\" or \"front\"")
    model = data.get("model", "hrsnn")
    need(model in TRIAL_MODELS, f"model: {model!r} is not one of {', '.join(TRIAL_MODELS)}")
    need(model == "hrsnn" or objective in ("neg_mc", "task"),
          f"model: {model!r} has no spikes; its objective must be neg_mc or task, not {objective!r}")
    if task is not None:
        from .objectives import check_task
        task = check_task(task)
        if model != "hrsnn":                      # the default stays out: stored task studies keep their fingerprint
            task["model"] = model
    study = Study(name=data["name"], space=dims, base=base, calls=ints["calls"],
                  initial_points=ints["initial_points"], surrogate=surrogate, acquisition=acquisition,
                  random_state=ints["random_state"], seeds=tuple(seeds), objective=objective,
                  min_mc=float(min_mc), penalty=penalty if penalty == "worst" else float(penalty),
                  workers=ints["workers"], batch=ints["batch"], target=data.get("target", "auto"), arms=tuple(arms),
                  repeats=repeats,
                  eval_seeds=tuple(eval_seeds), task=task, model=model, source=data)
    from .arms import derive
    for arm in study.arms:                       # every arm's space must be derivable: refuse it here if not
        derive(study, arm, 0)
    return study


def load_studies(path: str | Path, overrides: dict[str, Any] | None = None,
                    extra: tuple[str, ...] = ()) -> tuple[str, list[Study]]:
    """(experiment name, its studies) from an experiment file; ``overrides`` replace a key in every study (the
    file's value, shared or the study's own); ``extra`` keys (not study keys) are kept in each study's ``source``
    for the caller."""
    path = Path(path)
    raw = read_toml(path, "experiment", StudyError)
    over = {k: v for k, v in (overrides or {}).items() if v is not None}   # beat the file's keys, a study's too
    entries = raw.pop("study", None)
    if not isinstance(entries, list) or not entries:
        raise StudyError("study: an experiment needs at least one [[study]] table")
    name = raw.pop("name", path.stem)
    studies = []
    for k, entry in enumerate(entries):
        if not isinstance(entry, dict) or "name" not in entry:
            raise StudyError(f"study[{k}]: a table with a name is required")
        data = {**raw, **entry, **over}
        if isinstance(raw.get("set"), dict) and isinstance(entry.get("set"), dict):
            data["set"] = {**raw["set"], **entry["set"]}     # a study's [set] adds to the shared one
        kept = {k: data.pop(k) for k in extra if k in data}
        try:
            study = parse_study(data, path.parent)
            studies.append(dataclasses.replace(study, source={**study.source, **kept}))
        except StudyError as e:
            raise StudyError(f"study[{k}] ({entry['name']}): {e}") from None
    if len({s.name for s in studies}) != len(studies):
        raise StudyError("study: names must be distinct")
    return name, studies
