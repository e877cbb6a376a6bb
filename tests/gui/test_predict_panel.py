"""The Predict tab: the question's ``model.predict(predict_data)`` asked of the live model, with
the class at 0.5 and the label beside each number, as a person uses it."""

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from core.predict import QUESTION_ROWS, format_coordinate, keras_text, row_text
from core.trainer import TrainerState
from gui.plot_view import Brush
from gui.predict_panel import CLASS, LABEL, OUTPUT, X, Y
from tests.gui.helpers import click, one_pixel, press_scenario

TIMEOUT = 60_000


def open_panel(qtbot, window):
    """Click the Predict tab, as a person opens it."""
    panel = window.predict_panel
    tabs = window.panels.tabBar()
    index = window.panel_index(panel)
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(index).center())
    qtbot.waitUntil(panel.isVisible)
    return panel


def column(panel, index):
    return [panel.table.item(row, index).text() for row in range(panel.table.rowCount())]


def keras_predict(qtbot, window, rows):
    """The live model's predict on ``rows``, asked independently of the panel."""
    future = window.bridge.trainer.ask(
        lambda neuron: neuron.keras_model.predict(np.array(rows, dtype=float), verbose=0))
    qtbot.waitUntil(future.done, timeout=TIMEOUT)
    return future.result()


def answered(panel, epoch):
    """The panel shows predict's output of the live model at ``epoch`` for every row."""
    return (f"(epoch {epoch})" in panel.note.text()
            and "…" not in column(panel, OUTPUT) and panel.table.rowCount() > 0)


def settled(window, epoch):
    return (window.bridge.state is TrainerState.PAUSED and not window.bridge.running
            and window.metrics.latest is not None and window.metrics.latest.epoch == epoch)


def test_the_question_scenario_shows_keras_predict_its_classes_and_labels(qtbot, make_window):
    window = make_window()
    panel = open_panel(qtbot, window)
    panel.set_rows(())  # the scenario, not the seed-4 start, fills the rows
    assert panel.table.rowCount() == 0
    press_scenario(qtbot, window, "Question: 4 points")
    qtbot.waitUntil(lambda: settled(window, 20), timeout=TIMEOUT)
    assert panel.rows() == list(QUESTION_ROWS)  # (1, 1) twice, as the question wrote it
    qtbot.waitUntil(lambda: answered(panel, 20), timeout=TIMEOUT)
    expected = keras_predict(qtbot, window, QUESTION_ROWS)
    assert column(panel, OUTPUT) == [row_text(p) for p in expected[:, 0]]
    assert column(panel, CLASS) == [str(int(p > 0.5)) for p in expected[:, 0]]
    assert column(panel, LABEL) == ["0", "0", "1", "1"]
    assert column(panel, X) == ["0.0", "1.0", "1.0", "1.0"]
    # The question's two lines, and what they print, to copy
    code = panel.code.toPlainText()
    assert code.startswith("predict_data = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], "
                           "[1.0, 1.0]])\nprint(model.predict(predict_data))\n")
    assert code.endswith(keras_text(expected))
    qtbot.mouseClick(panel.copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == code.split("\n[[")[0]


def test_a_typed_row_is_predicted_and_a_word_is_refused(qtbot, make_window):
    window = make_window()
    panel = open_panel(qtbot, window)
    qtbot.waitUntil(lambda: answered(panel, 0), timeout=TIMEOUT)
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)  # a copy of the last row, editing x
    assert panel.table.rowCount() == 5

    def type_into(text):
        editor = QApplication.focusWidget()
        assert isinstance(editor, QLineEdit)
        editor.selectAll()
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        # The table commits what was typed on its next turn of the event loop
        qtbot.waitUntil(lambda: panel.table.state() != QAbstractItemView.State.EditingState)

    type_into("abc")
    assert "\"abc\" is not a number: x stays 1.0" in window.statusBar().currentMessage()
    assert panel.rows()[4] == (1.0, 1.0) and panel.table.item(4, X).text() == "1.0"
    assert panel.rows()[:4] == list(QUESTION_ROWS)  # nothing lost
    # Far out is refused too: at 1e30 every cross on the plot vanished
    panel.table.editItem(panel.table.item(4, X))
    type_into("1e30")
    assert ("\"1e30\" is too far out (at most 1,000,000 either way): x stays 1.0"
            in window.statusBar().currentMessage())
    assert panel.rows() == [*QUESTION_ROWS, (1.0, 1.0)] and panel.table.item(4, X).text() == "1.0"
    np.testing.assert_array_equal(np.column_stack(panel._marks.getData()), panel.rows())
    panel.table.editItem(panel.table.item(4, X))
    panel.table.editItem(panel.table.item(4, X))
    type_into("0.25")
    panel.table.editItem(panel.table.item(4, Y))
    type_into("-1.5")
    assert panel.rows()[4] == (0.25, -1.5)
    qtbot.waitUntil(lambda: answered(panel, 0) and panel.table.item(4, X).text() == "0.25",
                    timeout=TIMEOUT)
    expected = keras_predict(qtbot, window, [(0.25, -1.5)])[0, 0]
    assert panel.table.item(4, OUTPUT).text() == row_text(expected)
    assert panel.table.item(4, CLASS).text() == str(int(expected > 0.5))
    assert panel.table.item(4, LABEL).text() == "—"  # not a data point
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.remove, Qt.MouseButton.LeftButton)
    assert panel.rows() == [*QUESTION_ROWS[1:], (0.25, -1.5)]
    panel.table.selectRow(3)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert panel.rows() == list(QUESTION_ROWS[1:])
    qtbot.mouseClick(panel.clear, Qt.MouseButton.LeftButton)
    assert panel.rows() == [] and panel.code.toPlainText() == ""


