"""The real window at 1,000,000 points (a 20 MB CSV), as a person with a big file meets it.

Printed: the CSV's parse time and peak RSS (in a child process, so the figure is the parse's
own); opening it in the window: seconds until the points are shown and the GUI thread's largest
gap meanwhile (targets: the window never freezes, so the gap stays < 100 ms, with a progress
line while it reads); one click, one undo, one redo and a 10-step drag, each from the event to
the redrawn points (target < 50 ms; each starts once the background work of the one before is
done, as at a person's pace; edits in quick succession are the "clicks while training"); the
largest GUI gap while the crash-recovery copy is written, over 5 s of training and over clicks
while training; the time from Space to "paused" at batch 32 and at batch 1 (target < 100 ms);
RSS after opening the same file 2, 6, 10, 15 and 20 times (the undo history is bounded, so it
stops growing).

``BIG_POINTS`` changes the size (default 1,000,000).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

POINTS = int(os.environ.get("BIG_POINTS", "1000000"))


def write_csv(path: Path, n: int) -> None:
    """Two noisy blobs, as ``numpy.savetxt`` writes them with a header (about 20 bytes a row)."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, n)
    xy = rng.normal(size=(n, 2)) + labels[:, None] * 1.5
    np.savetxt(path, np.column_stack([xy, labels]), fmt=["%.6f", "%.6f", "%d"], delimiter=",",
               header="x,y,label", comments="")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def parse_in_child(path: Path) -> dict:
    """Parse time and peak RSS of ``load_csv`` alone, against the interpreter with NumPy."""
    code = (
        "import resource, sys, time\n"
        "import numpy\n"
        "from core.csv_io import load_csv\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "began = time.perf_counter()\n"
        "xy, labels = load_csv(sys.argv[1])\n"
        "took = time.perf_counter() - began\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(took, (peak - base) / 1024, peak / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    took, grew, peak = (float(v) for v in out.stdout.split())
    return {"parse_s": round(took, 3), "parse_peak_growth_mb": round(grew, 1),
            "parse_peak_rss_mb": round(peak, 1)}


class _Results(dict):
    """The figures so far, each also printed to stderr as it is measured: a run that fails
    half-way still shows what it measured."""

    def __setitem__(self, key: str, value: object) -> None:
        print(f"  {key}: {value}", file=sys.stderr, flush=True)
        super().__setitem__(key, value)

    def update(self, other: dict) -> None:  # type: ignore[override]
        for key, value in other.items():
            self[key] = value


class GapMeter:
    """The GUI thread's largest gap between 5 ms timer ticks: how long the window froze."""

    def __init__(self) -> None:
        from PyQt6.QtCore import QTimer

        self.largest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.largest = max(self.largest, now - self._last)
        self._last = now

    def reset(self) -> None:
        self.largest = 0.0
        self._last = time.perf_counter()

    def stop(self) -> None:
        self._timer.stop()


def spin(app, until, timeout: float = 120.0) -> float:
    """Process events until ``until()``; the seconds it took."""
    began = time.perf_counter()
    while not until():
        if time.perf_counter() - began > timeout:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - began


def wait(app, seconds: float) -> None:
    """Let the window run for ``seconds``."""
    end = time.perf_counter() + seconds
    spin(app, lambda: time.perf_counter() > end)


def quiet(app, window) -> None:
    """Let the window finish what an edit or a load set going in the background (the trainer
    re-reads the points, the coach advises after EDITS_SETTLE_MS): each gesture is then
    measured on its own, as a person working at a human pace meets it."""
    from gui.coach_panel import EDITS_SETTLE_MS

    for _ in range(2):
        window.bridge.trainer.wait_until_settled(60)
        wait(app, EDITS_SETTLE_MS / 1000 + 0.3)


def settled(window) -> bool:
    """The points the document holds are the points drawn."""
    return not window._points_dirty and window.files.reading() is None


def main() -> dict:
    from PyQt6.QtCore import Qt
    from PyQt6.QtTest import QTest
    from PyQt6.QtWidgets import QApplication, QMessageBox

    from core.config import TrainConfig
    from core.dataset import Dataset
    from gui.app import dispose_window
    from tests.benchmarks.bench_gui import ready_window

    results = _Results(points=POINTS)
    folder = Path(tempfile.mkdtemp(prefix="neuron-lab-big-"))
    path = folder / "big.csv"
    write_csv(path, POINTS)
    results["csv_mb"] = round(path.stat().st_size / 2**20, 1)
    results.update(parse_in_child(path))

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard)
    window, _ = ready_window(app, Dataset(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])),
                             TrainConfig(learning_rate=0.1, batch_size=32), pace=None,
                             recovery_folder=folder / "recovery")
    gaps = GapMeter()
    plot = window.plot

    def timed_open() -> float:
        gaps.reset()
        began = time.perf_counter()
        window.open_path(path)
        spin(app, lambda: len(window.dataset) == POINTS and settled(window))
        return time.perf_counter() - began

    results["open_s"] = round(timed_open(), 3)
    results["open_largest_gap_ms"] = round(gaps.largest * 1000, 1)
    results["rss_after_open_mb"] = round(rss_mb(), 1)

    def timed(gesture, until) -> float:
        gaps.reset()
        began = time.perf_counter()
        gesture()
        spin(app, until)
        return time.perf_counter() - began

    quiet(app, window)  # the new points painted and read: what follows measures the edits
    (x0, x1), (y0, y1) = plot.view_range()
    spot = (x0 + 0.05 * (x1 - x0), y1 - 0.05 * (y1 - y0))  # an empty corner of the view
    far = plot.to_widget(*spot)  # a click there adds a point
    n = len(window.dataset)
    results["click_ms"] = round(1000 * timed(
        lambda: QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=far),
        lambda: len(window.dataset) == n + 1 and settled(window)), 1)
    quiet(app, window)
    results["undo_ms"] = round(1000 * timed(
        lambda: QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
        lambda: len(window.dataset) == n and settled(window)), 1)
    quiet(app, window)
    results["redo_ms"] = round(1000 * timed(
        lambda: QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                               | Qt.KeyboardModifier.ShiftModifier),
        lambda: len(window.dataset) == n + 1 and settled(window)), 1)

    def drag() -> None:  # the point just added, 10 steps to the right
        QTest.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=far)
        for step in range(1, 11):
            QTest.mouseMove(plot.viewport(), plot.to_widget(spot[0] + 0.01 * step * (x1 - x0),
                                                            spot[1]))
            app.processEvents()
        QTest.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton,
                           pos=plot.to_widget(spot[0] + 0.1 * (x1 - x0), spot[1]))

    quiet(app, window)
    results["drag_10_steps_ms"] = round(1000 * timed(drag, lambda: settled(window)), 1)
    x_after, _, _ = window.dataset.point(len(window.dataset) - 1)
    results["drag_moved_point"] = bool(abs(x_after - spot[0] - 0.1 * (x1 - x0)) < 0.01 * (x1 - x0))

    # The crash-recovery copy is written 2 s after an edit, on a worker thread: the window
    # must not freeze while 1,000,000 points are encoded (40 MB of JSON).
    written = window.recovery.path
    written.unlink(missing_ok=True)
    QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=far)  # unsaved again
    gaps.reset()
    spin(app, lambda: written.exists(), timeout=60)
    wait(app, 0.5)
    results["recovery_write_largest_gap_ms"] = round(gaps.largest * 1000, 1)

    window.toggle_training()
    spin(app, lambda: window.bridge.trainer.state.value == "training")
    gaps.reset()
    wait(app, 5.0)
    results["training_largest_gap_ms"] = round(gaps.largest * 1000, 1)
    gaps.reset()
    for i in range(10):
        low = plot.to_widget(spot[0] + 0.02 * i * (x1 - x0), y0 + 0.05 * (y1 - y0))
        QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=low)
        wait(app, 0.2)
    results["clicks_while_training_largest_gap_ms"] = round(gaps.largest * 1000, 1)

    def pause_ms() -> float:
        spin(app, lambda: window.bridge.trainer.state.value == "training")
        spin(app, lambda: window.bridge.trainer.epoch > 0)
        wait(app, 1.0)
        return 1000 * timed(window.toggle_training,
                            lambda: window.bridge.trainer.state.value == "paused")

    results["pause_batch_32_ms"] = round(pause_ms(), 1)
    window.controls.batch_size.setValue(1)
    window.toggle_training()
    results["pause_batch_1_ms"] = round(pause_ms(), 1)

    for count in range(2, 21):
        timed_open()
        quiet(app, window)  # what one open sets going is done before the next
        if count in (2, 6, 10, 15, 20):
            results[f"rss_after_{count}_opens_mb"] = round(rss_mb(), 1)
    gaps.stop()
    dispose_window(app, window)
    shutil.rmtree(folder)
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=1))
