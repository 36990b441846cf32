"""Bayesian optimization of heterogeneity distributions for hrsnn reservoirs (scikit-optimize).

``optimize`` imports ``hrsnn``; ``hrsnn`` never imports ``optimize`` (its CLI finds the ``optimize`` and
``study`` commands through the ``hrsnn.commands`` entry point).
"""
from .objectives import score
from .runner import StudyRun, evaluate_trial, run_study, save_outputs
from .space import Dimension, Study, StudyError, load_study
from .store import Trial, TrialStore

__all__ = ["Study", "Dimension", "StudyError", "load_study", "run_study", "save_outputs", "score",
           "evaluate_trial", "StudyRun", "Trial", "TrialStore"]
