import dataclasses
import threading

import numpy as np
import pytest
from PyQt6.QtCore import QRectF
from PyQt6.QtWidgets import QMessageBox

from core.config import TrainConfig
from core.dataset import Dataset
from core.document import Document
from core.scenarios import SCENARIOS
from gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def unpaced_scenarios(request, monkeypatch):
    """Scenarios play at the engine's speed in tests, so a test waits for figures, not for a
    pace meant for a person; tests marked ``paced`` keep the scenarios' own paces."""
    if request.node.get_closest_marker("paced") is None:
        for name, scenario in SCENARIOS.items():
            monkeypatch.setitem(SCENARIOS, name, dataclasses.replace(scenario, pace=None))


@pytest.fixture
def answers(monkeypatch):
    """Scripted replies to the unsaved-points question (a modal dialog would block the test)."""
    replies: list = []
    asked: list = []

    def question(*args, **kwargs):
        asked.append(args[2] if len(args) > 2 else "")
        return replies.pop(0) if replies else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", question)
    return replies, asked


@pytest.fixture
def make_window(qtbot, answers):
    """A real main window, shown offscreen, with its model built and a fixed view range."""
    windows = []

    def make(xy=None, labels=None, pace=None, **config):
        """``pace``: epochs per second (None, the default in tests: as fast as it goes)."""
        if xy is None:
            xy = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
            labels = np.array([0, 0, 1, 1])
        window = MainWindow(Document(Dataset(xy, labels), preset="seed-4"), TrainConfig(**config),
                            pace=pace)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.plot.setRange(QRectF(-1.0, -1.0, 3.0, 3.0), padding=0)
        windows.append(window)
        with qtbot.waitSignal(window.bridge.epochsReady, timeout=60_000):
            window.bridge.prepare()
        return window

    yield make
    for window in windows:
        window.close()
    # Every thread a window starts ends with it: the trainer and each panel's worker.
    owned = ("trainer", "reference", "coach-reference", "landscape", "lr-finder", "recovery",
             "file-reader")
    assert not [t.name for t in threading.enumerate() if t.name in owned]
