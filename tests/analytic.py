"""Cheap analytic trial functions for optimization tests (importable by spawned worker processes)."""
import time


def bowl(config: dict, seeds: list, target: str = "auto") -> list:
    """E = 1 + ((tau_m.mean − 30)/40)² + (tau_m.cv − 0.7)²: known minimum 1 at (30 ms, 0.7)."""
    tau = config["neuron"]["tau_m"]
    mean, cv = (tau["mean"], tau["cv"]) if isinstance(tau, dict) else (tau, 0.0)
    e = 1.0 + ((mean - 30.0) / 40.0) ** 2 + (cv - 0.7) ** 2
    degenerate = mean > 150          # a "runaway" corner, to exercise the penalty
    return [{"seed": s, "E": None if degenerate else e, "memory_capacity": 5.0, "rate_hz": 5.0 * e,
             "spikes": 100, "degenerate": degenerate, "reason": "runaway: test" if degenerate else ""}
            for s in seeds]


def slow_bowl(config: dict, seeds: list, target: str = "auto") -> list:
    time.sleep(0.4)
    return bowl(config, seeds, target)


def front(config: dict, seeds: list, target: str = "auto") -> list:
    """A known front: MC = 10 (1 − e^(−scale/300)) (1 + 0.2 cv) + 0.01 seed at rate scale/30 (1 + 0.5 |cv − 0.5|) Hz.
    Logs each call's seeds to the file named by HRSNN_TEST_SEEDLOG, when set."""
    import math
    import os
    tau = config["neuron"]["tau_m"]
    cv = tau["cv"] if isinstance(tau, dict) else 0.0
    scale = config["input"]["scale"]
    if os.environ.get("HRSNN_TEST_SEEDLOG"):
        with open(os.environ["HRSNN_TEST_SEEDLOG"], "a") as f:
            f.write(" ".join(map(str, seeds)) + "\n")
    mc = 10.0 * (1.0 - math.exp(-scale / 300.0)) * (1.0 + 0.2 * cv)
    rate = scale / 30.0 * (1.0 + 0.5 * abs(cv - 0.5))
    return [{"seed": s, "E": rate / mc, "memory_capacity": mc + 0.01 * s, "rate_hz": rate, "spikes": 100,
             "degenerate": False, "reason": ""} for s in seeds]


def shuffled_bowl(config: dict, seeds: list, target: str = "auto") -> list:
    """``bowl``, finishing after a delay set by the point (0–0.3 s), so that parallel trials finish out of order."""
    time.sleep(0.3 * ((config["neuron"]["tau_m"]["mean"] * 7.3) % 1.0))
    return bowl(config, seeds, target)


def shuffled_front(config: dict, seeds: list, target: str = "auto") -> list:
    """``front``, finishing after a delay set by the point (0–0.3 s)."""
    time.sleep(0.3 * ((config["input"]["scale"] * 7.3) % 1.0))
    return front(config, seeds, target)


def last_bit_bowl(config: dict, seeds: list, target: str = "auto") -> list:
    """``bowl`` with E one unit in the last place higher: what another processor or library may return."""
    import math
    return [{**r, "E": r["E"] if r["E"] is None else math.nextafter(r["E"], math.inf)}
            for r in bowl(config, seeds, target)]


def runaway_on_seed_1(config: dict, seeds: list, target: str = "auto") -> list:
    """``bowl``, but seed 1 alone runs away where tau_m.mean > 100 ms; logs each call's seeds to the file named by
    HRSNN_TEST_SEEDLOG."""
    import os
    with open(os.environ["HRSNN_TEST_SEEDLOG"], "a") as f:
        f.write(" ".join(map(str, seeds)) + "\n")
    runaway = config["neuron"]["tau_m"]["mean"] > 100
    return [{**r, "degenerate": runaway and s == 1, "reason": "runaway: test" if runaway and s == 1 else ""}
            for r, s in zip(bowl(config, seeds, target), seeds)]
