"""The one place where the trainer's thread meets Qt.

The trainer calls back on its own thread, possibly thousands of times a second. Here those
calls are queued and handed to the GUI thread in batches, at most about 60 times a second, so
the view redraws once per frame while every epoch still reaches the charts, in order.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import Future

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from core.config import TrainConfig
from core.dataset import Dataset
from core.record import EpochBatch
from core.trainer import Trainer, TrainerState
from gui.throttle import Throttle

FRAME_MS = 16


def keep_collections_short() -> None:
    """Collect, then take what is left out of the garbage collector's view.

    TensorFlow's import and each XLA compilation leave hundreds of thousands of objects that
    live as long as the process; full collections walking them all paused every thread, the
    GUI's too, for up to 160 ms (measured with 100,000 points) and grew with each compile.
    Frozen, they are never walked again. Collecting first matters: a discarded model that
    is garbage but not yet collected would be frozen for good (every Reset used to leak one
    that way). Reset with the same layers compiles nothing, so it freezes nothing and its
    discarded models stay collectable. The trainer offers the moments
    (``on_long_lived_objects``); the window's process owns this choice. Nothing frozen ever
    becomes garbage: compiled models are never dropped (``core.training_session``)."""
    gc.collect()
    gc.freeze()


class TrainingBridge(QObject):
    """Owns the ``Trainer`` for a window and re-emits its reports as Qt signals."""

    epochsReady = pyqtSignal(list)  # list[EpochBatch], in order, since the last emission
    stateChanged = pyqtSignal(object, str)  # TrainerState, message
    _wake = pyqtSignal()  # emitted from the trainer thread; delivered queued
    _answered = pyqtSignal(object, object, object)  # callback, answer, error: queued

    def __init__(self, dataset: Dataset, config: TrainConfig, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[EpochBatch] = []
        self._states: list[tuple[TrainerState, str]] = []
        self._woken = False
        self._throttle = Throttle(FRAME_MS, self.flush, self)
        self._wake.connect(self._throttle.request)
        self._answered.connect(self._deliver_answer)
        self.trainer = Trainer(dataset, config, self._on_epochs, self._on_state,
                               on_long_lived_objects=keep_collections_short)

    # --- commands --------------------------------------------------------------------------
    def prepare(self) -> None:
        self.trainer.prepare()

    def toggle(self) -> None:
        self.trainer.toggle()

    def start(self) -> None:
        self.trainer.start()

    def pause(self) -> None:
        self.trainer.pause()

    def step(self) -> None:
        self.trainer.step()

    def reset(self) -> None:
        self.trainer.reset()

    def set_pace(self, epochs_per_second: float | None) -> None:
        self.trainer.set_pace(epochs_per_second)

    def ask(self, question: Callable[[object], object],
            on_answer: Callable[[object, BaseException | None], None]) -> Future:
        """``Trainer.ask``, answered on the GUI thread: ``on_answer(answer, error)`` runs
        there once the training thread has run ``question(neuron)`` (not at all when the
        future is cancelled, e.g. the window closed first)."""
        return self._answer_here(self.trainer.ask(question), on_answer)

    def capture(self, on_answer: Callable[[object, BaseException | None], None]) -> Future:
        """``Trainer.capture`` (the model as a ``ModelState``), answered on the GUI thread as
        ``ask`` answers."""
        return self._answer_here(self.trainer.capture(), on_answer)

    def _answer_here(self, future: Future,
                     on_answer: Callable[[object, BaseException | None], None]) -> Future:
        def done(future: Future) -> None:  # on the training thread (or here, if cancelled)
            if future.cancelled():
                return
            error = future.exception()
            self._answered.emit(on_answer, None if error else future.result(), error)

        future.add_done_callback(done)
        return future

    def set_config(self, config: TrainConfig) -> bool:
        return self.trainer.set_config(config)

    def restart(self, config: TrainConfig) -> None:
        """Apply ``config``, build the model it describes from its seed, and train from 0."""
        self.trainer.restart(config)

    @property
    def config(self) -> TrainConfig:
        return self.trainer.config

    @property
    def running(self) -> bool:
        return self.trainer.running

    @property
    def state(self) -> TrainerState:
        return self.trainer.state

    def stop(self) -> None:
        self.trainer.stop()
        self.flush()

    # --- trainer thread side ---------------------------------------------------------------
    def _on_epochs(self, batch: EpochBatch) -> None:
        with self._lock:
            self._pending.append(batch)
        self._wake_gui()

    def _on_state(self, state: TrainerState, message: str) -> None:
        with self._lock:
            self._states.append((state, message))
        self._wake_gui()

    def _wake_gui(self) -> None:
        """One queued wake-up per flush: the GUI thread's event queue never floods."""
        with self._lock:
            wake, self._woken = not self._woken, True
        if wake:
            self._wake.emit()

    # --- GUI thread side -------------------------------------------------------------------
    @pyqtSlot(object, object, object)
    def _deliver_answer(self, on_answer: Callable[[object, BaseException | None], None],
                        answer: object, error: BaseException | None) -> None:
        on_answer(answer, error)

    def flush(self) -> None:
        """Deliver everything pending now (also called directly by tests and on close)."""
        with self._lock:
            batches, self._pending = self._pending, []
            states, self._states = self._states, []
            self._woken = False
        for state, message in states:
            self.stateChanged.emit(state, message)
        if batches:
            self.epochsReady.emit(batches)
