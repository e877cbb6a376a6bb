"""File → Save / Save as / Open for whole sessions (``core/session.py`` reads and writes them).

Saving asks the training thread for the model as it is (``Trainer.capture``: weights,
optimizer state and their epoch, taken between chunks) and waits for it: a chunk is about a
frame, so the wait is that long, except while a model compiles (a second or two, under a busy
cursor). Nothing is asked while TensorFlow is still loading and no saved run waits to resume:
the model is then the seed's at epoch 0, which the file says with ``"model": null``.

Opening replaces the points (one undo step, the session's ids kept), shows its settings,
hands the trainer the saved model to go on from (paused, at the saved epoch, its history on
the charts) and restores the view. Space then trains the epochs the saved run would have.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from PyQt6.QtCore import QObject, QRectF, Qt, pyqtSignal
from PyQt6.QtWidgets import QApplication, QFileDialog

from core.session import (
    SUFFIX,
    ModelState,
    Session,
    SessionFileError,
    load_session,
    save_session,
    session_of,
)
from gui.file_actions import documents_folder

QUIT_TIMEOUT_S = 5  # ending on a signal: the points are kept even if the model is not
CAPTURE_TIMEOUT_S = 120  # a compilation of 100,000 points takes a few seconds; a hang is a bug


def is_session_path(path: Path) -> bool:
    return Path(path).suffix.lower() == SUFFIX


class SessionActions(QObject):
    failed = pyqtSignal(str)  # one line for the user
    succeeded = pyqtSignal(str)
    fileUsed = pyqtSignal(object)  # the Path of a session opened or saved (recent files)
    opened = pyqtSignal(object)  # the Session just opened (panels may react)

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window

    # --- saving ------------------------------------------------------------------------------
    def save(self) -> bool:
        """Ctrl+S: into the session file the window shows, else ask where (Save as)."""
        path = self._window.document.path
        if path is not None and is_session_path(path):
            return self.save_to(path)
        return self.save_as()

    def save_as(self) -> bool:
        """Ask where, then save the session; False when cancelled or the save failed."""
        kinds = self.tr("Neuron Lab session (*{0})").format(SUFFIX)
        path, _ = QFileDialog.getSaveFileName(self._window, self.tr("Save session"),
                                              self._save_start(), kinds)
        if not path:
            return False
        path = Path(path)
        if not is_session_path(path):
            path = path.with_name(path.name + SUFFIX)
        return self.save_to(path)

    def _save_start(self) -> str:
        document = self._window.document
        stem = document.path.stem if document.path is not None else (document.preset or "session")
        folder = self._window.files.last_folder or documents_folder()
        if document.path is not None and is_session_path(document.path):
            folder = str(document.path.parent)
        return str(Path(folder) / f"{stem}{SUFFIX}")

    def capture(self, quiet: bool = False) -> Session | None:
        """The session as it is now (None, said through ``failed``, when the trainer cannot
        give its model: it failed or stopped). ``quiet`` (the app is ending): the points
        without the model then, and nothing said."""
        window = self._window
        trainer = window.bridge.trainer
        model = None
        if not trainer.has_untrained_start():
            future = trainer.capture()
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                model = future.result(timeout=QUIT_TIMEOUT_S if quiet else CAPTURE_TIMEOUT_S)
            except (CancelledError, FutureTimeout):
                if quiet:
                    return self._session_with(None)
                self.failed.emit(self.tr("Could not save the session: the training thread "
                                         "did not give its model ({0})").format(
                                             trainer.state.value))
                return None
            finally:
                QApplication.restoreOverrideCursor()
        return self._session_with(model)

    def capture_later(self, deliver: Callable[[Session], None]) -> None:
        """The session as it will be once the training thread answers, without waiting for
        it: ``deliver(session)`` runs on this thread then (crash recovery). When the trainer
        cannot answer (it failed), the session goes without its model."""
        window = self._window
        if window.bridge.trainer.has_untrained_start():
            deliver(self._session_with(None))
            return

        def answered(model: ModelState | None, error: BaseException | None) -> None:
            deliver(self._session_with(None if error is not None else model))

        future = window.bridge.capture(answered)
        if future.cancelled():  # the trainer failed or stopped: the points at least
            deliver(self._session_with(None))

    def _session_with(self, model: ModelState | None) -> Session:
        window = self._window
        window.bridge.flush()  # the charts' history up to the captured epoch
        document = window.document
        source = document.preset or (document.path.name if document.path else None)
        return session_of(window.dataset.snapshot(), window.bridge.config, model,
                          window.metrics.recorded, view=window.plot.view_range(), source=source)

    def save_to(self, path: Path) -> bool:
        position = self._window.dataset.undo_position()
        session = self.capture()
        if session is None:
            return False
        try:
            save_session(path, session)
        except SessionFileError as error:
            self.failed.emit(str(error))
            return False
        self._window.document.saved_as(path, position)
        self._window.files.last_folder = str(Path(path).resolve().parent)
        self._window.files.update_title()
        self.fileUsed.emit(Path(path))
        self.succeeded.emit(self.tr("Saved the session at epoch {0} ({1} points) to {2}").format(
            session.epoch, len(session.labels), path))
        return True

    # --- opening ------------------------------------------------------------------------------
    def open(self, path: Path) -> bool:
        """Open a session file (after asking about unsaved points); False, nothing changed,
        when the user keeps their points or the file cannot be used (said through
        ``failed``)."""
        if not self._window.files.may_discard_points():
            return False
        try:
            session = load_session(path)
        except SessionFileError as error:
            self.failed.emit(str(error))
            return False
        self.apply(session, Path(path))
        self._window.files.last_folder = str(Path(path).resolve().parent)
        self.fileUsed.emit(Path(path))
        self.succeeded.emit(self.tr("Opened the session {0} at epoch {1}: Space trains on").format(
            Path(path).name, session.epoch))
        return True

    def apply(self, session: Session, path: Path | None, points_loaded: bool = False) -> None:
        """Make the window the session's: its points (saved, when from a file), settings,
        model and view. ``path`` None: the points are not saved anywhere (a recovery copy).
        ``points_loaded``: the window was opened on the session's points already (named on
        the command line), so loading them again would only add an undo step."""
        window = self._window
        document = window.document
        if not points_loaded:
            document.load(session.xy, session.labels, path=path, ids=session.ids)
        if path is None:  # restored from a crash: unsaved, as they were
            document.forget_saved()
        window.controls.show_config(session.config, preset=None)
        window.timeline.go_live()
        window.bridge.trainer.resume(session.config, session.model, session.history)
        window.files.update_title()
        window.controls.show_preset(None)
        window.fit_view()
        if session.view is not None:
            (x0, x1), (y0, y1) = session.view
            window.plot.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0)
        window.narrator.request()
        self.opened.emit(session)
