"""Pure numpy: Pareto sets, fronts and their comparison level by level, hypervolumes, statistics (used by studies and
reports)."""
from __future__ import annotations


