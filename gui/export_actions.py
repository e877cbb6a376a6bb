"""File → Export: the history as CSV, the model as .keras, a Keras script, pictures.

The writing is ``core.export``'s; this module asks where (a thin QFileDialog) and says how it
went: ``failed`` carries one line for the caption, ``succeeded`` one for the status bar. Each
``export_*(path)`` works without a dialog, which is how tests call them. The model lives on the
training thread, so ``export_model`` saves it there through ``bridge.ask`` and reports when
the answer comes back.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters
from PyQt6.QtCore import QObject, QRectF, QSize, pyqtSignal
from PyQt6.QtGui import QColor, QImage, QPainter
from PyQt6.QtSvg import QSvgGenerator
from PyQt6.QtWidgets import QFileDialog, QGraphicsItem, QInputDialog, QMainWindow

from core.export import ExportError, save_model, write_history, write_script
from core.split import held_out_mask

MIN_PICTURE_WIDTH, MAX_PICTURE_WIDTH = 100, 10_000  # pixels; QImage tops out near 32k


class ExportActions(QObject):
    """The window's exports; ``window`` is the MainWindow (its bridge, document, views)."""

    failed = pyqtSignal(str)
    succeeded = pyqtSignal(str)
    modelSaved = pyqtSignal(str)  # the .keras path, once the training thread wrote it

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window

    # --- menu entries: ask where, then export ---------------------------------------------------
    def ask_history(self) -> None:
        path = self._ask(self.tr("Export history"), "history.csv", self.tr("CSV (*.csv)"))
        if path:
            self.export_history(path)

    def ask_model(self) -> None:
        path = self._ask(self.tr("Export model"), "neuron.keras", self.tr("Keras model (*.keras)"))
        if path:
            self.export_model(path)

    def ask_script(self) -> None:
        path = self._ask(self.tr("Export Keras script"), "neuron.py", self.tr("Python (*.py)"))
        if path:
            self.export_script(path)

    def ask_picture(self) -> None:
        """Where, then (for PNG) how wide: the window's size is the default, a slide or a
        poster wants more pixels. SVG scales by itself."""
        path = self._ask(self.tr("Export picture"), "neuron-lab.png",
                         self.tr("PNG image (*.png);;SVG drawing (*.svg)"))
        if not path:
            return
        width = None
        if Path(path).suffix.lower() != ".svg":
            shown = int(round(self._window.plot.plotItem.sceneBoundingRect().width()))
            width, chosen = QInputDialog.getInt(
                self._window, self.tr("Picture width"),
                self.tr("Width of the plot's picture in pixels (the window shows it {0} wide; "
                        "the charts' picture is scaled alike):").format(shown),
                shown, MIN_PICTURE_WIDTH, MAX_PICTURE_WIDTH, 100)
            if not chosen:
                return
            width = None if width == shown else width
        self.export_picture(path, width)

    def _ask(self, title: str, name: str, filters: str) -> str:
        """Where to export: starting in the last folder used; the folder chosen is the next
        dialog's (and is remembered)."""
        folder = getattr(self._window.files, "last_folder", "") or ""
        path, _ = QFileDialog.getSaveFileName(self._window, title, str(Path(folder) / name),
                                              filters)
        if path:
            self._window.files.last_folder = str(Path(path).resolve().parent)
        return path

    # --- the exports ---------------------------------------------------------------------------
    def export_history(self, path: str | Path) -> bool:
        """Every recorded epoch (what the charts hold) as CSV rows."""
        try:
            write_history(Path(path), self._window.metrics.history_columns_view())
        except ExportError as error:
            self.failed.emit(str(error))
            return False
        self.succeeded.emit(self.tr("Saved the training history to {0}").format(path))
        return True

    def export_script(self, path: str | Path) -> bool:
        """A plain Keras script for the current config and points."""
        snapshot = self._window.dataset.snapshot()
        xy, labels = snapshot.xy, snapshot.labels
        try:
            config = self._window.bridge.config
            write_script(Path(path), config, xy, labels,
                         held_out_mask(snapshot.ids, config.seed, config.test_split))
        except ExportError as error:
            self.failed.emit(str(error))
            return False
        self.succeeded.emit(self.tr("Saved a Keras script to {0}").format(path))
        return True

    def export_model(self, path: str | Path) -> None:
        """Save the live model (a plain-Keras copy) on the training thread; ``modelSaved`` or
        ``failed`` says how it went."""
        path = str(path)
        if not path.endswith(".keras"):
            path += ".keras"

        def answered(_answer: object, error: BaseException | None) -> None:
            if error is not None:
                text = str(error) if isinstance(error, ExportError) else f"{path}: {error}"
                self.failed.emit(text.splitlines()[0] if text else path)
                return
            self.succeeded.emit(self.tr("Saved the model to {0}").format(path))
            self.modelSaved.emit(path)

        self._window.bridge.ask(lambda neuron: save_model(neuron, Path(path)), answered)

    def export_picture(self, path: str | Path, width: int | None = None) -> list[Path]:
        """The plot at ``path`` and the charts beside it (``<name>-charts.png``), PNG or SVG by
        the suffix, at their size in the window (or ``width`` pixels wide, PNG)."""
        path = Path(path)
        if path.suffix.lower() not in (".png", ".svg"):
            path = path.with_suffix(".png")
        charts = self._window.metrics.findChild(pg.GraphicsLayoutWidget)
        targets = [(self._window.plot.plotItem, path),
                   (charts.ci, path.with_name(f"{path.stem}-charts{path.suffix}"))]
        written = []
        for item, out in targets:
            try:
                if out.suffix.lower() == ".svg":
                    _export_svg(item, out)
                elif width:  # the charts scale by the plot's factor, keeping their shape
                    shown = self._window.plot.plotItem.sceneBoundingRect().width()
                    _export_scaled_png(item, out, width / max(shown, 1.0))
                else:
                    pyqtgraph.exporters.ImageExporter(item).export(str(out))
            except OSError as error:
                self.failed.emit(f"{out}: {error.strerror or error}")
                return written
            if not out.is_file():  # Qt's image writer fails quietly (returns False)
                self.failed.emit(self.tr("{0}: could not be written").format(out))
                return written
            written.append(out)
        self.succeeded.emit(self.tr("Saved {0} and {1}").format(*written))
        return written


