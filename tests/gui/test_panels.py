"""The column beside the plot: its tabs, their keys, and buttons that leave Space to training."""

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractButton


def test_ctrl_and_a_number_opens_each_tab(qtbot, make_window):
    window = make_window()
    panels = (window.metrics, window.coach_panel, window.predict_panel, window.landscape_panel,
              window.lr_finder_panel)
    titles = []
    for number, panel in enumerate(panels, start=1):
        qtbot.keyClick(window.plot, Qt.Key(Qt.Key.Key_0 + number),
                       Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(panel.isVisible)
        titles.append(window.panels.tabText(window.panels.currentIndex()))
    assert [t.split(" (")[0] for t in titles] == ["Charts", "Coach", "Predict", "Landscape",
                                                  "Rate finder"]
    assert all(window.panels.tabToolTip(i) for i in range(window.panels.count()))


def test_a_click_on_a_panels_button_leaves_space_to_train_and_pause(qtbot, make_window):
    """Clicking "Pick on plot" and then pressing Space trains: the button did not keep the
    keys (Space would have toggled picking off again, and training would not start)."""
    window = make_window()
    qtbot.keyClick(window.plot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    panel = window.predict_panel
    qtbot.waitUntil(panel.isVisible)
    qtbot.mouseClick(panel.pick, Qt.MouseButton.LeftButton)
    assert panel.pick.isChecked()
    focused = window.focusWidget()
    assert not isinstance(focused, QAbstractButton), focused
    qtbot.keyClick(focused or window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.bridge.running, timeout=5_000)
    assert panel.pick.isChecked()
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.bridge.running, timeout=5_000)
