"""The pace control: how many epochs a second the window plays, from one to the engine's speed.

A run that ends in a fifth of a second teaches nothing; a person needs to see the first epochs
move the line. The steps are ``core.pacing.PACES``; the slider sits in the toolbar and never
takes keyboard focus (``-`` and ``+`` are the keys, window-wide), so Space still trains.
"""

from __future__ import annotations

import math

from PyQt6.QtCore import QCoreApplication, Qt, pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QWidget

from core.pacing import PACES


def pace_text(pace: float | None) -> str:
    """'5 epochs/s', or 'max' for as fast as it goes, in the user's language."""
    if pace is None:
        return QCoreApplication.translate("Pace", "max speed")
    return QCoreApplication.translate("Pace", "{0:g} epochs/s").format(pace)


def nearest_step(pace: float | None) -> int:
    """The slider step closest to ``pace`` (on a log scale; None is the last step)."""
    if pace is None:
        return len(PACES) - 1
    paced = [(abs(math.log(step / pace)), index) for index, step in enumerate(PACES)
             if step is not None]
    return min(paced)[1]


class PaceControl(QWidget):
    """A slider over ``PACES`` and the pace it stands for."""

    paceChanged = pyqtSignal(object)  # float epochs per second, or None: as fast as it goes

    def __init__(self, pace: float | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(QLabel(self.tr("Pace")))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, len(PACES) - 1)
        self.slider.setPageStep(1)
        self.slider.setFixedWidth(80)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys: - and +, window-wide
        self.slider.setToolTip(self.tr(
            "Epochs per second of wall time: 1 to read every figure, 60 is one per screen "
            "frame, max is the engine's full speed (keys - and +)"))
        self.slider.valueChanged.connect(self._moved)
        layout.addWidget(self.slider)
        self.label = QLabel()
        # As wide as the widest text: the toolbar must not shift as the pace changes.
        self.label.setMinimumWidth(max(self.label.fontMetrics().horizontalAdvance(pace_text(p))
                                       for p in PACES) + 4)
        layout.addWidget(self.label)
        # Only as wide as its parts: in a toolbar it would otherwise take the spare width.
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._pace: float | None = None
        # The pace the user chose (slider, keys, or remembered); a scenario's own pace is
        # for its story, and is not what the window should open at next time.
        self.chosen: float | None = pace
        self._for_scenario = False
        self.set_pace(pace)

    @property
    def pace(self) -> float | None:
        return self._pace

    def set_pace(self, pace: float | None, for_scenario: bool = False) -> None:
        """Show ``pace`` (rounded to a step) and report it. ``for_scenario``: a scenario's
        pace, which does not become the user's ``chosen`` one."""
        step = nearest_step(pace)
        self._for_scenario = for_scenario
        try:
            if step == self.slider.value():
                self._moved(step)  # the same step: still report (the trainer may differ)
            else:
                self.slider.setValue(step)
        finally:
            self._for_scenario = False

    def slower(self) -> None:
        self.slider.setValue(self.slider.value() - 1)

    def faster(self) -> None:
        self.slider.setValue(self.slider.value() + 1)

    def _moved(self, step: int) -> None:
        self._pace = PACES[step]
        if not self._for_scenario:
            self.chosen = self._pace
        self.label.setText(pace_text(self._pace))
        self.paceChanged.emit(self._pace)
