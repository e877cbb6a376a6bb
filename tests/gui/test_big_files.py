"""Big data files are read on a worker thread (``gui/file_reader.py``): the window goes on,
shows how far the reading got, can stop it, and loses no edit made meanwhile.

``BACKGROUND_BYTES`` is lowered so a file of 6,000 rows (fast to write and read) takes the
path a 20 MB file takes; a gate in front of the parser holds a read "under way" for as long
as a test needs, so what happens meanwhile is tested without racing a real parse.
"""

import threading

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QMessageBox

import gui.file_actions
import gui.file_reader
from core.csv_io import load_csv
from tests.gui.helpers import click

ROWS = 6000


@pytest.fixture
def big_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(gui.file_actions, "BACKGROUND_BYTES", 1000)
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, ROWS)
    xy = rng.normal(size=(ROWS, 2)) + labels[:, None]
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([xy, labels]), fmt=["%.6f", "%.6f", "%d"], delimiter=",",
               header="x,y,label", comments="")
    return path


@pytest.fixture
def gate(monkeypatch):
    """While closed, a read waits before parsing; ``gate.set()`` lets it go on."""
    opened = threading.Event()

    def held_load(path, progress=None):
        opened.wait(30)
        return load_csv(path, progress)

    monkeypatch.setattr(gui.file_reader, "load_csv", held_load)
    yield opened
    opened.set()


def test_a_big_file_is_read_while_the_window_goes_on(qtbot, make_window, big_csv):
    window = make_window()
    progress: list[float] = []
    window.files._reader.progressed.connect(progress.append)
    assert window.open_path(big_csv)
    assert window.files.reading() == big_csv  # under way, not done within the call
    assert "Reading big.csv" in window.status.progress_shown()
    qtbot.waitUntil(lambda: len(window.dataset) == ROWS, timeout=30_000)
    assert window.files.reading() is None and window.status.progress_shown() is None
    assert progress and progress[-1] == 1.0 and progress == sorted(progress)
    assert "big.csv" in window.windowTitle()
    assert window.plot._scatters[1].count() + window.plot._scatters[0].count() == ROWS
    assert not window.document.has_unsaved_points()
    assert window.bridge.trainer.epoch == 0  # a new story from epoch 0


def test_a_bad_big_file_says_why_and_keeps_the_points(qtbot, make_window, big_csv):
    window = make_window()
    lines = big_csv.read_text().splitlines()
    lines[4000] = "0.5,0.5,2"
    big_csv.write_text("\n".join(lines) + "\n")
    assert window.open_path(big_csv)
    qtbot.waitUntil(lambda: window.files.reading() is None, timeout=30_000)
    assert "big.csv:4001: label must be 0 or 1, found '2'" in window.caption.error_text()
    assert len(window.dataset) == 4


def test_cancel_stops_the_reading_and_changes_nothing(qtbot, make_window, big_csv, gate):
    window = make_window()
    assert window.open_path(big_csv)
    assert window.status.progress_shown() is not None
    qtbot.mouseClick(window.status._cancel, Qt.MouseButton.LeftButton)
    assert window.files.reading() is None and window.status.progress_shown() is None
    gate.set()
    reader_finished(window)
    assert len(window.dataset) == 4 and "big.csv" not in window.windowTitle()


def test_edits_made_while_reading_are_not_dropped_without_asking(qtbot, make_window, big_csv,
                                                                 gate, answers):
    replies, asked = answers
    window = make_window()
    assert window.open_path(big_csv)
    click(qtbot, window, 0.5, 1.5)  # the user goes on editing meanwhile
    qtbot.waitUntil(lambda: len(window.dataset) == 5)
    replies.append(QMessageBox.StandardButton.Cancel)  # keep my edits
    gate.set()
    qtbot.waitUntil(lambda: window.files.reading() is None, timeout=30_000)
    assert asked and len(window.dataset) == 5  # asked, and the edit stayed
    assert "big.csv" not in window.windowTitle()


def test_choosing_a_preset_while_reading_abandons_the_file(qtbot, make_window, big_csv, gate):
    window = make_window()
    assert window.open_path(big_csv)
    assert window.load_preset("blobs")
    gate.set()
    reader_finished(window)
    assert window.document.preset == "blobs" and len(window.dataset) != ROWS
    assert window.status.progress_shown() is None


def reader_finished(window) -> None:
    """The reading thread has ended and whatever it sent has been delivered (a late result
    would have arrived by now)."""
    window.files._reader._thread.join(30)
    QApplication.processEvents()
