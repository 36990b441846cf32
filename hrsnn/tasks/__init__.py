"""Tasks: offline datasets, scikit-learn estimators, one table cell, reproduction experiments and reports."""
