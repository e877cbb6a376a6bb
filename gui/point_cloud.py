"""Many points of one style on the plot, set and drawn with NumPy alone.

pyqtgraph's ``ScatterPlotItem`` gives every point a row of Python objects (pen, brush, symbol,
item) and looks each point's style up in Python: setting 500,000 points took 0.3-1.3 s, so at
1,000,000 points one click (which redraws every point) took seconds. Here every point has the
item's one style: setting points stores two arrays, the bounds are two reductions, and painting
maps the points with the painter's matrix and draws the one pre-rendered symbol at each with
``drawPixmapFragments`` (as pyqtgraph does), all vectorised.

It is still a ``ScatterPlotItem`` for everything around the points (the legend draws its
sample from ``opts``, ``setPen``/``setBrush``/``setSymbol`` style it); only the per-point
machinery is replaced, and no click is ever taken (the plot decides what a click means:
pyqtgraph's own item accepted clicks on markers, which swallowed them).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QPainter
from pyqtgraph.Qt import internals

_NO_POINTS = np.empty((0, 2), dtype=np.float64)


class PointCloud(pg.ScatterPlotItem):
    """Points sharing one symbol, size, pen and brush; ``setData(x=..., y=...)`` as usual."""

    def __init__(self, **style: object) -> None:
        self._xy = _NO_POINTS
        self._limits: tuple[np.ndarray, np.ndarray] | None = None  # (low, high), cached
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)
        super().__init__(**style)

    # --- the points ----------------------------------------------------------------------------
    def setData(self, *args: object, **kargs: object) -> None:  # noqa: N802 - pyqtgraph naming
        """``x``/``y`` (or ``pos``) are the points; any other keyword styles them all."""
        x, y, pos = kargs.pop("x", None), kargs.pop("y", None), kargs.pop("pos", None)
        if args or kargs:  # style only: pyqtgraph's own handling, with no points
            super().setData(*args, **kargs)
        if pos is not None:
            xy = np.asarray(pos, dtype=np.float64).reshape(-1, 2)
        elif x is not None and y is not None:
            xy = np.column_stack([np.asarray(x, dtype=np.float64),
                                  np.asarray(y, dtype=np.float64)])
        else:
            xy = _NO_POINTS
        self._show(xy, _changed_points(self._xy, xy))

    def splice(self, start: int, stop: int, rows: np.ndarray) -> None:
        """Put ``rows`` in place of the points ``start:stop`` (an insertion when they are
        equal, a removal when ``rows`` is empty), repainting only around them: the caller
        knows what one edit changed, so nothing is compared."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
        gone = self._xy[start:stop]
        xy = np.concatenate([self._xy[:start], rows, self._xy[stop:]])
        self._show(xy, np.concatenate([gone, rows]))

    def put(self, positions: np.ndarray, rows: np.ndarray) -> None:
        """Move the points at ``positions`` to ``rows`` (a drag), repainting only around them.
        A new array: whoever read the points before keeps what they read."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
        xy = self._xy.copy()
        gone = xy[positions].copy()
        xy[positions] = rows
        self._show(xy, np.concatenate([gone, rows]))

    def _show(self, xy: np.ndarray, changed: np.ndarray | None) -> None:
        """Take ``xy`` as the points; ``changed``: the old and new places of the points that
        differ (None: redraw everything)."""
        self._xy = xy
        self.bounds = [None, None]
        if changed is None:  # redraw everything
            self._limits = None
            self.informViewBoundsChanged()
            self.update()
        elif len(changed):
            # A few points changed: repaint around them only (Qt keeps the rest of the cached
            # picture), so one click among 1,000,000 points does not draw them all again.
            if self._limits is not None:
                low, high = self._limits
                grown = (np.minimum(low, changed.min(axis=0)),
                         np.maximum(high, changed.max(axis=0)))
                if not (np.array_equal(grown[0], low) and np.array_equal(grown[1], high)):
                    # (A point moved in from the edge leaves them a little wide until the
                    # next full setting: harmless, they only steer "fit view".)
                    self._limits = grown
                    self.informViewBoundsChanged()
            self.update(self._around(changed))
        else:
            return  # the same points: nothing to redraw
        self.sigPlotChanged.emit(self)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt naming
        """The visible area, not the points' extent: a point added beyond the others then
        leaves the item's geometry (and Qt's cached picture of it) as it was, and only its
        own spot is drawn. Points outside the view would not show anyway."""
        if not len(self._xy):
            return QRectF()
        view = self.viewRect()
        return view if view is not None else super().boundingRect()

    def _around(self, points: np.ndarray) -> QRectF:
        """The area (in data coordinates) the symbols at ``points`` cover, with a margin."""
        px, py = self.pixelVectors()
        reach = (float(self.opts["size"]) + pg.mkPen(self.opts["pen"]).widthF() + 2) * 0.75
        dx = reach * (px.length() if px is not None else 0.0)
        dy = reach * (py.length() if py is not None else 0.0)
        low, high = points.min(axis=0), points.max(axis=0)
        return QRectF(low[0] - dx, low[1] - dy, high[0] - low[0] + 2 * dx,
                      high[1] - low[1] + 2 * dy)

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 - pyqtgraph naming
        return self._xy[:, 0], self._xy[:, 1]

    def count(self) -> int:
        """How many points are set (not ``__len__``: an empty item must stay truthy)."""
        return len(self._xy)

    def clear(self) -> None:
        if hasattr(self, "_xy"):
            self._xy = _NO_POINTS
            self._limits = None
        super().clear()

    # --- bounds (the view's auto-range and Qt's repaint area) -----------------------------------
    def dataBounds(self, ax: int, frac: float = 1.0,  # noqa: N802 - pyqtgraph naming
                   orthoRange: tuple[float, float] | None = None) -> tuple:  # noqa: N803
        if not len(self._xy):
            return None, None
        if orthoRange is not None:
            other = self._xy[:, 1 - ax]
            inside = self._xy[(other >= orthoRange[0]) & (other <= orthoRange[1]), ax]
            return (inside.min(), inside.max()) if len(inside) else (None, None)
        if self._limits is None:
            self._limits = (self._xy.min(axis=0), self._xy.max(axis=0))
        return float(self._limits[0][ax]), float(self._limits[1][ax])

    def pixelPadding(self) -> float:  # noqa: N802 - pyqtgraph naming
        pen = pg.mkPen(self.opts["pen"])
        return (float(self.opts["size"]) + pen.widthF()) * 0.7072

    def updateSpots(self, dataSet: object = None) -> None:  # noqa: N802, N803 - pyqtgraph's
        """Nothing per point to update: the one symbol is fetched when painting."""
        self.update()

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph naming
        ev.ignore()

    def hoverEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph naming
        pass

    def pointsAt(self, pos) -> list:  # noqa: N802 - pyqtgraph naming
        return []

    # --- painting -------------------------------------------------------------------------------
    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not len(self._xy):
            return
        atlas = self.fragmentAtlas
        dpr = widget.devicePixelRatioF() if widget is not None else atlas.devicePixelRatio()
        if dpr != atlas.devicePixelRatio():
            atlas.setDevicePixelRatio(dpr)
            atlas.clear()
        scale = 1.0
        if self._exportOpts is not False:  # an enlarged picture: the symbols grow with it
            scale = float(self._exportOpts.get("resolutionScale", 1.0))
        style = (self.opts["symbol"], self.opts["size"], self.opts["pen"], self.opts["brush"])
        source = atlas[[style]][0]  # (x, y, w, h) of the symbol in the atlas pixmap
        matrix = painter.transform()
        # Only what can show: the area Qt asks for (the view, or the few symbols' area after
        # a small change) with a symbol's reach around it, picked in data coordinates.
        # (The clip, in data coordinates; ``option.exposedRect`` is in the cache's pixels.)
        exposed = (painter.clipBoundingRect() if painter.hasClipping()
                   else matrix.inverted()[0].mapRect(QRectF(painter.viewport())))
        reach = (float(self.opts["size"]) + pg.mkPen(self.opts["pen"]).widthF()) * scale
        reach_x = reach / max(abs(matrix.m11()), 1e-300)  # a symbol's reach in data units
        reach_y = reach / max(abs(matrix.m22()), 1e-300)
        x, y = self._xy[:, 0], self._xy[:, 1]
        shown = ((x >= exposed.left() - reach_x) & (x <= exposed.right() + reach_x)
                 & (y >= min(exposed.top(), exposed.bottom()) - reach_y)
                 & (y <= max(exposed.top(), exposed.bottom()) + reach_y))
        count = int(np.count_nonzero(shown))
        if not count:
            return
        x, y = np.compress(shown, x), np.compress(shown, y)
        px = matrix.m11() * x + matrix.m21() * y + matrix.dx()
        py = matrix.m12() * x + matrix.m22() * y + matrix.dy()
        painter.resetTransform()
        self._fragments.resize(count)
        fragments = self._fragments.ndarray()
        fragments[:, 0] = np.clip(px, -2**30, 2**30)  # far outside, Qt would misdraw
        fragments[:, 1] = np.clip(py, -2**30, 2**30)
        fragments[:, 2:6] = source
        fragments[:, 6:10] = [scale / dpr, scale / dpr, 0.0, 1.0]  # scale x, y, angle, opacity
        painter.drawPixmapFragments(*self._fragments.drawargs(), atlas.pixmap)


# Past this many changed points a change is not "small": everything is drawn again.
_LOCAL_CHANGE_LIMIT = 2000


def _changed_points(old: np.ndarray, new: np.ndarray) -> np.ndarray | None:
    """Where the points differ between ``old`` and ``new``, when the difference is a few points
    appended, removed as one run, or changed in place (a click, an undo, a drag, a relabel):
    their old and new places. Empty: the same points. None: another change (redraw all).
    A few NumPy comparisons, milliseconds at 1,000,000 points."""
    if new is old:
        return new[:0]
    n_old, n_new = len(old), len(new)
    if not n_old or not n_new or abs(n_old - n_new) > _LOCAL_CHANGE_LIMIT:
        return None
    old_rows, new_rows = _as_rows(old), _as_rows(new)
    if n_old == n_new:
        differs = old_rows != new_rows
        count = int(np.count_nonzero(differs))
        if count > _LOCAL_CHANGE_LIMIT:
            return None
        return np.concatenate([old[differs], new[differs]])
    (short, long_), n = ((old, new), n_old) if n_old < n_new else ((new, old), n_new)
    short_rows, long_rows = (old_rows, new_rows) if n_old < n_new else (new_rows, old_rows)
    k = len(long_) - n
    differs = long_rows[:n] != short_rows
    first = int(np.argmax(differs)) if differs.any() else n
    if not np.array_equal(long_rows[first + k:], short_rows[first:]):
        return None
    return long_[first:first + k].copy()


def _as_rows(xy: np.ndarray) -> np.ndarray:
    """Each (x, y) row as one complex number: rows compare in one pass, not two and a reduce."""
    return np.ascontiguousarray(xy, dtype=np.float64).view(np.complex128).reshape(-1)
