"""Starting the window: a QApplication, the main window, and the offscreen screenshot mode."""

from __future__ import annotations

import os
import sys

from core.cli import Options
from core.dataset import Dataset


def _make_window(options: Options):
    from gui.main_window import MainWindow

    dataset = Dataset(options.xy, options.labels)
    return MainWindow(dataset, options.config, options.source, options.source_path)


def run_app(options: Options) -> int:
    """Open the window on the given data, training paused; returns the exit status."""
    from gui.preflight import problem

    if options.screenshot is not None:
        return save_screenshot(options)
    message = problem()
    if message:
        print(f"neuron-lab: {message}", file=sys.stderr)
        return 1
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Neuron Lab")
    window = _make_window(options)
    window.show()
    window.bridge.prepare()  # TensorFlow loads on the trainer thread, after the window shows
    status = app.exec()
    _delete(app, window)
    return status


def _delete(app, window) -> None:
    """Destroy the window while QApplication still exists. Left to interpreter shutdown, Qt
    and pyqtgraph objects are torn down in no particular order, which can crash the process
    after everything is done (seen rarely, as a segmentation fault at exit)."""
    from PyQt6.QtCore import QEvent

    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def save_screenshot(options: Options, timeout_ms: int = 600_000) -> int:
    """Render the window offscreen, train to the epoch limit, and save it as a PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtCore import QEventLoop, QTimer
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = _make_window(options)
    window.show()
    loop = QEventLoop()
    finished = {"state": ""}

    def on_state(state: str, message: str) -> None:
        if state in ("paused", "diverged", "error", "waiting") and not window.bridge.running:
            finished["state"] = state
            QTimer.singleShot(100, loop.quit)  # let the last frame render

    window.bridge.stateChanged.connect(on_state)
    window.bridge.start()
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    window.bridge.flush()
    app.processEvents()
    saved = window.grab().save(str(options.screenshot), "PNG")
    window.close()
    _delete(app, window)
    if not saved:
        print(f"neuron-lab: error: could not write {options.screenshot}", file=sys.stderr)
        return 2
    if finished["state"] != "paused":
        print(f"neuron-lab: screenshot taken with training {finished['state'] or 'unfinished'}",
              file=sys.stderr)
    return 0
