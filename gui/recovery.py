"""Crash recovery: unsaved work kept on disk a few seconds after each edit, offered back on
the next start, removed on a clean exit.

A kill -9, a power cut or a crash must not lose an afternoon of painted points, nor the run
trained on them. While the document holds unsaved points, a debounce timer writes the whole
session (``core.session``: points, settings, the model as trained, its history, the view), a
few seconds after the last change, to ``recovery.neuronlab`` in the platform's app-data folder
(``QStandardPaths.AppDataLocation``), atomically (``core.atomic_write``): a kill in the middle
of a write leaves the previous copy whole. When the points become saved (or empty) the copy is
removed; closing the window the normal way removes it too. On the next start ``offer`` asks
whether to restore the copy; restored points are unsaved, as they were, and the run goes on
from its epoch.

The session is captured without waiting (the training thread answers between chunks,
``capture``) and written on a ``BackgroundWorker`` (100,000 points take a fraction of a
second to format). Writes and removals go through that one worker in order, so an old write
can never land after a removal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, pyqtSignal
from PyQt6.QtWidgets import QMessageBox, QWidget

from core.document import Document
from core.i18n import _
from core.session import Session, SessionFileError, load_session, save_session
from gui.background import BackgroundWorker

RECOVERY_NAME = "recovery.neuronlab"
MAX_WINDOWS = 16  # windows open at once that each keep a copy
DELAY_MS = 2000  # after the last edit: a drag of many moves is one write, not hundreds


def default_folder() -> Path | None:
    """The platform's app-data folder for Neuron Lab (None when the platform names none)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) if folder else None


class Recovery(QObject):
    """Keeps ``folder/recovery.csv`` equal to the document's unsaved points (None: off)."""

    _changed = pyqtSignal()  # the dataset's callback, brought to this object's thread

    def __init__(self, document: Document, folder: Path | None,
                 capture: Callable[[Callable[[Session], None]], None],
                 parent: QObject | None = None, delay_ms: int | None = None) -> None:
        """``capture(deliver)``: take the session as it is and call ``deliver(session)`` on
        this thread, when the training thread has answered (``SessionActions.capture_later``)."""
        super().__init__(parent)
        self._document = document
        self._capture = capture
        self._generation = 0  # bumped by every write or removal: a late capture is dropped
        self._lock: QLockFile | None = None
        self.path = self._claim(folder) if folder is not None else None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS if delay_ms is None else delay_ms)
        self._timer.timeout.connect(self.write_now)
        self._worker = BackgroundWorker("recovery", self)
        self._changed.connect(self.schedule)
        self._listener = lambda: self._changed.emit()  # one object, to unsubscribe it
        if self.path is not None:
            document.dataset.subscribe(self._listener)

    def _claim(self, folder: Path) -> Path:
        """This window's copy: the first ``recovery[-N].neuronlab`` no running Neuron Lab
        holds. Two windows open at once each keep their own copy, and a copy whose window
        died (its lock's process is gone) is the next start's to offer."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return folder / RECOVERY_NAME  # writing will fail with its own one line
        names = [RECOVERY_NAME, *(f"recovery-{n}.neuronlab" for n in range(2, MAX_WINDOWS + 1))]
        # A copy some window left behind first (it is this start's to offer), else a free slot.
        for name in sorted(names, key=lambda name: not (folder / name).is_file()):
            lock = QLockFile(str(folder / f"{name}.lock"))
            lock.setStaleLockTime(0)  # stale only when its process is gone, not by age
            if lock.tryLock(0):
                self._lock = lock
                return folder / name
        return folder / RECOVERY_NAME

    def schedule(self) -> None:
        """Something changed: write (or remove) the copy once the edits pause."""
        if self.path is not None:
            self._timer.start()

    def pending(self) -> Path | None:
        """The copy a previous run left behind, if any."""
        return self.path if self.path is not None and self.path.is_file() else None

    def write_now(self) -> None:
        """The copy follows the document: the unsaved points, or no file at all."""
        if self.path is None:
            return
        self._generation += 1
        if not self._document.has_unsaved_points():
            self._worker.submit(_remove, self.path)
            return
        generation = self._generation

        def deliver(session: Session) -> None:
            if generation == self._generation and self.path is not None:
                self._worker.submit(_write, self.path, session)

        self._capture(deliver)

    def keep(self, session: Session) -> None:
        """Write ``session`` now, on this thread, after any write in flight (the app is about
        to end: a signal asked it to)."""
        self._settle()
        if self.path is not None:
            _write(self.path, session)

    def release(self) -> None:
        """End without removing the copy (``keep`` wrote it): the next start offers it."""
        self._settle()
        self._let_go()

    def discard(self) -> None:
        """A clean exit: nothing to recover next time."""
        self._settle()  # a write still running ends first, then the file goes
        if self.path is not None:
            _remove(self.path)
        self._let_go()

    def _settle(self) -> None:
        """No write is pending, running or yet to be asked for (a late capture is dropped)."""
        self._timer.stop()
        self._generation += 1
        self._worker.close()

    def _let_go(self) -> None:
        """Stop following the document and free the slot for the next start."""
        if self.path is not None:
            self._document.dataset.unsubscribe(self._listener)
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def offer(self, parent: QWidget) -> Session | None:
        """Ask whether to restore the copy a previous run left; the session to restore (the
        window makes it its own, unsaved), or None. Declining removes the copy."""
        path = self.pending()
        if path is None:
            return None
        try:
            session = load_session(path)
        except SessionFileError as error:
            print(_("neuron-lab: the recovery copy cannot be read: {error}").format(
                error=error), file=sys.stderr)
            _remove(path)
            return None
        if session.epoch:
            question = self.tr("Neuron Lab did not close normally last time. Restore the {0} "
                               "unsaved points it kept, and the run trained on them to epoch "
                               "{1}?").format(len(session.labels), session.epoch)
        else:
            question = self.tr("Neuron Lab did not close normally last time. Restore the {0} "
                               "unsaved points it kept?").format(len(session.labels))
        answer = QMessageBox.question(
            parent, self.tr("Restore unsaved work?"), question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            _remove(path)
            return None
        return session



def _write(path: Path, session: Session) -> None:
    """On the worker thread. A full disk must not stop the editing: one line on stderr."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_session(path, session)
    except OSError as error:
        print(_("neuron-lab: could not write the recovery copy {path}: {reason}").format(
            path=path, reason=error.strerror or error), file=sys.stderr)
    except SessionFileError as error:
        print(_("neuron-lab: the recovery copy: {error}").format(error=error), file=sys.stderr)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        print(_("neuron-lab: could not remove the recovery copy {path}: {reason}").format(
            path=path, reason=error.strerror or error), file=sys.stderr)
