"""Resident memory: over 10,000 epochs while 1,000 points are added one by one (target: < 50 MB),
and over 200 Resets (live Keras models and RSS before and after: each Reset's discarded model
must be collectable)."""

from __future__ import annotations

import threading

import numpy as np

from core.config import TrainConfig
from core.dataset import Dataset
from core.trainer import Trainer

EPOCHS = 10_000
POINTS = 1_000


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


RESETS = 200


def _growing_points() -> dict:
    dataset = Dataset(np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([0, 1]))
    rng = np.random.default_rng(0)
    new_points = rng.normal(size=(POINTS, 2))
    progress = threading.Event()
    epochs = [0]

    def on_epochs(batch) -> None:
        epochs[0] = int(batch.epoch[-1])
        progress.set()

    trainer = Trainer(dataset, TrainConfig(epochs=EPOCHS, learning_rate=0.1), on_epochs)
    trainer.prepare()
    trainer.wait_until_settled()
    before = rss_mb()
    trainer.start()
    added = 0
    while trainer.running:
        progress.wait(0.05)
        progress.clear()
        due = min(POINTS, epochs[0] * POINTS // EPOCHS + 1)
        while added < due:
            x, y = new_points[added]
            dataset.add(float(x), float(y), int(y > 0))
            added += 1
    trainer.wait_until_settled()
    after = rss_mb()
    trainer.stop()
    return {"epochs": epochs[0], "points_added": added, "rss_before_mb": round(before, 1),
            "rss_after_mb": round(after, 1), "growth_mb": round(after - before, 1)}


def _resets() -> dict:
    """200 Resets, the way the window runs them (with its garbage-collector policy)."""
    import gc

    from gui.training_bridge import keep_collections_short
    from tests.model_watch import alive, watching_built_models

    with watching_built_models() as built:
        dataset = Dataset(np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([0, 1]))
        trainer = Trainer(dataset, TrainConfig(), lambda batch: None,
                          on_long_lived_objects=keep_collections_short)
        trainer.prepare()
        trainer.wait_until_settled()
        before = rss_mb()
        for _ in range(RESETS):
            trainer.reset()
            trainer.wait_until_settled()
        gc.collect()
        after = rss_mb()
        trainer.stop()
    return {"resets": RESETS, "models_built": len(built), "models_alive": alive(built),
            "rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1),
            "growth_mb": round(after - before, 1)}


def main() -> dict:
    return {"growing_points": _growing_points(), "resets": _resets()}


if __name__ == "__main__":
    print(main())
