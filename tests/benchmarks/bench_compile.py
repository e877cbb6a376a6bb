"""Compilation cost of changing settings (issue 12, item 4): resident memory and seconds.

Drives the real ``Trainer`` (paused, 1,000 points, the window's garbage-collector policy)
through 16 setting combinations (SGD/Adam x BatchNormalization x input normalization x L2
0.001/0.01) three times, each change a new model as the window's controls make it. Per
cycle: resident memory after it, compilations (the trainer's COMPILING states), seconds spent
compiling, and the compiled loops the trainer keeps. Then an L2 "slider": eight L2 values in a
row on one model structure.

Target: the second and third cycles compile nothing and keep RSS flat (within a few MB), and
stepping L2 compiles at most once. Before the fix every cycle compiled 16 times and kept
~18 MB per compilation (+330, +270, +300 MB a cycle).
"""

from __future__ import annotations

import gc
import itertools
import threading
import time

import numpy as np

from core.config import TrainConfig
from core.dataset import Dataset
from core.trainer import Trainer, TrainerState
from tests.benchmarks.bench_memory import rss_mb

POINTS = 1_000
CYCLES = 3
COMBINATIONS = [
    {"optimizer": optimizer, "batchnorm": batchnorm, "normalize": normalize, "l2": l2}
    for optimizer, batchnorm, normalize, l2 in itertools.product(
        ("sgd", "adam"), (False, True), (False, True), (0.001, 0.01))
]
L2_SLIDER = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1)


class _CompileClock:
    """Counts the trainer's COMPILING states and the seconds spent in them (from entering
    COMPILING to the next state), from the trainer's own state reports."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.compilations = 0
        self.seconds = 0.0
        self._since: float | None = None

    def on_state(self, state: TrainerState, message: str) -> None:
        now = time.perf_counter()
        with self._lock:
            if self._since is not None:
                self.seconds += now - self._since
                self._since = None
            if state is TrainerState.COMPILING:
                self.compilations += 1
                self._since = now

    def take(self) -> tuple[int, float]:
        """(compilations, seconds) since the last call."""
        with self._lock:
            taken = self.compilations, self.seconds
            self.compilations, self.seconds = 0, 0.0
        return taken


def _settle(trainer: Trainer, config: TrainConfig) -> None:
    trainer.set_config(config)
    if not trainer.wait_until_settled(600):
        raise RuntimeError("the trainer did not settle")


def main() -> dict:
    from gui.training_bridge import keep_collections_short  # the window's policy (no display)

    rng = np.random.default_rng(0)
    xy = rng.normal(size=(POINTS, 2))
    labels = (xy[:, 0] + xy[:, 1] > 0).astype(int)
    clock = _CompileClock()
    base = TrainConfig(**COMBINATIONS[0])
    trainer = Trainer(Dataset(xy, labels), base, lambda batch: None, on_state=clock.on_state,
                      on_long_lived_objects=keep_collections_short)
    try:
        trainer.prepare()
        trainer.wait_until_settled(600)
        gc.collect()
        clock.take()
        start = rss_mb()
        cycles = []
        for _ in range(CYCLES):
            began = time.perf_counter()
            for changes in COMBINATIONS[1:] + COMBINATIONS[:1]:  # ends where it began
                _settle(trainer, base.with_changes(**changes))
            wall = time.perf_counter() - began
            gc.collect()
            compilations, seconds = clock.take()
            cycles.append({"rss_mb": round(rss_mb(), 1), "compilations": compilations,
                           "compile_s": round(seconds, 2), "cycle_s": round(wall, 2),
                           "compiled_loops": trainer.compiled_loops})
        rss = [start] + [cycle["rss_mb"] for cycle in cycles]
        for cycle, before, after in zip(cycles, rss, rss[1:]):
            cycle["growth_mb"] = round(after - before, 1)
        slider_start = rss_mb()
        began = time.perf_counter()
        for l2 in L2_SLIDER:
            _settle(trainer, base.with_changes(l2=l2))
        slider_wall = time.perf_counter() - began
        gc.collect()
        compilations, seconds = clock.take()
        slider = {"values": len(L2_SLIDER), "compilations": compilations,
                  "compile_s": round(seconds, 2), "wall_s": round(slider_wall, 2),
                  "growth_mb": round(rss_mb() - slider_start, 1),
                  "compiled_loops": trainer.compiled_loops}
    finally:
        trainer.stop()
    return {"points": POINTS, "combinations": len(COMBINATIONS), "rss_start_mb": round(start, 1),
            "cycles": cycles, "l2_slider": slider}


if __name__ == "__main__":
    print(main())
