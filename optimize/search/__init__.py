"""What to ask: the search space, the study and its file, the arms, the objectives and the samplers (no simulation)."""
from __future__ import annotations


