"""One module per command: a study runs searches and evaluations (``optimize.run``) and writes its summary and report
(``optimize.report``)."""
from __future__ import annotations