def _export_scaled_png(item: pg.GraphicsObject, out: Path, scale: float) -> None:
    """The item as on screen, magnified ``scale`` times: text, legend and lines grow with
    the picture. (pyqtgraph's ImageExporter with a width re-lays the plot out at that size,
    so the axes grew while the legend kept its screen size above an empty band.)"""
    rect = item.sceneBoundingRect()
    image = QImage(max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale)),
                   QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    # Legends and labels keep their size on screen whatever the zoom
    # (ItemIgnoresTransformations); in a magnified picture they must grow with the rest.
    flag = QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
    fixed = [each for each in item.scene().items() if each.flags() & flag]
    painter = QPainter(image)
    try:
        for each in fixed:
            each.setFlag(flag, False)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        item.scene().render(painter, QRectF(0, 0, image.width(), image.height()), rect)
    finally:
        painter.end()
        for each in fixed:
            each.setFlag(flag, True)
    if not image.save(str(out), "PNG"):
        raise OSError(0, "could not be written")


def _export_svg(item: pg.GraphicsObject, out: Path) -> None:
    """pyqtgraph's SVGExporter; where it fails on Qt's closed paths ("... Z", pyqtgraph issue
    #3495, Qt 6.10+), the same region rendered by Qt's own SVG generator instead."""
    try:
        pyqtgraph.exporters.SVGExporter(item).export(str(out))
        return
    except ValueError:
        pass
    rect = item.sceneBoundingRect()
    generator = QSvgGenerator()
    generator.setFileName(str(out))
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    painter = QPainter(generator)
    try:
        item.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        painter.end()
