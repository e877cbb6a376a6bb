"""Starting the window: a QApplication, the main window, and the offscreen screenshot mode."""

from __future__ import annotations

import os
import sys

from core.cli import Options
from core.dataset import Dataset
from core.document import Document
from core.pacing import DEFAULT_PACE
from core.scenarios import SCENARIOS
from core.trainer import TrainerState


def _make_window(options: Options, pace: float | None = DEFAULT_PACE, settings=None,
                 recovery_folder=None):
    """``settings`` (QSettings): where the welcome and the window's state are remembered;
    None remembers nothing (screenshots). ``recovery_folder``: see gui/recovery.py."""
    from gui.main_window import MainWindow

    document = Document(Dataset(options.xy, options.labels), path=options.source_path,
                        preset=options.source)  # the document ignores it for a file
    return MainWindow(document, options.config, pace=pace, settings=settings,
                      recovery_folder=recovery_folder)


def open_window(options: Options, settings=None, recovery_folder=None):
    """Show the window on the options' points; it trains at once only for ``--scenario``, as
    the scenario's button would (and says why in the caption). ``settings`` (QSettings): the
    user's, for the first-launch welcome and the remembered window; None (tests) neither.
    ``recovery_folder`` (a Path): where unsaved points are kept against a crash; a copy a
    killed run left there is offered back first. None: no crash recovery."""
    window = _make_window(options, settings=settings, recovery_folder=recovery_folder)
    window.show()
    if window.recovery.offer(window):  # the points a killed run left, if the user wants them
        window.controls.show_preset(None)
        window.files.update_title()
        window.fit_view()
    window.bridge.prepare()  # TensorFlow loads on the trainer thread, after the window shows
    if options.scenario is not None:
        window.pace.set_pace(SCENARIOS[options.scenario].pace)
        window.show_scenario_started(SCENARIOS[options.scenario])
        window.bridge.start()
    return window


def run_app(options: Options) -> int:
    """Open the window on the given data; returns the exit status."""
    from gui.preflight import problem

    if options.screenshot is not None:
        return save_screenshot(options)
    if options.reset_settings:
        return reset_user_settings()
    message = problem()
    if message:
        print(f"neuron-lab: {message}", file=sys.stderr)
        return 1
    from PyQt6.QtWidgets import QApplication

    from gui.style import app_icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Neuron Lab")
    app.setWindowIcon(app_icon())  # task switchers and docks show the application's icon
    from gui.help import app_settings
    from gui.recovery import default_folder

    window = open_window(options, settings=app_settings(), recovery_folder=default_folder())
    status = app.exec()
    dispose_window(app, window)
    return status


def reset_user_settings() -> int:
    """``--reset-settings``: forget the window's remembered state, say so in one line."""
    from gui.help import app_settings
    from gui.window_settings import reset_settings

    settings = app_settings()
    if not reset_settings(settings):
        print(f"neuron-lab: error: could not clear the settings in {settings.fileName()}",
              file=sys.stderr)
        return 2
    print(f"neuron-lab: settings reset (window size, splitter, last folder, pace, brush, "
          f"recent files, welcome) in {settings.fileName()}")
    return 0


def dispose_window(app, window) -> None:
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
    window = _make_window(options, pace=None)  # nobody watches: the engine's full speed
    window.show()
    loop = QEventLoop()
    finished: dict[str, TrainerState | None] = {"state": None}
    settled = (TrainerState.PAUSED, TrainerState.DIVERGED, TrainerState.ERROR,
               TrainerState.WAITING)

    def on_state(state: TrainerState, message: str) -> None:
        if state in settled and not window.bridge.running:
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
    dispose_window(app, window)
    if not saved:
        print(f"neuron-lab: error: could not write {options.screenshot}", file=sys.stderr)
        return 2
    state = finished["state"]
    if state != TrainerState.PAUSED:
        shown = state.value if state else "unfinished"
        print(f"neuron-lab: screenshot taken with training {shown}", file=sys.stderr)
    return 0
