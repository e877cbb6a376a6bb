"""One small generic background worker: a function off the GUI thread, its result back on it.

Beside the training bridge this is the other place where a thread meets Qt. It is for short,
repeatable jobs whose newest answer is the only one worth showing (scikit-learn's fit of the
current points): one job runs at a time, a job submitted meanwhile waits as the single pending
one (replacing any older pending job), and only the result of the newest job is delivered, as a
Qt signal on the GUI thread. ``close()`` drops the pending job and joins the thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

_Job = tuple[int, Callable[..., object], tuple]


class BackgroundWorker(QObject):
    """Runs submitted functions on one worker thread, started on first use."""

    finished = pyqtSignal(object, object)  # result, exception (None when it returned)
    _delivered = pyqtSignal(int, object, object)  # emitted on the worker thread: queued

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._condition = threading.Condition()
        self._pending: _Job | None = None
        self._latest = 0  # serial of the newest job submitted (GUI thread only)
        self._closed = False
        self._thread: threading.Thread | None = None
        self._delivered.connect(self._deliver)

    def submit(self, function: Callable[..., object], *args: object) -> None:
        """Run ``function(*args)`` soon; any job not yet started is dropped for this one, and
        a job already running will have its result discarded."""
        if self._closed:
            return
        self._latest += 1
        with self._condition:
            self._pending = (self._latest, function, args)
            self._condition.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def cancel(self) -> None:
        """Forget the pending job and discard the running one's result."""
        self._latest += 1
        with self._condition:
            self._pending = None

    def close(self, timeout: float = 30.0) -> None:
        """Stop taking jobs, drop the pending one, and wait for a running one to end."""
        self._closed = True
        self.cancel()
        with self._condition:
            self._condition.notify()
        if self._thread is not None:
            self._thread.join(timeout)

    # --- worker thread ---------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._condition:
                while self._pending is None and not self._closed:
                    self._condition.wait()
                if self._pending is None:  # closed, nothing left to do
                    return
                (serial, function, args), self._pending = self._pending, None
            result: object = None
            error: BaseException | None = None
            try:
                result = function(*args)
            except Exception as caught:  # delivered to the GUI thread, which decides
                error = caught
            if not self._closed:
                self._delivered.emit(serial, result, error)

    # --- GUI thread ------------------------------------------------------------------------
    @pyqtSlot(int, object, object)
    def _deliver(self, serial: int, result: object, error: object) -> None:
        if serial == self._latest and not self._closed:  # otherwise a newer job is on its way
            self.finished.emit(result, error)
