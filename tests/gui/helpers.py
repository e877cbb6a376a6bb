"""Gestures the GUI tests share: clicks at data coordinates, scenario buttons, epoch lists."""

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QPushButton


def click(qtbot, window, x, y, button=Qt.MouseButton.LeftButton,
          modifier=Qt.KeyboardModifier.NoModifier):
    """A click on the plot exactly at data coordinates (x, y)."""
    plot = window.plot
    qtbot.mouseClick(plot.viewport(), button, modifier, plot.to_widget(x, y))


def one_pixel(window) -> float:
    """The larger of the view's two pixel sizes, in data units: a click's precision."""
    return max(abs(v) for v in window.plot.getViewBox().viewPixelSize())


def scenario_button(window, title) -> QPushButton:
    return next(b for b in window.controls.findChildren(QPushButton) if b.text() == title)


def press_scenario(qtbot, window, title) -> None:
    qtbot.mouseClick(scenario_button(window, title), Qt.MouseButton.LeftButton)


def epochs_of(batches) -> list[int]:
    """The epoch numbers in one epochsReady emission (a list of EpochBatch)."""
    return [int(epoch) for batch in batches for epoch in batch.epoch]
