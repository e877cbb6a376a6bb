"""Starting the window: a QApplication, the main window, and the offscreen screenshot mode."""

from __future__ import annotations

import os
import sys

from core import i18n
from core.cli import Options
from core.dataset import Dataset
from core.document import Document
from core.i18n import _
from core.pacing import DEFAULT_PACE
from core.scenarios import SCENARIOS
from core.trainer import TrainerState

# Qt's own chatter that says nothing to a user: the offscreen platform (screenshots, tests)
# cannot pass size hints to a window manager it does not have.
_QT_NOISE = ("This plugin does not support propagateSizeHints()",)


def hide_qt_noise() -> None:
    """Route Qt's messages through a handler that drops the known harmless ones and prints
    the rest as Qt would (one line on stderr): a run's stderr is for real problems."""
    from PyQt6.QtCore import qInstallMessageHandler

    def handler(_kind, _context, message: str) -> None:
        if message not in _QT_NOISE:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _make_window(options: Options, pace: float | None = DEFAULT_PACE, settings=None,
                 recovery_folder=None):
    """``settings`` (QSettings): where the welcome and the window's state are remembered;
    None remembers nothing (screenshots). ``recovery_folder``: see gui/recovery.py."""
    from gui.main_window import MainWindow

    document = Document(Dataset(options.xy, options.labels, options.ids), path=options.source_path,
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
    restored = window.recovery.offer(window)  # what a killed run left, if the user wants it
    if restored is not None:
        window.sessions.apply(restored, None)
    elif options.session is not None:  # python main.py RUN.neuronlab
        window.sessions.apply(options.session, options.source_path, points_loaded=True)
    window.bridge.prepare()  # TensorFlow loads on the trainer thread, after the window shows
    if options.scenario is not None:
        window.pace.set_pace(SCENARIOS[options.scenario].pace, for_scenario=True)
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
    from gui.help import app_settings
    from gui.language_menu import remembered_language

    settings = app_settings()
    # --lang, else the language chosen in View > Language, else the system's.
    language = options.lang or remembered_language(settings) or i18n.system_language()
    i18n.set_language(language)
    message = problem(language)
    if message:
        print(_("neuron-lab: {message}").format(message=message), file=sys.stderr)
        return 1
    from PyQt6.QtWidgets import QApplication

    from gui.style import app_icon

    hide_qt_noise()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Neuron Lab")
    app.setWindowIcon(app_icon())  # task switchers and docks show the application's icon
    from gui.recovery import default_folder
    from gui.translation import install

    translators = install(app, language)  # noqa: F841 - kept alive while the window lives
    window = open_window(options, settings=settings, recovery_folder=default_folder())
    signals = SignalQuitter(app, window)
    status = app.exec()
    dispose_window(app, window)
    return signals.status if signals.status is not None else status


class SignalQuitter:
    """Ctrl+C in the terminal quits as Ctrl+Q does (asking about unsaved points); SIGTERM, or
    a second Ctrl+C, quits at once, keeping unsaved work for recovery.

    Qt's event loop runs in C++, where Python's own SIGINT handler (a ``KeyboardInterrupt``)
    never gets a turn, so Ctrl+C did nothing; and had it, the exception could land anywhere,
    half-way through a redraw. Here the C-level handler only writes the signal's number to a
    socket (``signal.set_wakeup_fd``), and a ``QSocketNotifier`` reads it on the GUI thread
    between events, where closing the window is an ordinary event."""

    def __init__(self, app, window) -> None:
        import signal
        import socket

        from PyQt6.QtCore import QSocketNotifier

        self.status: int | None = None
        self._window = window
        self._app = app
        self._asked = False
        self._terminated = False
        self._reader, writer = socket.socketpair()
        self._writer = writer  # kept open for the life of the app
        for end in (self._reader, writer):
            end.setblocking(False)
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: None)  # the number arrives through the socket
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, app)
        self._notifier.activated.connect(self._received)

    def _received(self, *_args) -> None:
        import signal

        try:
            numbers = self._reader.recv(64)
        except OSError:
            return
        for number in numbers:
            terminate = number == signal.SIGTERM or self._asked
            self.status = 128 + number
            name = signal.Signals(number).name
            print((_("neuron-lab: {signal} received, closing now") if terminate
                   else _("neuron-lab: {signal} received, closing")).format(signal=name),
                  file=sys.stderr, flush=True)
            if terminate:
                self._terminated = True
                self._window.terminate()
                self._app.quit()  # also ends a question a first Ctrl+C left open
                return
            self._asked = True
            if self._window.close():
                self._app.quit()
            elif not self._terminated:
                self.status = None  # kept open: the user chose Cancel
                self._asked = False


def reset_user_settings() -> int:
    """``--reset-settings``: forget the window's remembered state, say so in one line."""
    from gui.help import app_settings
    from gui.window_settings import reset_settings

    settings = app_settings()
    if not reset_settings(settings):
        print(_("neuron-lab: error: could not clear the settings in {file}").format(
            file=settings.fileName()), file=sys.stderr)
        return 2
    print(_("neuron-lab: settings reset (window size, splitter, last folder, pace, brush, "
            "recent files, welcome, language) in {file}").format(file=settings.fileName()))
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

    from gui.status_bar import state_names

    hide_qt_noise()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from gui.translation import install

    translators = install(app, i18n.language())  # noqa: F841 - as chosen for the command line
    window = _make_window(options, pace=None)  # nobody watches: the engine's full speed
    window.show()
    if options.session is not None:  # --session FILE --screenshot: --epochs N more, then shot
        window.sessions.apply(options.session, options.source_path, points_loaded=True)
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
        print(_("neuron-lab: error: could not write {file}").format(file=options.screenshot),
              file=sys.stderr)
        return 2
    state = finished["state"]
    if state != TrainerState.PAUSED:
        shown = state_names().get(state, str(state)) if state else _("unfinished")
        print(_("neuron-lab: screenshot taken with training {state}").format(state=shown),
              file=sys.stderr)
    return 0
