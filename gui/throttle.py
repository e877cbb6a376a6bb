"""Run a callback at most once per interval, however often it is asked for.

The trainer can report thousands of times a second; the plot needs a redraw per frame and the
charts ten a second. Asking again before the interval has passed schedules one call for when
it has, and asking while that call is pending changes nothing, so the latest state is always
drawn and nothing is drawn twice for the same wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, interval_ms: float, callback: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._interval_s = interval_ms / 1000
        self._callback = callback
        self._last = float("-inf")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fire)

    def request(self) -> None:
        """Call back now if the interval has passed since the last call, else once when it has."""
        wait = self._interval_s - (time.perf_counter() - self._last)
        if wait <= 0:
            self.fire()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def fire(self) -> None:
        """Call back now (and cancel a scheduled call): also for tests and on close."""
        self._timer.stop()
        self._last = time.perf_counter()
        self._callback()
