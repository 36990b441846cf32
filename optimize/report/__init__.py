"""Figures, Markdown reports and the formatting they share; a report reads summaries and never imports a study."""
from __future__ import annotations


