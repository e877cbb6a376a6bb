"""Help a newcomer finds on the screen: the first-launch welcome over the plot, and the Help
menu's dialogs (keys generated from the window's own actions, what the lines mean)."""

import numpy as np
import pytest
from PyQt6.QtCore import QRectF, QSettings, Qt
from PyQt6.QtGui import QKeySequence

from core.config import TrainConfig
from core.dataset import Dataset
from core.document import Document
from gui.help import HelpDialog
from gui.main_window import MainWindow
from tests.gui.helpers import click


@pytest.fixture
def settings(tmp_path):
    """Settings of a user who never launched the app, in a file of the test's own."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def launch(qtbot, answers):
    """A window as the app opens it for a user with ``settings`` (no model needed)."""
    windows = []

    def make(settings):
        xy = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        window = MainWindow(Document(Dataset(xy, np.array([0, 0, 1, 1])), preset="seed-4"),
                            TrainConfig(), pace=None, settings=settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # window shortcuts (Escape) work from now
        window.plot.setRange(QRectF(-1.0, -1.0, 3.0, 3.0), padding=0)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def test_the_welcome_shows_on_the_first_launch_only(launch, settings):
    first = launch(settings)
    assert first.welcome.isVisible()
    assert first.welcome.geometry() == first.plot.viewport().rect()  # over the whole plot
    first.welcome.got_it.click()
    assert not first.welcome.isVisible()
    second = launch(settings)  # the next launch, same user
    assert not second.welcome.isVisible() and not second.welcome.showing()


def test_the_welcome_never_shows_without_settings(make_window):
    """Tests, screenshots and --scenario runs pass no settings: nothing covers the plot."""
    window = make_window()
    assert not window.welcome.isVisible()


@pytest.mark.parametrize("where", ["viewport", "card"])
def test_a_click_that_dismisses_the_welcome_adds_no_point(qtbot, launch, settings, where):
    window = launch(settings)
    if where == "viewport":  # a click delivered to the plot itself
        click(qtbot, window, 0.5, 0.5)
    else:  # a click on the veil, as the window system delivers it
        qtbot.mouseClick(window.welcome, Qt.MouseButton.LeftButton)
    assert not window.welcome.isVisible()
    assert len(window.dataset) == 4
    click(qtbot, window, 0.5, 0.5)  # the next click adds a point as usual
    assert len(window.dataset) == 5


def test_escape_dismisses_the_welcome_and_help_shows_it_again(qtbot, launch, settings):
    window = launch(settings)
    qtbot.keyClick(window.plot, Qt.Key.Key_Escape)
    assert not window.welcome.isVisible()
    window.welcome_action.trigger()
    assert window.welcome.isVisible()
    qtbot.keyClick(window.plot, Qt.Key.Key_Space)  # Space still trains with it shown
    assert window.bridge.running
    window.bridge.pause()


def test_f1_lists_every_key_of_the_window_from_its_actions(qtbot, make_window):
    window = make_window()
    qtbot.keyClick(window.plot, Qt.Key.Key_F1)
    dialog = window.findChild(HelpDialog, "keys-dialog")
    assert dialog is not None and dialog.isVisible()
    text = dialog.browser.toPlainText()
    assert "Space" in text and "Ctrl+Z" in text and "Right-click" in text
    for action in window.actions():  # generated from the actions: none missing
        for key in action.shortcuts():
            assert key.toString(QKeySequence.SequenceFormat.NativeText) in text


def test_the_help_menu_explains_the_lines_and_charts(qtbot, make_window):
    window = make_window()
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    titles = [a.text() for a in menu.actions()]
    assert titles == ["Keys and gestures…", "What the lines and charts mean…",
                      "Show the welcome again"]
    menu.actions()[1].trigger()
    text = window.findChild(HelpDialog, "meanings-dialog").browser.toPlainText()
    for words in ("Dashed line", "BatchNormalization", "probability map", "Rings", "fit",
                  "predict", "test", "weights chart"):
        assert words in text
