"""File → Save / Open whole sessions in the real window: reopened, Space goes on as if the
window had never closed."""

import json

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFileDialog

from core.trainer import TrainerState
from tests.gui.helpers import click


def train_to(qtbot, window, epoch: int) -> None:
    """Set the epoch limit in the controls and press Space, as a user does."""
    window.controls.epochs.setValue(epoch)
    window.controls.epochs.editingFinished.emit()
    window.plot.setFocus()
    qtbot.keyClick(window.plot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.metrics.latest is not None
                    and window.metrics.latest.epoch == epoch
                    and window.bridge.state is TrainerState.PAUSED, timeout=60_000)


def rows_after(window, epoch: int) -> dict[str, np.ndarray]:
    recorded = window.metrics.recorded
    keep = recorded.column("epoch") > epoch
    return {name: window.metrics.history(name)[keep] for name in ("epoch", "loss", "w1", "w2",
                                                                  "b", "eval_accuracy")}


def test_a_saved_session_reopens_where_it_stopped_and_trains_the_same_epochs(
        qtbot, make_window, tmp_path, monkeypatch):
    first = make_window(optimizer="adam", learning_rate=0.05, batch_size=2, test_split=0.25)
    click(qtbot, first, 0.5, 1.5)  # an edited data set: its ids and the split come back
    qtbot.waitUntil(lambda: len(first.dataset) == 5)
    train_to(qtbot, first, 20)
    path = tmp_path / "run.neuronlab"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "run"), ""))
    qtbot.keyClick(first.plot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    assert path.is_file() and json.loads(path.read_text())["model"]["epoch"] == 20
    assert first.windowTitle().endswith("run.neuronlab")
    assert not first.document.has_unsaved_points()
    view = first.plot.view_range()
    train_to(qtbot, first, 30)  # the window never closed: epochs 21..30

    second = make_window()  # another window, elsewhere, other settings
    assert second.open_path(path)
    qtbot.waitUntil(lambda: second.metrics.latest is not None
                    and second.metrics.latest.epoch == 20, timeout=60_000)
    assert second.bridge.config.optimizer == "adam" and second.controls.epochs.value() == 20
    assert len(second.dataset) == 5 and second.document.path == path
    assert not second.metrics.stale  # the same points it trained on: not "earlier points"
    np.testing.assert_allclose(second.plot.view_range(), view)
    # The charts show the saved history; the held-out marks are the same points.
    np.testing.assert_array_equal(second.metrics.history("loss")[:21],
                                  first.metrics.history("loss")[:21])
    np.testing.assert_array_equal(second.dataset.snapshot().ids, first.dataset.snapshot().ids)
    np.testing.assert_array_equal(second.plot.held_out(), first.plot.held_out())
    train_to(qtbot, second, 30)
    for name, values in rows_after(second, 20).items():
        np.testing.assert_array_equal(values, rows_after(first, 20)[name], err_msg=name)


def test_a_broken_session_is_one_line_on_screen_and_changes_nothing(
        qtbot, make_window, tmp_path):
    window = make_window()
    before = window.dataset.snapshot()
    broken = tmp_path / "broken.neuronlab"
    broken.write_text('{"format": "neuron-lab-session", "version": 99}')
    assert not window.open_path(broken)
    assert "newer Neuron Lab" in window.caption.error_text()
    assert np.array_equal(window.dataset.snapshot().xy, before.xy)


def test_the_unsaved_points_question_saves_the_session(qtbot, make_window, tmp_path,
                                                         monkeypatch, answers):
    from PyQt6.QtWidgets import QMessageBox

    window = make_window()
    click(qtbot, window, 0.5, 1.5)
    qtbot.waitUntil(lambda: window.document.has_unsaved_points())
    replies, asked = answers
    replies.append(QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (str(tmp_path / "kept.neuronlab"), ""))
    assert window.load_preset("blobs")
    assert asked and (tmp_path / "kept.neuronlab").is_file()
    assert len(json.loads((tmp_path / "kept.neuronlab").read_text())["points"]["x"]) == 5


def test_a_session_whose_model_does_not_fit_says_so_on_screen(qtbot, make_window, tmp_path):
    window = make_window(optimizer="adam", learning_rate=0.1)
    train_to(qtbot, window, 3)
    path = tmp_path / "adam.neuronlab"
    assert window.sessions.save_to(path)
    document = json.loads(path.read_text())
    document["config"]["optimizer"] = "sgd"  # Adam's moments do not fit SGD
    path.write_text(json.dumps(document))
    assert window.open_path(path)
    qtbot.waitUntil(lambda: "does not fit its settings" in window.caption.error_text(),
                    timeout=60_000)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 0, timeout=60_000)
    assert len(window.dataset) == 4  # the points opened all the same
