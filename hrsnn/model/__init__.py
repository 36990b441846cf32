"""The model: validated configuration, heterogeneity distributions, input encoding and the drawn parameters
and wiring of a reservoir (its "quenched disorder"). No simulator is imported here."""
