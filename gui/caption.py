"""The caption above the plot: what this run shows and why it works or fails, in a sentence or
two with the measured figure, and the error the user has to act on.

The status bar's messages were cut off and vanished after 15 s; a caption is readable type,
wraps, and stays. Its height is fixed (three lines of its font), so updating it several times
a second never lays the window out again. Errors persist until dismissed (× or Escape) or
replaced by a new success (``clear_error``). A diagnosis may name a scenario that fixes what
it found: the caption offers it as a one-click button (``fixChosen``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QCoreApplication, QPointF, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPixmap
from PyQt6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.scenarios import SCENARIOS
from gui.controls import scenario_title
from gui.painted_text import PaintedText

if TYPE_CHECKING:
    from core.diagnosis import Caption

LINES = 3  # the caption's height in lines of its font
MIN_POINT_SIZE = 11.0
ICON_SIZE = 18
# Okabe-Ito colours (as the views use): distinguishable for colour-blind readers, and each
# verdict also has its own glyph.
VERDICT_COLORS = {"works": "#009E73", "fails": "#D55E00", "learning": "#0072B2",
                  "idle": "#8A8A8A"}
ERROR_COLOR = "#B22222"


def caption_text(caption: Caption) -> str:
    """The caption in the user's language: core keeps an English template with {named}
    figures; the translation may reorder them."""
    return QCoreApplication.translate("Diagnosis", caption.template).format(**caption.values)


def verdict_names() -> dict[str, str]:
    """What each verdict is called (the icon's tooltip), translated when asked."""
    translate = QCoreApplication.translate
    return {"works": translate("Caption", "works"), "fails": translate("Caption", "fails"),
            "learning": translate("Caption", "learning"), "idle": translate("Caption", "idle")}


def verdict_pixmap(verdict: str, size: int = ICON_SIZE) -> QPixmap:
    """A disc in the verdict's colour with a glyph drawn on it (tick, cross, arc, nothing):
    the glyph tells the verdicts apart without colour, and no font has to have it."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(VERDICT_COLORS.get(verdict, VERDICT_COLORS["idle"])))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    pen = QPen(QColor("white"), max(1.5, size / 9), Qt.PenStyle.SolidLine,
               Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    s = size
    if verdict == "works":
        path = QPainterPath(QPointF(0.28 * s, 0.52 * s))
        path.lineTo(0.44 * s, 0.68 * s)
        path.lineTo(0.72 * s, 0.34 * s)
        painter.drawPath(path)
    elif verdict == "fails":
        painter.drawLine(QPointF(0.33 * s, 0.33 * s), QPointF(0.67 * s, 0.67 * s))
        painter.drawLine(QPointF(0.67 * s, 0.33 * s), QPointF(0.33 * s, 0.67 * s))
    elif verdict == "learning":
        painter.drawArc(QRectF(0.28 * s, 0.28 * s, 0.44 * s, 0.44 * s), 90 * 16, -270 * 16)
    painter.end()
    return pixmap


class CaptionPanel(QWidget):
    """A fixed-height caption: verdict icon, one to three wrapped lines, an optional
    next-fix button, and above them an error line while an error stands."""

    fixChosen = pyqtSignal(str)  # a core.scenarios.SCENARIOS name
    errorChanged = pyqtSignal(bool)  # an error line is now shown (True) or gone (False)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caption")
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), MIN_POINT_SIZE))
        self.setFont(font)
        self._verdict = "idle"
        self._next_fix: str | None = None
        self._names = verdict_names()

        self._icon = QLabel()
        self._icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        # Painted, not a QLabel: the text changes several times a second while training and
        # never asks the window for room (it wraps, then ends in "…"; the full text is the
        # tooltip), so neither a long sentence nor an update lays the window out again.
        self._text = PaintedText(wrap=True)
        self.fix_button = QPushButton()
        self.fix_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Space keeps training
        self.fix_button.clicked.connect(self._fix_clicked)
        self.fix_button.hide()

        self._error_row = QFrame()
        self._error_row.setObjectName("caption-error")
        self._error_row.setStyleSheet("#caption-error { background: #FADBD8; border-radius: 3px; }")
        # One line that shows as much as fits (…), the whole text in its tooltip: an error
        # never grows the caption.
        self._error = PaintedText(wrap=False)
        self._error.set_color(ERROR_COLOR)
        bold = QFont(font)
        bold.setBold(True)
        self._error.setFont(bold)
        self.dismiss_button = QToolButton()
        self.dismiss_button.setText("×")
        self.dismiss_button.setAutoRaise(True)
        self.dismiss_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.dismiss_button.setToolTip(self.tr("Dismiss this message (Escape)"))
        self.dismiss_button.clicked.connect(self.clear_error)
        error_layout = QHBoxLayout(self._error_row)
        error_layout.setContentsMargins(6, 0, 0, 0)
        error_layout.addWidget(self._error, 1)
        error_layout.addWidget(self.dismiss_button)
        self._error_row.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self._text, 1)
        row.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignVCenter)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 4)
        column.setSpacing(2)
        column.addWidget(self._error_row)
        column.addLayout(row, 1)
        line = self.fontMetrics().lineSpacing()
        self._error.setFixedHeight(line + 2)
        self.setFixedHeight(LINES * line + 8 + 4)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._show_verdict("idle")

    # --- what it shows ---------------------------------------------------------------------
    def show_caption(self, caption: Caption) -> None:
        """A diagnosis: its sentence, verdict and (when it names one) its next fix."""
        self._show(caption_text(caption), caption.verdict, caption.next_fix)

    def show_text(self, text: str, verdict: str = "learning") -> None:
        """Plain text already in the user's language (a scenario's explanation)."""
        self._show(text, verdict, None)

    def show_error(self, text: str) -> None:
        """An error the user can act on: shown until dismissed or replaced."""
        had = self.has_error()
        self._error.setText(text)
        self._error.setToolTip(text)
        self._error_row.show()
        if not had:
            self.errorChanged.emit(True)

    def clear_error(self) -> None:
        if not self.has_error():
            return
        self._error_row.hide()
        self._error.setText("")
        self._error.setToolTip("")
        self.errorChanged.emit(False)

    # --- what it shows, for tests and the window -------------------------------------------
    def text(self) -> str:
        return self._text.text()

    def verdict(self) -> str:
        return self._verdict

    def next_fix(self) -> str | None:
        return self._next_fix

    def has_error(self) -> bool:
        return not self._error_row.isHidden()

    def error_text(self) -> str:
        return self._error.text() if self.has_error() else ""

    # --- internals -------------------------------------------------------------------------
    def _show(self, text: str, verdict: str, next_fix: str | None) -> None:
        if text != self._text.text():
            self._text.setText(text)
            self._text.setToolTip(text)
        if verdict != self._verdict:
            self._show_verdict(verdict)
        scenario = SCENARIOS.get(next_fix) if next_fix else None
        self._next_fix = scenario.name if scenario else None
        if scenario is None:
            self.fix_button.hide()
        else:
            title = scenario_title(scenario)
            if self.fix_button.text() != title:
                self.fix_button.setText(title)
            self.fix_button.setToolTip(
                QCoreApplication.translate("Scenarios", scenario.explanation))
            self.fix_button.show()

    def _show_verdict(self, verdict: str) -> None:
        self._verdict = verdict
        self._icon.setPixmap(verdict_pixmap(verdict))
        self._icon.setToolTip(self._names.get(verdict, verdict))
        self._text.set_color("#202020" if verdict != "idle" else "#505050")

    def _fix_clicked(self) -> None:
        if self._next_fix is not None:
            self.fixChosen.emit(self._next_fix)
