"""The timeline under the plot: look back at any recorded epoch, then return to live.

Looking back redraws the line, the map, the rings and the figures of that epoch from the
history (``EpochHistory.epoch_at``), without the model and without training. Training goes on
from the latest epoch: looking back is a view, not a branch, so Train returns to live.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QFontMetrics
from PyQt6.QtWidgets import QHBoxLayout, QSlider, QToolButton, QWidget

from gui.painted_text import PaintedText


class Timeline(QWidget):
    """A slider over epochs 0..latest. ``cursorChanged`` carries the epoch looked at, or None
    for live (the latest epoch, following training)."""

    cursorChanged = pyqtSignal(object)  # int epoch, or None: live

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._latest = 0
        self._cursor: int | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 2)
        self.back = self._button("◀", self.tr("Step back one recorded epoch ([ or Shift+Left)"))
        self.forward = self._button("▶", self.tr(
            "Step forward one recorded epoch (] or Shift+Right)"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        # Keys are window-wide ([ ], Shift+arrows, End): a focused slider would keep Space.
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setToolTip(self.tr(
            "Look back at any epoch: its line, map and figures, without retraining. "
            "Training goes on from the latest epoch (End returns to live)"))
        self.slider.valueChanged.connect(self._moved)
        self.live = self._button(self.tr("Live"), self.tr("Back to the latest epoch (End)"))
        self.live.setCheckable(True)
        self.live.setChecked(True)
        # Painted and of a fixed width: its text changes every frame while training, and a
        # QLabel would lay the window out again each time.
        self.label = PaintedText(wrap=False)
        bold = self.label.font()
        bold.setBold(True)
        self.label.setFont(bold)
        self.label.setFixedWidth(QFontMetrics(bold).horizontalAdvance(
            self.tr("epoch {0} of {1}").format(10**6, 10**6)) + 4)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for widget in (self.back, self.slider, self.forward, self.live, self.label):
            layout.addWidget(widget, stretch=1 if widget is self.slider else 0)
        self.live.clicked.connect(self.go_live)
        self.setFixedHeight(self.sizeHint().height())
        self._render()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves Space to training
        return button

    @property
    def cursor(self) -> int | None:
        return self._cursor

    def set_latest(self, epoch: int) -> None:
        """Training reached ``epoch`` (or a new model is back at 0). Live follows it; a look
        back at an epoch that no longer exists (a reset) returns to live."""
        self._latest = epoch
        if self._cursor is not None and self._cursor > epoch:
            self._cursor = None
            self.cursorChanged.emit(None)
        self._render()

    def look_at(self, epoch: int | None) -> None:
        """Look at ``epoch`` (None, or the latest epoch itself: live)."""
        cursor = None if epoch is None or epoch >= self._latest else max(0, int(epoch))
        if cursor != self._cursor:
            self._cursor = cursor
            self.cursorChanged.emit(cursor)
        self._render()

    def go_live(self) -> None:
        self.look_at(None)

    def _moved(self, value: int) -> None:
        self.look_at(value)

    def _render(self) -> None:
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, self._latest)
        # A click in the groove jumps a twentieth of the run (Qt's default, 10 epochs, was
        # nothing in a run of 18,000).
        self.slider.setPageStep(max(1, self._latest // 20))
        self.slider.setValue(self._latest if self._cursor is None else self._cursor)
        self.slider.blockSignals(blocked)
        self.live.setChecked(self._cursor is None)
        if self._cursor is None:
            self.label.setText(self.tr("live: epoch {0}").format(self._latest))
        else:
            self.label.setText(self.tr("epoch {0} of {1}").format(self._cursor, self._latest))
        self.label.set_color("#202020" if self._cursor is None else "#b45309")
