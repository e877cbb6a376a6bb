"""What a paced run costs: the real window (offscreen) training the question's 4 points at
1 and at 60 epochs a second for 10 s each, as the process's CPU time per second of wall time
(100% = one core busy) and the epochs per second measured. Target: near idle at 1 epoch/s
(the trainer sleeps on its condition between epochs; nothing polls)."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SECONDS = 10.0


def measure(app, pace: float) -> dict:
    from PyQt6.QtCore import QTimer

    from core.config import TrainConfig
    from core.dataset import Dataset
    from core.presets import make_preset
    from gui.app import dispose_window
    from tests.benchmarks.bench_gui import ready_window

    window, reports = ready_window(app, Dataset(*make_preset("seed-4")), TrainConfig(), pace)
    window.bridge.start()
    cpu, wall = time.process_time(), time.perf_counter()
    first = reports[-1]
    QTimer.singleShot(int(SECONDS * 1000), app.quit)
    app.exec()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    epochs = reports[-1] - first
    window.bridge.pause()
    window.close()
    dispose_window(app, window)
    return {"pace": pace, "cpu_percent": round(100 * cpu / wall, 1),
            "epochs_per_s": round(epochs / wall, 2)}


def main() -> dict:
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    return {f"{pace:g}_per_s": measure(app, pace) for pace in (1, 60)}


if __name__ == "__main__":
    print(main())
