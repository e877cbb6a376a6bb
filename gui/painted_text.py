"""Text that changes often without laying the window out again.

A QLabel whose text changes asks its layout for room, and Qt then lays out the whole window
again (unless the label's size is fixed) — measured here: updating the caption a few times a
second while training raised the window's 99th-percentile frame gap from 26 to 35 ms. This
widget only repaints: it takes the room its layout gives it and draws the text there,
wrapped, and cut off with "…" if it does not fit.
"""

from __future__ import annotations

from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QColor, QPainter, QPaintEvent, QTextOption
from PyQt6.QtWidgets import QSizePolicy, QWidget


class PaintedText(QWidget):
    """Plain text, word-wrapped (or on one line), drawn in whatever room the layout gives."""

    def __init__(self, wrap: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._wrap = wrap
        self._color = QColor("#202020")
        self._alignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        self._box: QColor | None = None  # a background box behind the text only
        self._pad = 0  # the box's margin around the text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name, for drop-in use
        if text != self._text:
            self._text = text
            self.update()

    def set_color(self, color: str) -> None:
        if QColor(color) != self._color:
            self._color = QColor(color)
            self.update()

    def setAlignment(self, alignment: Qt.AlignmentFlag) -> None:  # noqa: N802 - QLabel's name
        self._alignment = alignment
        self.update()

    def set_box(self, color: QColor, pad: int = 3) -> None:
        """Paint the text on a box of ``color`` just large enough for it (``pad`` pixels
        around), not over the whole widget: text over a busy picture stays readable while
        the picture beside a short text stays in sight."""
        self._box, self._pad = QColor(color), pad
        self.update()

    def _inner(self) -> QRectF:
        return QRectF(self.rect()).adjusted(self._pad, self._pad, -self._pad, -self._pad)

    def fits(self) -> bool:
        """Whether the whole text fits the room it has (else its end is cut off)."""
        inner = self._inner()
        if not self._wrap:
            return self.fontMetrics().horizontalAdvance(self._text) <= inner.width()
        return self._needed_height(self._text) <= inner.height()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        painter.setPen(self._color)
        option = QTextOption(self._alignment)
        inner = self._inner()
        if not self._wrap:
            option.setWrapMode(QTextOption.WrapMode.NoWrap)
            text = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight,
                                                 int(inner.width()))
        else:
            option.setWrapMode(QTextOption.WrapMode.WordWrap)
            text = self._text
            if not self.fits():  # say that something is missing (a tooltip may have it all)
                while text and self._needed_height(text + "…") > inner.height():
                    text = text[: len(text) - max(1, len(text) // 20)].rstrip()
                text += "…"
        if self._box is not None and text:
            box = painter.boundingRect(inner, text, option)
            box = box.adjusted(-self._pad, -self._pad, self._pad, self._pad)
            painter.fillRect(box.intersected(QRectF(self.rect())), self._box)
        painter.drawText(inner, text, option)

    def _needed_height(self, text: str) -> int:
        flags = int(Qt.TextFlag.TextWordWrap.value)
        width = max(self.width() - 2 * self._pad, 1)
        return self.fontMetrics().boundingRect(0, 0, width, 100_000, flags, text).height()
