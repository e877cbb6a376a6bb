"""Crash recovery: unsaved points kept on disk a few seconds after each edit, offered back on
the next start, removed on a clean exit.

A kill -9, a power cut or a crash must not lose an afternoon of painted points. While the
document holds unsaved points, a debounce timer writes them, a few seconds after the last
change, as the app's own CSV to ``recovery.csv`` in the platform's app-data folder
(``QStandardPaths.AppDataLocation``), atomically (``core.atomic_write``): a kill in the middle
of a write leaves the previous copy whole. When the points become saved (or empty) the copy is
removed; closing the window the normal way removes it too. On the next start ``offer`` asks
whether to restore the copy; restored points are unsaved, as they were.

Writing 100,000 points takes about half a second (formatting each number exactly), so the
file work runs on a ``BackgroundWorker``; the GUI thread only takes the snapshot. Writes and
removals go through that one worker in order, so an old write can never land after a removal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, QStandardPaths, QTimer, pyqtSignal
from PyQt6.QtWidgets import QMessageBox, QWidget

from core.csv_io import DataFileError, load_csv, save_csv
from core.document import Document
from gui.background import BackgroundWorker

RECOVERY_NAME = "recovery.csv"
DELAY_MS = 2000  # after the last edit: a drag of many moves is one write, not hundreds


def default_folder() -> Path | None:
    """The platform's app-data folder for Neuron Lab (None when the platform names none)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) if folder else None


class Recovery(QObject):
    """Keeps ``folder/recovery.csv`` equal to the document's unsaved points (None: off)."""

    _changed = pyqtSignal()  # the dataset's callback, brought to this object's thread

    def __init__(self, document: Document, folder: Path | None,
                 parent: QObject | None = None, delay_ms: int | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.path = folder / RECOVERY_NAME if folder is not None else None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS if delay_ms is None else delay_ms)
        self._timer.timeout.connect(self.write_now)
        self._worker = BackgroundWorker("recovery", self)
        self._changed.connect(self.schedule)
        self._listener = lambda: self._changed.emit()  # one object, to unsubscribe it
        if self.path is not None:
            document.dataset.subscribe(self._listener)

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
        if not self._document.has_unsaved_points():
            self._worker.submit(_remove, self.path)
            return
        snapshot = self._document.dataset.snapshot()
        self._worker.submit(_write, self.path, snapshot.xy, snapshot.labels)

    def discard(self) -> None:
        """A clean exit: nothing to recover next time."""
        self._timer.stop()
        self._worker.close()  # a write still running ends first, then the file goes
        if self.path is not None:
            self._document.dataset.unsubscribe(self._listener)
            _remove(self.path)

    def offer(self, parent: QWidget) -> bool:
        """Ask whether to restore the copy a previous run left; True when its points now
        replace the current ones (one undo step, unsaved). Declining removes the copy."""
        path = self.pending()
        if path is None:
            return False
        try:
            xy, labels = load_csv(path)
        except DataFileError as error:
            print(f"neuron-lab: the recovery copy cannot be read: {error}", file=sys.stderr)
            _remove(path)
            return False
        answer = QMessageBox.question(
            parent, self.tr("Restore unsaved points?"),
            self.tr("Neuron Lab did not close normally last time. Restore the {0} unsaved "
                    "points it kept?").format(len(labels)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            _remove(path)
            return False
        # Not document.load: that would mark them saved, and they never were.
        self._document.dataset.replace(xy, labels)
        self._document.path = None
        self._document.preset = None
        return True



def _write(path: Path, xy: np.ndarray, labels: np.ndarray) -> None:
    """On the worker thread. A full disk must not stop the editing: one line on stderr."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_csv(path, xy, labels)
    except OSError as error:
        print(f"neuron-lab: could not write the recovery copy {path}: "
              f"{error.strerror or error}", file=sys.stderr)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        print(f"neuron-lab: could not remove the recovery copy {path}: "
              f"{error.strerror or error}", file=sys.stderr)
