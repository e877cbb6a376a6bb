"""Responsiveness of the real window (offscreen) while training at full speed.

Over 10 s: the GUI thread's largest gap between 5 ms timer ticks (target < 30 ms with 1,000
points, < 60 ms with 100,000) and plot redraws per second (target >= 30). The same with the
mouse moving over the plot every frame (the hover readout follows it), with the
Landscape tab shown (its maps are computed on a worker thread, at most 4 a second), and the
time one map takes (``core.landscape.loss_grid``, 65 x 65 cells) at 4, 2,000 and 100,000
points.
"""

from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SECONDS = 10.0


def ready_window(app, dataset, config, pace, recovery_folder=None):
    """The real window on ``dataset``, shown, with TensorFlow loaded and the loop compiled
    (benchmarks measure training, not start-up: bench_startup times that), and the list the
    latest epoch of every report is appended to."""
    from core.document import Document
    from gui.main_window import MainWindow

    window = MainWindow(Document(dataset), config, pace=pace, recovery_folder=recovery_folder)
    window.show()
    reports: list[int] = []
    window.bridge.epochsReady.connect(lambda batches: reports.append(int(batches[-1].epoch[-1])))
    window.bridge.prepare()
    while not reports or window.bridge.trainer.state.value not in ("paused", "waiting"):
        app.processEvents()
        time.sleep(0.01)
    return window, reports


def measure(app, n_points: int, panel: str | None = None, hover: bool = False) -> dict:
    """``panel``: the window's attribute of a tab to show while training (None: the charts).
    ``hover``: the mouse moves over the plot every frame meanwhile, across points and between
    them, as a person reading the probabilities does (the readout follows it)."""
    from PyQt6.QtCore import QEvent, QObject, QTimer
    from PyQt6.QtTest import QTest

    from core.config import TrainConfig
    from core.dataset import Dataset
    from gui.app import dispose_window

    rng = np.random.default_rng(0)
    xy = rng.integers(0, 2, size=(n_points, 2)) + rng.normal(scale=0.2, size=(n_points, 2))
    window, ready = ready_window(app, Dataset(xy, (xy[:, 1] > 0.5).astype(int)),
                                TrainConfig(learning_rate=0.1), pace=None)  # full speed

    class PaintCounter(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                PaintCounter.count += 1
            return False

    counter = PaintCounter()
    window.plot.viewport().installEventFilter(counter)
    maps: list[int] = []
    if panel is not None:
        shown = getattr(window, panel)
        window.show_panel(shown)
        if panel == "landscape_panel":
            shown._worker.finished.connect(lambda *_: maps.append(1))
    readouts: set[str] = set()
    mover = QTimer()
    if hover:
        path = np.column_stack([np.linspace(-0.3, 1.3, 97), 0.5 + 0.7 * np.sin(np.arange(97))])
        step = iter(range(10**9))

        def move() -> None:
            x, y = path[next(step) % len(path)]
            QTest.mouseMove(window.plot.viewport(), window.plot.to_widget(x, y))
            readouts.add(window.plot.readout.text())

        mover.setInterval(16)
        mover.timeout.connect(move)
        mover.start()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    window.bridge.start()
    first_epoch = ready[-1]
    timer.start()
    QTimer.singleShot(int(SECONDS * 1000), app.quit)
    app.exec()  # the real event loop, as the user's window runs it
    timer.stop()
    mover.stop()
    epochs = ready[-1] - first_epoch
    window.close()
    dispose_window(app, window)
    gaps = np.diff(ticks) * 1000
    return {"points": n_points, "max_gap_ms": round(float(gaps.max()), 1),
            "p99_gap_ms": round(float(np.percentile(gaps, 99)), 1),
            "redraws_per_s": round(PaintCounter.count / SECONDS, 1),
            "epochs_per_s": round(epochs / SECONDS, 1),
            **({"panel": panel, "landscape_maps_per_s": round(len(maps) / SECONDS, 1)}
               if panel else {}),
            **({"hover_readouts_seen": len(readouts)} if hover else {})}


def landscape_grid_ms(n_points: int, repeats: int = 5) -> float:
    """The median time of one landscape map (the worker's job, off the GUI thread)."""
    from core.landscape import loss_grid

    rng = np.random.default_rng(0)
    xy = rng.integers(0, 2, size=(n_points, 2)) + rng.normal(scale=0.2, size=(n_points, 2))
    labels = (xy[:, 1] > 0.5).astype(np.int8)
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        loss_grid(xy, labels, (1.0, 1.0), (0.0, 0.0), (0.5, -0.3), 0.1)
        times.append(time.perf_counter() - began)
    return round(float(np.median(times)) * 1000, 1)


def main() -> dict:
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    results = {f"{n}_points": measure(app, n) for n in (1_000, 100_000)}
    results["100000_points_hovering"] = measure(app, 100_000, hover=True)
    results["100000_points_landscape_tab"] = measure(app, 100_000, panel="landscape_panel")
    results["landscape_grid_ms"] = {n: landscape_grid_ms(n) for n in (4, 2_000, 100_000)}
    return results


if __name__ == "__main__":
    print(main())
