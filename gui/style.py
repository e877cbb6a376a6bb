"""Colours and markers shared by the views (Okabe-Ito, safe for colour-blind readers)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

import resources

CLASS_COLORS = {0: "#0072B2", 1: "#E69F00"}  # blue, orange
CLASS_SYMBOLS = {0: "o", 1: "t1"}  # circle, upward triangle: distinct without colour
MISCLASSIFIED_COLOR = "#D55E00"  # vermillion ring
LINE_COLOR = "#000000"
REFERENCE_COLOR = "#009E73"  # bluish green, dotted: scikit-learn's LogisticRegression
TRAIN_LINE_COLOR = "#CC79A7"  # reddish purple, dashed: BatchNormalization's training view
SERIES_COLORS = {
    "train": "#0072B2",
    "predict": "#D55E00",
    "test": "#009E73",
    "w1": "#56B4E9",  # sky blue
    "w2": "#E69F00",  # orange
    "b": "#000000",
}


def probability_colormap() -> pg.ColorMap:
    """Light blue (class 0) through white to light orange (class 1): points stay readable."""
    return pg.ColorMap(
        np.array([0.0, 0.5, 1.0]),
        np.array([[140, 190, 230, 255], [255, 255, 255, 255], [245, 205, 130, 255]],
                 dtype=np.ubyte),
    )


def class_icon(label: int, size: int = 16) -> QIcon:
    """The class's marker in its colour, for the brush buttons."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#222222"), 1))
    painter.setBrush(QColor(CLASS_COLORS[label]))
    if label == 0:
        painter.drawEllipse(2, 2, size - 4, size - 4)
    else:
        painter.drawPolygon(QPolygonF([QPointF(size / 2, 2), QPointF(size - 2, size - 3),
                                       QPointF(2, size - 3)]))
    painter.end()
    return QIcon(pixmap)


def turn_icon(clockwise: bool, size: int = 16) -> QIcon:
    """A curved arrow, the undo (anticlockwise) and redo (clockwise) sign of every editor;
    straight arrows would read as the timeline's look back / forward."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if clockwise:  # the redo arrow is the undo arrow mirrored
        painter.translate(size, 0)
        painter.scale(-1, 1)
    pen = QPen(QColor("#333333"), 1.6)
    painter.setPen(pen)
    path = QPainterPath()
    path.moveTo(size * 0.28, size * 0.42)
    path.cubicTo(size * 0.55, size * 0.15, size * 0.95, size * 0.35, size * 0.82, size * 0.72)
    painter.drawPath(path)
    painter.setBrush(QColor("#333333"))
    painter.drawPolygon(QPolygonF([QPointF(size * 0.08, size * 0.42),
                                   QPointF(size * 0.42, size * 0.22),
                                   QPointF(size * 0.40, size * 0.62)]))
    painter.end()
    return QIcon(pixmap)


def app_icon() -> QIcon:
    """The application and window icon, drawn from the packaged SVG at any size (Qt's svg
    icon engine ships with PyQt6)."""
    return QIcon(str(resources.icon_path()))


# The charts' pens. Fit is drawn wide underneath and predict dashed and narrower on top, so
# when the two coincide (no BatchNormalization, late in a run) both stay visible.
SERIES_WIDTHS = {"train": 4.0, "predict": 2.0, "test": 1.5, "w1": 2.0, "w2": 2.0, "b": 2.0}
SERIES_DASHED = frozenset({"predict"})
CURSOR_COLOR = "#555555"  # the looked-back epoch's vertical marker


def series_pen(series: str) -> QPen:
    """The pen a chart series is drawn with (see SERIES_WIDTHS)."""
    style = Qt.PenStyle.DashLine if series in SERIES_DASHED else Qt.PenStyle.SolidLine
    return pg.mkPen(SERIES_COLORS[series], width=SERIES_WIDTHS[series], style=style)


def series_sample(series: str) -> str:
    """A legend sample in the series' colour, as rich text: heavy for wide pens, dashed for
    dashed ones (the glyphs are in DejaVu and the platforms' default fonts)."""
    glyph = "╍╍" if series in SERIES_DASHED else ("━━" if SERIES_WIDTHS[series] > 2 else "──")
    return f'<span style="color:{SERIES_COLORS[series]}">{glyph}</span>'
