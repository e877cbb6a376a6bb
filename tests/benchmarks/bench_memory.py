"""Resident memory over 10,000 epochs while 1,000 points are added one by one (target: < 50 MB)."""

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


def main() -> dict:
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


if __name__ == "__main__":
    print(main())
