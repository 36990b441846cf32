"""The arms × repeats loop: every arm of a matched study searched ``repeats`` times on one executor."""
from __future__ import annotations

from pathlib import Path

from ..search.arms import derive
from ..search.study import Study
from .loop import StudyRun, run_study


def run_arms(study: Study, folder: Path, executor, progress: bool, resume: bool = True,
             scheduler: str | None = None) -> dict[str, list[StudyRun]]:
    """arm → one run per repeat (``optimize.search.arms.derive``), each stored as ``folder/<name>-<arm>-r<k>``."""
    return {arm: [run_study(derive(study, arm, r), resume, folder, scheduler, progress, executor=executor)
                  for r in range(study.repeats)] for arm in study.arms}