def test_picking_on_the_plot_adds_rows_and_no_points(qtbot, make_window):
    window = make_window()
    panel = open_panel(qtbot, window)
    panel.set_rows(())
    points = len(window.dataset)
    qtbot.mouseClick(panel.pick, Qt.MouseButton.LeftButton)
    assert panel.pick.isChecked() and window.plot.picking
    click(qtbot, window, 0.5, 0.25)  # a place
    # On a point, a couple of pixels off: its coordinates exactly, so its label is known
    click(qtbot, window, 1.0 + 2 * one_pixel(window), 0.0)
    assert len(window.dataset) == points  # no point added
    (x, y), point = panel.rows()
    # The place, to a pixel's decimals (the click lands within half a pixel, rounding adds
    # at most half a pixel more)
    assert abs(x - 0.5) <= one_pixel(window) and abs(y - 0.25) <= one_pixel(window)
    assert len(format_coordinate(x)) <= 6 and len(format_coordinate(y)) <= 6
    assert point == (1.0, 0.0)
    assert panel.table.item(1, LABEL).text() == "0" and panel.table.item(0, LABEL).text() == "—"
    marks = panel._marks.getData()
    np.testing.assert_array_equal(np.column_stack(marks), panel.rows())  # crosses on the plot
    qtbot.waitUntil(lambda: answered(panel, 0), timeout=TIMEOUT)
    expected = keras_predict(qtbot, window, panel.rows())
    assert column(panel, OUTPUT) == [row_text(p) for p in expected[:, 0]]
    # Escape ends picking, and the status bar no longer says a click adds a row
    qtbot.keyClick(window.plot, Qt.Key.Key_Escape)
    assert not panel.pick.isChecked() and not window.plot.picking
    assert "Picking ended" in window.statusBar().currentMessage()
    click(qtbot, window, 0.5, 1.5)
    qtbot.waitUntil(lambda: len(window.dataset) == points + 1)
    assert len(panel.rows()) == 2


def test_while_picking_no_click_adds_or_removes_a_point(qtbot, make_window):
    """The right button, Ctrl+click and the Erase brush add or remove points, but not while
    picking: every click then only adds a row."""
    window = make_window()
    panel = open_panel(qtbot, window)
    panel.set_rows(())
    qtbot.mouseClick(panel.pick, Qt.MouseButton.LeftButton)
    points = window.dataset.snapshot()
    click(qtbot, window, 0.5, 0.25, button=Qt.MouseButton.RightButton)  # a class-0 point before
    click(qtbot, window, 1.0, 0.0, modifier=Qt.KeyboardModifier.ControlModifier)  # removed it
    window.brush_actions[Brush.ERASE].trigger()
    click(qtbot, window, 0.0, 1.0)  # the Erase brush removed it
    assert len(panel.rows()) == 3
    assert panel.rows()[1:] == [(1.0, 0.0), (0.0, 1.0)]  # the points' own coordinates
    after = window.dataset.snapshot()
    np.testing.assert_array_equal(after.xy, points.xy)
    np.testing.assert_array_equal(after.labels, points.labels)


def test_switching_tabs_ends_picking_and_the_status_bar_says_so(qtbot, make_window):
    window = make_window()
    panel = open_panel(qtbot, window)
    qtbot.mouseClick(panel.pick, Qt.MouseButton.LeftButton)
    assert "Click on the plot to add a predict row" in window.statusBar().currentMessage()
    tabs = window.panels.tabBar()
    charts = window.panel_index(window.metrics)
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(charts).center())
    qtbot.waitUntil(lambda: not panel.isVisible())
    assert not panel.pick.isChecked() and not window.plot.picking
    message = window.statusBar().currentMessage()
    assert "Picking ended" in message and "Click on the plot" not in message
    points = len(window.dataset)
    rows = panel.rows()
    click(qtbot, window, 0.5, 1.5)  # as the message says: a point, not a row
    qtbot.waitUntil(lambda: len(window.dataset) == points + 1)
    assert panel.rows() == rows


def test_the_output_follows_the_training_and_says_which_epoch_it_is(qtbot, make_window):
    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=10)
    panel = open_panel(qtbot, window)
    qtbot.waitUntil(lambda: answered(panel, 0), timeout=TIMEOUT)
    before = column(panel, OUTPUT)
    # Untrained, the bias is 0: at (0, 0) predict returns exactly 0.5, which is class 0
    # (predict > 0.5), as the decision line counts it
    assert (before[0], column(panel, CLASS)[0]) == ("[0.5]", "0")
    window.bridge.start()
    qtbot.waitUntil(lambda: settled(window, 10), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: answered(panel, 10), timeout=TIMEOUT)
    after = column(panel, OUTPUT)
    assert after != before
    expected = keras_predict(qtbot, window, QUESTION_ROWS)
    assert after == [row_text(p) for p in expected[:, 0]]
    # Looking back at an epoch, predict is still the live model: the panel says so
    window.timeline.look_at(3)
    assert "The plot shows epoch 3" in panel.note.text()
    assert "live model (epoch 10)" in panel.note.text()
    assert column(panel, OUTPUT) == after


def test_loading_the_questions_points_offers_its_rows_but_keeps_the_users(qtbot, make_window):
    window = make_window()
    panel = window.predict_panel
    assert panel.rows() == list(QUESTION_ROWS)  # opened on the seed-4 points
    panel.set_rows(())
    assert window.load_preset("noisy-corners") and panel.rows() == []
    assert window.load_preset("seed-4") and panel.rows() == list(QUESTION_ROWS)
    panel.set_rows([(0.5, 0.5)])
    assert window.load_preset("seed-4") and panel.rows() == [(0.5, 0.5)]
