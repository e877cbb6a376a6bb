"""Seconds to save and reopen a session (``core.session``) of 100,000 points: the issue asks
for the figure. Measured on the parts a user waits for: capturing the model from the training
thread, writing the file, reading it back, and the trainer going on (a new model built, the
saved weights set, the history reported) until it is paused at the saved epoch again.

Compilation (XLA, once per capacity and process) is excluded from "resume": the window pays it
for any new model, saved or not, and it is measured by ``bench_engine``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from core.config import TrainConfig
from core.dataset import Dataset
from core.history import EpochHistory
from core.session import load_session, save_session, session_of
from core.trainer import Trainer

SIZES = (1_000, 100_000)
EPOCHS = 2_000


def measure(points: int) -> dict:
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(points, 2))
    labels = (xy[:, 0] + xy[:, 1] > 0).astype(int)
    config = TrainConfig(optimizer="adam", batchnorm=True, normalize=True, batch_size=1024,
                         epochs=EPOCHS if points <= 1000 else 50)
    history = EpochHistory()
    trainer = Trainer(Dataset(xy, labels), config, history.add)
    try:
        trainer.start()
        trainer.wait_until_settled()
        began = time.perf_counter()
        model = trainer.capture().result(timeout=600)
        session = session_of(Dataset(xy, labels).snapshot(), config, model, history)
        captured = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.neuronlab"
            save_session(path, session)
            saved = time.perf_counter()
            size = path.stat().st_size
            loaded = load_session(path)
            read = time.perf_counter()
    finally:
        trainer.stop()
    again = Trainer(Dataset(loaded.xy, loaded.labels, loaded.ids), loaded.config,
                    EpochHistory().add)
    try:
        again.prepare()
        again.wait_until_settled()  # TensorFlow is loaded; compile the capacity first
        again.resume(loaded.config, loaded.model, loaded.history)
        began_resume = time.perf_counter()
        again.wait_until_settled()
        resumed = time.perf_counter() - began_resume
        assert again.epoch == loaded.epoch
    finally:
        again.stop()
    return {"points": points, "epochs": loaded.epoch, "history_rows": len(loaded.history),
            "file_mb": round(size / 1e6, 2), "capture_s": round(captured - began, 3),
            "save_s": round(saved - captured, 3), "open_s": round(read - saved, 3),
            "resume_s": round(resumed, 3)}


def main() -> dict:
    return {str(points): measure(points) for points in SIZES}
