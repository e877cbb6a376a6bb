"""How the window's parts share its area: the caption across the top; the settings, the plot
with its timeline, and the charts side by side below, in a splitter."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QScrollArea, QSplitter, QVBoxLayout, QWidget


def central_widget(caption: QWidget, controls: QWidget, plot: QWidget, timeline: QWidget,
                   metrics: QWidget) -> QWidget:
    scroller = QScrollArea()
    scroller.setWidget(controls)
    scroller.setWidgetResizable(True)
    scroller.setFrameShape(QFrame.Shape.NoFrame)
    # Its minimum, not its preferred width: at 900 pixels the plot and the charts need
    # the difference more (the panel scrolls vertically, its boxes narrow a little).
    scroller.setMinimumWidth(controls.minimumSizeHint().width() + 16)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(scroller)
    # The timeline under the plot: looking back is about what the plot shows.
    splitter.addWidget(_column(plot, timeline))
    splitter.addWidget(metrics)
    # The right-hand column is wide enough for its five tabs at the default 1280 pixels.
    splitter.setSizes([290, 580, 410])
    # A narrower window takes from the plot and the charts alike (2:1), not from the
    # plot alone: at 900 pixels the plot would be left 180 wide.
    splitter.setStretchFactor(1, 2)
    splitter.setStretchFactor(2, 1)
    # The caption above everything: readable, and of a fixed height (see gui/caption.py).
    return _column(caption, splitter, stretch_first=False)


def _column(first: QWidget, second: QWidget, stretch_first: bool = True) -> QWidget:
    """Two widgets stacked without margins; the stretching one takes the spare height."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(first, 1 if stretch_first else 0)
    layout.addWidget(second, 0 if stretch_first else 1)
    return column
