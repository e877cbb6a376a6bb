"""Reading a data file on a worker thread, with its progress, so a big file never freezes the
window.

A 1,000,000-point CSV (20 MB) took 4.7 s to parse on the GUI thread; the window froze for all
of it. Here ``core.csv_io.load_csv`` runs on a thread of its own and reports how far it got;
the result (or the file's one-line error) comes back as a signal on the GUI thread, which
alone touches the document. One read at a time: a new one, or ``cancel``, abandons the one
under way (its thread stops at its next progress report, and a late result is dropped).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from core.csv_io import DataFileError, load_csv


class _Cancelled(Exception):
    """Raised inside the reader's progress report to stop an abandoned read."""


class FileReader(QObject):
    """Reads data files off the GUI thread, one at a time."""

    progressed = pyqtSignal(float)  # 0..1, how much of the file is read
    finished = pyqtSignal(object, object, object)  # path, (xy, labels) or None, error or None

    _reported = pyqtSignal(int, float)  # emitted on the reading thread: queued
    _delivered = pyqtSignal(int, object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serial = 0  # the read whose results count (GUI thread only)
        self._path: Path | None = None
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._reported.connect(self._report)
        self._delivered.connect(self._deliver)

    def reading(self) -> Path | None:
        """The file being read, if one is."""
        return self._path if self._stop is not None else None

    def read(self, path: Path) -> None:
        """Start reading ``path``; any read under way is abandoned."""
        self.cancel()
        self._serial += 1
        serial, stop = self._serial, threading.Event()
        self._stop, self._path = stop, path

        def progress(fraction: float) -> None:
            if stop.is_set():
                raise _Cancelled
            self._reported.emit(serial, fraction)

        def run() -> None:
            try:
                points, error = load_csv(path, progress), None
            except _Cancelled:
                return
            except DataFileError as problem:
                points, error = None, str(problem)
            except MemoryError:
                points, error = None, f"{path}: not enough memory to read it"
            if not stop.is_set():
                self._delivered.emit(serial, path, points, error)

        self._thread = threading.Thread(target=run, name="file-reader", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Abandon the read under way, if any: nothing of it will be delivered."""
        if self._stop is not None:
            self._stop.set()
            self._stop = None
            self._serial += 1

    def close(self, timeout: float = 30.0) -> None:
        """Abandon any read and wait for its thread (the fast parse stops between pieces)."""
        self.cancel()
        if self._thread is not None:
            self._thread.join(timeout)

    @pyqtSlot(int, float)
    def _report(self, serial: int, fraction: float) -> None:
        if serial == self._serial and self._stop is not None:
            self.progressed.emit(fraction)

    @pyqtSlot(int, object, object, object)
    def _deliver(self, serial: int, path: object, points: object, error: object) -> None:
        if serial == self._serial and self._stop is not None:
            self._stop = None
            self.finished.emit(path, points, error)
