"""The window over a long session (issue 12, item 3): 1,000 points, training, a click a
second and a Reset every 30 s, with the real window offscreen. Prints resident memory at the
start, after warm-up and at the end, the growth per minute after warm-up (the target: flat,
< 5 MB over 10 minutes), the Keras models still alive and the compiled training loops.

``make soak`` runs it for ``SOAK_MINUTES`` (default 10; 60 for an hour).
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from tests.benchmarks.bench_memory import rss_mb

WARM_UP_S = 60  # TensorFlow, the first compilations and the caches settle
CLICK_EVERY_MS = 1000
RESET_EVERY_S = 30


def main(minutes: float | None = None) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtCore import QEventLoop, QRectF, QTimer
    from PyQt6.QtWidgets import QApplication

    from core.config import TrainConfig
    from core.dataset import Dataset
    from core.document import Document
    from gui.main_window import MainWindow
    from tests.model_watch import alive, watching_built_models

    minutes = float(os.environ.get("SOAK_MINUTES", 10)) if minutes is None else minutes
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(1000, 2))
    labels = (xy[:, 0] + 0.5 * xy[:, 1] > 0).astype(int)
    samples: list[tuple[float, float]] = []
    with watching_built_models() as built:
        window = MainWindow(Document(Dataset(xy, labels), preset="soak"),
                            TrainConfig(optimizer="adam", learning_rate=0.01), pace=None)
        window.show()
        window.plot.setRange(QRectF(-3, -3, 6, 6), padding=0)
        window.bridge.start()
        began = time.monotonic()
        start_rss = rss_mb()

        def click() -> None:  # a point where the user clicks: the document's own add
            x, y = rng.uniform(-3, 3, size=2)
            window.dataset.add(float(x), float(y), int(x + 0.5 * y > 0))
            if len(window.dataset) > 1100:  # the set stays about the size it started
                window.dataset.undo()
                window.dataset.undo()

        def reset() -> None:
            window.bridge.reset()
            window.bridge.start()

        def sample() -> None:
            samples.append((time.monotonic() - began, rss_mb()))

        timers = []
        for interval, action in ((CLICK_EVERY_MS, click), (RESET_EVERY_S * 1000, reset),
                                 (10_000, sample)):
            timer = QTimer()
            timer.timeout.connect(action)
            timer.start(interval)
            timers.append(timer)
        loop = QEventLoop()
        QTimer.singleShot(int(minutes * 60_000), loop.quit)
        loop.exec()
        for timer in timers:
            timer.stop()
        end_rss = rss_mb()
        engines = window.bridge.trainer.compiled_loops
        window.bridge.pause()
        window.document.mark_clean()  # nobody to answer "save the edited points?"
        window.close()
        app.processEvents()
        import gc

        gc.collect()  # discarded models wait for a full collection: count what outlives one
        models_built, models_alive = len(built), alive(built)
        # The window freezes long-lived objects out of the collector's view after each
        # compilation (gui/training_bridge.py): a model alive only because it was frozen
        # would be released by collecting everything.
        gc.unfreeze()
        gc.collect()
        alive_unfrozen = alive(built)
    after_warm_up = [rss for at, rss in samples if at >= WARM_UP_S]
    warm = after_warm_up[0] if after_warm_up else start_rss
    span_min = max((samples[-1][0] - WARM_UP_S) / 60, 1e-9) if after_warm_up else float("nan")
    return {"minutes": minutes, "rss_start_mb": round(start_rss, 1),
            "rss_after_warm_up_mb": round(warm, 1), "rss_end_mb": round(end_rss, 1),
            "growth_after_warm_up_mb": round(end_rss - warm, 1),
            "mb_per_minute_after_warm_up": round((end_rss - warm) / span_min, 2),
            "models_built": models_built, "models_alive": models_alive,
            "models_alive_after_unfreezing": alive_unfrozen,
            "compiled_loops": engines,
            "rss_every_10_s": [round(rss, 1) for _at, rss in samples]}


if __name__ == "__main__":
    print(main())
