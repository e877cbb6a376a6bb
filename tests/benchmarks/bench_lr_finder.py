"""Seconds per learning-rate sweep (``core.lr_finder``): the target is about 1-3 s for the
default 250 steps, so the Rate finder answers while a person waits for it.

Each preset is swept twice with the optimizer the question's fixes use: the first sweep of a
process also imports TensorFlow and builds Keras's machinery; the second is what every later
press of Find costs (a new model copy, one trace of the step function, 250 steps).
"""

from __future__ import annotations

import time

from core.config import TrainConfig
from core.lr_finder import find_learning_rate
from core.presets import make_preset

CASES = (("seed-4", "sgd"), ("seed-4", "adam"), ("seed-2000", "sgd"), ("seed-2000", "adam"),
         ("noisy-corners", "sgd"), ("noisy-corners", "adam"))


def measure(preset: str, optimizer: str) -> dict:
    config = TrainConfig(optimizer=optimizer)
    xy, labels = make_preset(preset, config.seed)
    began = time.perf_counter()
    sweep = find_learning_rate(config, None, xy, labels)
    seconds = time.perf_counter() - began
    return {"seconds": round(seconds, 3), "steps": sweep.steps,
            "ms_per_step": round(1000 * seconds / max(sweep.steps, 1), 2),
            "suggestion": sweep.suggestion, "stopped_early": sweep.stopped_early}


def main() -> dict:
    first = time.perf_counter()
    find_learning_rate(TrainConfig(), None, *make_preset("seed-4"), steps=10)
    results = {"first_sweep_with_imports_s": round(time.perf_counter() - first, 3)}
    for preset, optimizer in CASES:
        results[f"{preset}_{optimizer}"] = measure(preset, optimizer)
    return results


if __name__ == "__main__":
    print(main())
