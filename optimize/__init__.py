"""Bayesian optimization of heterogeneity distributions for hrsnn reservoirs (scikit-optimize).

``optimize`` imports ``hrsnn``; ``hrsnn`` never imports ``optimize`` (its CLI finds the ``optimize`` and
``study`` commands through the ``hrsnn.commands`` entry point). Layers (docs/architecture.md): ``search`` (what to
ask) → ``run`` (how trials run and are stored) → ``studies`` (one per command); ``analysis`` (pure numpy) and
``report`` (figures and Markdown from summaries) beside them.
"""
from .analysis.fronts import Front, compare_fronts
from .run.loop import StudyRun, run_study
from .run.store import Trial, TrialStore
from .run.trials import evaluate_trial
from .search.checks import StudyError
from .search.objectives import score
from .search.space import Dimension
from .search.study import Study, load_study
from .studies.optimize import save_outputs

__all__ = ["Study", "Dimension", "StudyError", "load_study", "run_study", "save_outputs", "score",
           "evaluate_trial", "StudyRun", "Trial", "TrialStore", "Front", "compare_fronts"]
