"""The "Coach" tab: what is wrong with the run, why (measured), and a button per fix.

``core.coach.advise`` does the judging; this panel feeds it what the caption's narrator feeds
``diagnose`` (the settings, the points, the history's columns, the epoch on screen) plus
scikit-learn's LogisticRegression on the same points, fitted off the GUI thread whenever the
points change, and the rate finder's suggestion when it ran. It asks at most four times a
second, shows each advice as a sentence with its fix as one button (``MainWindow.apply_changes``)
and puts the count in the tab's title, so advice is seen without opening the tab.
"""

from __future__ import annotations

import dataclasses
import sys

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from core.coach import Advice, advise
from core.dataset import DataSnapshot
from core.pacing import MANY_POINTS
from core.reference import Reference, logistic_regression
from gui.actions import keep_focus_off
from gui.background import BackgroundWorker
from gui.throttle import Throttle

ADVICE_PER_SECOND = 4  # as the caption: the coach reads the history's tail, never per epoch
# Advice passes over every point and asks scikit-learn for a fit: past MANY_POINTS it waits
# until the points have been still this long, so a run of clicks or a drag is not slowed by
# advice at each step.
EDITS_SETTLE_MS = 400


class CoachPanel(QWidget):
    """Current advice, one sentence and one fix button each; an empty state that says why."""

    def __init__(self, window) -> None:
        super().__init__()
        self._window = window
        self._snapshot: DataSnapshot | None = None  # the points last advised on
        self._reference: Reference | None = None  # LogisticRegression on those points
        self._reference_version = -1  # the data version it was asked for
        self._shown: tuple | None = None  # what is on screen: rebuilt only when it changes
        self.advice: list[Advice] = []
        self.fix_buttons: list[QPushButton] = []
        self._worker = BackgroundWorker("coach-reference", self)
        self._worker.finished.connect(self._reference_arrived)
        self._due = Throttle(1000 / ADVICE_PER_SECOND, self.update_advice, self)
        self._settled = QTimer(self)  # restarted by every edit of many points
        self._settled.setSingleShot(True)
        self._settled.timeout.connect(self.request)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self._rows = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self._rows)
        layout.addStretch(1)

        window.bridge.epochsReady.connect(self.request)
        window.bridge.stateChanged.connect(self.request)
        window.controls.configEdited.connect(self.request)
        window.timeline.cursorChanged.connect(self.request)
        window.dataset.subscribe(self._points_changed)
        QTimer.singleShot(0, self.request)  # once the tab is in the window: its title

    @property
    def reference(self) -> Reference | None:
        """scikit-learn's fit of the current points (None until it arrives)."""
        return self._reference

    def request(self, *_args: object) -> None:
        """Something changed: advise soon (at most ``ADVICE_PER_SECOND`` times a second)."""
        self._due.request()

    def close_panel(self) -> None:
        """The window is closing: stop listening and end the reference's thread."""
        self._window.dataset.unsubscribe(self._points_changed)
        self._settled.stop()
        self._worker.close()

    # --- advice ------------------------------------------------------------------------------
    def update_advice(self) -> None:
        window = self._window
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != window.dataset.version:
            # The same arrays while the points stay the same: the coach works out what depends
            # on the points alone only once for them.
            snapshot = self._snapshot = window.dataset.snapshot()
        if self._reference_version != snapshot.version:
            self._reference_version = snapshot.version
            self._reference = None  # the best line's estimate stands in until it arrives
            self._worker.submit(logistic_regression, snapshot.xy, snapshot.labels)
        metrics = window.metrics
        cursor = metrics.cursor
        shown = cursor or metrics.latest
        if cursor is None and shown is not None and metrics.stale:
            # Fit figures from before the points changed would tell of a gap that is not.
            shown = dataclasses.replace(shown, accuracy=None, loss=None)
        self.show_advice(advise(window.bridge.config, snapshot.xy, snapshot.labels,
                                metrics.history_columns_view(), shown, self._reference,
                                self._finder_rate()))

    def show_advice(self, advice: list[Advice]) -> None:
        self._show_summary(bool(advice))
        self._show_count(len(advice))
        key = tuple((a.code, a.message(), tuple(a.fix.items())) for a in advice)
        if key == self._shown:
            return  # unchanged: keep the buttons (a click in progress, the focus)
        self._shown = key
        self.advice = list(advice)
        while self._rows.count():
            item = self._rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.fix_buttons = []
        for item in advice:
            text = QLabel(self.tr(item.template).format(**item.values))
            text.setWordWrap(True)
            self._rows.addWidget(text)
            if item.fix:
                button = QPushButton(self.fix_text(item))
                keep_focus_off(button)  # a second Space trains; it does not apply it again
                button.setToolTip(self.tr("Apply this fix to the settings"
                                          " and train again from epoch 0")
                                  if item.restart else self.tr("Apply this fix to the settings"))
                button.clicked.connect(lambda _checked=False, a=item: self.apply(a))
                self._rows.addWidget(button)
                self.fix_buttons.append(button)

    def apply(self, advice: Advice) -> None:
        """One click: the fix's settings, and a fresh model where the fix needs one."""
        self._window.apply_changes(dict(advice.fix), advice.restart)

    def fix_text(self, advice: Advice) -> str:
        """The button: what the fix does, in a few words."""
        parts = []
        for name, value in advice.fix.items():
            if name == "normalize" and value is True:
                parts.append(self.tr("Normalize inputs"))
            elif name == "batchnorm" and value is False:
                parts.append(self.tr("Remove BatchNormalization"))
            elif name == "learning_rate":
                parts.append(self.tr("Learning rate → {0}").format(f"{value:g}"))
            elif name == "l2":
                parts.append(self.tr("Add L2 {0}").format(f"{value:g}"))
            else:
                parts.append(f"{name} → {value}")
        return ", ".join(parts)

    # --- internals -----------------------------------------------------------------------------
    def _show_summary(self, any_advice: bool) -> None:
        window = self._window
        latest = window.metrics.latest
        if any_advice:
            text = self.tr("What the coach sees in this run:")
        elif not len(window.dataset):
            text = self.tr("No points yet: add points of both classes (left and right click) "
                           "and the coach will say what it sees.")
        elif window.bridge.running and (latest is None or latest.epoch == 0):
            text = self.tr("No advice yet: training has just started.")
        elif latest is None or latest.epoch == 0:
            text = self.tr("No advice before training: nothing looks wrong with these points "
                           "and settings. Press Space to train.")
        else:
            text = self.tr("No advice: nothing looks wrong with this run.")
        self.summary.setText(text)

    def _show_count(self, count: int) -> None:
        self._window.set_panel_title(self, self.tr("Coach ({0})").format(count) if count
                                     else self.tr("Coach"))

    def _finder_rate(self) -> float | None:
        """The rate finder's suggestion, when it ran (its panel keeps the last sweep)."""
        sweep = getattr(getattr(self._window, "lr_finder_panel", None), "sweep", None)
        return getattr(sweep, "suggestion", None)

    def _points_changed(self) -> None:
        """A data listener runs under the data lock: advise later, not here (once the
        edits pause, when there are many points)."""
        many = len(self._window.dataset) > MANY_POINTS
        self._settled.start(EDITS_SETTLE_MS if many else 0)

    def _reference_arrived(self, reference: Reference | None, error: Exception | None) -> None:
        if error is not None:  # a bug, not a user error: say so, keep the app running
            print(f"neuron-lab: scikit-learn reference failed: {error}", file=sys.stderr)
            return
        self._reference = reference
        self.request()
