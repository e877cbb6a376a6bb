"""Crash recovery: unsaved points, and the run trained on them, survive a kill -9 and are
offered back on the next start; a clean exit leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtWidgets import QMessageBox

import gui.recovery
from core.cli import parse
from core.config import TrainConfig
from core.dataset import Dataset
from core.history import COLUMNS, EpochHistory
from core.session import load_session, save_session, session_of
from gui.app import open_window
from gui.recovery import RECOVERY_NAME

ROOT = Path(__file__).resolve().parents[2]
ADDED = [(0.25, 0.75, 1), (-0.5, 0.125, 0), (2.0, -1.5, 1)]

DRIVER = textwrap.dedent("""
    import json, os, signal, sys
    sys.path.insert(0, sys.argv[1])
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Neuron Lab")  # as run_app names it: the app-data folder's name
    from core.cli import parse
    from gui.app import open_window
    from gui.recovery import default_folder
    window = open_window(parse([]), recovery_folder=default_folder())
    for x, y, label in {added!r}:
        window.dataset.add(x, y, label)
    window.bridge.restart(window.bridge.config.with_changes(epochs=5))  # and train a little
    path = window.recovery.path

    def kill_once_written():  # the event loop runs; killed once the copy holds the run
        if path.exists() and (json.loads(path.read_text())["model"] or {{}}).get("epoch") == 5:
            print(path, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    poll = QTimer()
    poll.timeout.connect(kill_once_written)
    poll.start(20)
    QTimer.singleShot(60_000, app.quit)  # never written: exit normally, and the test fails
    app.exec()
""")


@pytest.fixture
def fast(monkeypatch):
    """A short debounce, so a test waits a fraction of a second, not the user's seconds."""
    monkeypatch.setattr(gui.recovery, "DELAY_MS", 50)


@pytest.fixture
def launch(qtbot, answers):
    """The window as ``python main.py`` opens it, with recovery in ``folder``, once its model
    is built and compiled: a copy waits for the training thread's capture, which comes
    between chunks, not during a compilation that takes seconds on a busy machine (the
    tests' few-second waits are for the copy, not for TensorFlow's start)."""
    windows = []

    def make(folder: Path):
        window = open_window(parse([]), recovery_folder=folder)
        qtbot.addWidget(window)
        windows.append(window)
        qtbot.waitUntil(lambda: window.bridge.trainer.state.value in ("paused", "waiting"),
                        timeout=120_000)
        return window

    yield make
    for window in windows:
        window.close()
    assert "recovery" not in [thread.name for thread in threading.enumerate()]


def expected_points(options_args=()):
    options = parse(list(options_args))
    xy = np.vstack([options.xy, [[x, y] for x, y, _ in ADDED]])
    labels = np.concatenate([options.labels, [label for *_, label in ADDED]])
    return xy, labels


def test_points_survive_kill_9_and_are_restored(tmp_path, qtbot, launch, answers):
    data_home = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home"),
           "XDG_DATA_HOME": str(data_home), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    (tmp_path / "run").mkdir(mode=0o700)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(added=ADDED))
    done = subprocess.run([sys.executable, str(driver), str(ROOT)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    recovery = Path(done.stdout.strip())
    assert recovery.parent.is_relative_to(data_home)  # the platform's app-data folder
    assert sorted(os.listdir(recovery.parent)) == [  # no stray temporary file
        RECOVERY_NAME, f"{RECOVERY_NAME}.lock"]
    saved = load_session(recovery)
    xy, labels = saved.xy, saved.labels
    assert saved.epoch == 5 and len(saved.history) == 6
    want_xy, want_labels = expected_points()
    np.testing.assert_array_equal(xy, want_xy)
    np.testing.assert_array_equal(labels, want_labels)

    replies, asked = answers
    replies.append(QMessageBox.StandardButton.Yes)
    window = launch(recovery.parent)
    assert asked and f"{len(want_labels)} unsaved points" in asked[0] and "epoch 5" in asked[0]
    snapshot = window.dataset.snapshot()
    np.testing.assert_array_equal(snapshot.xy, want_xy)
    np.testing.assert_array_equal(snapshot.labels, want_labels)
    assert window.document.has_unsaved_points()  # they were never saved
    # The run comes back too: epoch 5, the weights it had.
    qtbot.waitUntil(lambda: window.metrics.latest is not None
                    and window.metrics.latest.epoch == 5, timeout=60_000)
    np.testing.assert_array_equal(window.metrics.history("w1"),
                                  saved.history[:, COLUMNS.index("w1")])
    w = saved.history[-1, COLUMNS.index("w1"): COLUMNS.index("w2") + 1]
    assert window.metrics.latest.w == tuple(w)  # the model itself, re-evaluated
    assert window.close()  # the unsaved-points question: Discard (the fixture's default)
    assert not recovery.exists()  # a clean exit: nothing to offer next time


def test_declining_keeps_the_start_points_and_drops_the_copy(tmp_path, launch, answers):
    xy, labels = expected_points()
    save_session(tmp_path / RECOVERY_NAME,
                 session_of(Dataset(xy, labels).snapshot(), TrainConfig(), None, EpochHistory()))
    replies, asked = answers
    replies.append(QMessageBox.StandardButton.No)
    window = launch(tmp_path)
    assert len(asked) == 1
    assert len(window.dataset) == len(parse([]).labels)
    assert not (tmp_path / RECOVERY_NAME).exists()


def test_no_question_without_a_copy(tmp_path, launch, answers):
    launch(tmp_path)
    assert answers[1] == []


def test_the_copy_follows_the_unsaved_points(tmp_path, qtbot, launch, fast):
    window = launch(tmp_path)
    path = tmp_path / RECOVERY_NAME
    qtbot.wait(200)
    assert not path.exists()  # loaded and untouched: nothing to lose
    for x, y, label in ADDED:
        window.dataset.add(x, y, label)
    qtbot.waitUntil(path.exists, timeout=5000)
    assert len(load_session(path).labels) == len(expected_points()[1])
    window.dataset.move(0, 5.0, 5.0)
    qtbot.waitUntil(lambda: load_session(path).xy[0].tolist() == [5.0, 5.0], timeout=5000)
    for _ in range(len(ADDED) + 1):
        window.dataset.undo()  # back to the loaded points: saved, so no copy
    qtbot.waitUntil(lambda: not path.exists(), timeout=5000)
    window.dataset.add(1.0, 1.0, 0)
    qtbot.waitUntil(path.exists, timeout=5000)
    assert window.files.save_to(tmp_path / "mine.csv")
    qtbot.waitUntil(lambda: not path.exists(), timeout=5000)


def test_a_clean_exit_removes_the_copy(tmp_path, qtbot, launch, fast):
    window = launch(tmp_path)
    window.dataset.add(0.5, 0.5, 1)
    path = tmp_path / RECOVERY_NAME
    qtbot.waitUntil(path.exists, timeout=5000)
    assert window.close()
    assert not path.exists()


def test_edits_are_written_a_few_seconds_later_not_at_once(tmp_path, qtbot, launch):
    window = launch(tmp_path)
    window.dataset.add(0.5, 0.5, 1)
    qtbot.wait(300)
    assert not (tmp_path / RECOVERY_NAME).exists()  # a drag's many moves are one write
    qtbot.waitUntil((tmp_path / RECOVERY_NAME).exists, timeout=gui.recovery.DELAY_MS + 3000)


def test_a_folder_that_cannot_be_written_costs_one_line_not_the_app(tmp_path, qtbot, launch,
                                                                    fast, capfd):
    blocker = tmp_path / "file"
    blocker.write_text("")
    window = launch(blocker / "sub")  # a folder inside a file: never creatable
    window.dataset.add(0.5, 0.5, 1)
    qtbot.waitUntil(lambda: "recovery copy" in capfd.readouterr().err, timeout=5000)
    assert len(window.dataset) == len(parse([]).labels) + 1


def test_an_unreadable_copy_is_dropped_with_one_line(tmp_path, launch, answers, capfd):
    (tmp_path / RECOVERY_NAME).write_text("x,y,label\n1,2,7\n")
    window = launch(tmp_path)
    assert answers[1] == []  # nothing worth asking about
    assert len(window.dataset) == len(parse([]).labels)
    assert not (tmp_path / RECOVERY_NAME).exists()
    err = capfd.readouterr().err
    assert "recovery copy cannot be read" in err and "invalid JSON" in err
    assert err.count("\n") == 1


def test_two_windows_at_once_keep_their_own_copies(tmp_path, qtbot, launch, fast):
    first, second = launch(tmp_path), launch(tmp_path)
    assert first.recovery.path != second.recovery.path
    first.dataset.add(0.5, 0.5, 1)
    second.dataset.add(0.25, 0.25, 0)
    second.dataset.add(0.75, 0.75, 0)
    qtbot.waitUntil(lambda: first.recovery.path.exists() and second.recovery.path.exists(),
                    timeout=60_000)  # after both trainers have built their models
    count = len(parse([]).labels)
    assert len(load_session(first.recovery.path).labels) == count + 1
    assert len(load_session(second.recovery.path).labels) == count + 2
    assert first.close()
    assert second.recovery.path.exists()  # the other window's work is not the first's to drop


def test_a_copy_left_in_another_slot_is_offered_to_the_next_start(tmp_path, launch, answers):
    """The second of two windows was killed: its copy (recovery-2) is offered next time even
    when the next start is the only window."""
    xy, labels = expected_points()
    save_session(tmp_path / "recovery-2.neuronlab",
                 session_of(Dataset(xy, labels).snapshot(), TrainConfig(), None, EpochHistory()))
    replies, asked = answers
    replies.append(QMessageBox.StandardButton.Yes)
    window = launch(tmp_path)
    assert len(asked) == 1 and window.recovery.path.name == "recovery-2.neuronlab"
    assert len(window.dataset) == len(labels)
