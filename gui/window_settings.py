"""What the window remembers between launches: its geometry, the splitter's sizes, the last
folder a file was opened from or saved to, the pace, the brush and the spray (its radius,
density and class).

Saved when the window closes and restored when it opens, in the user's ``QSettings`` (without
settings, as in tests and screenshots, nothing is remembered). A stored value that no longer
fits (another number of splitter panes, an unknown brush) is ignored, never an error: settings
outlive versions of the app. ``--reset-settings`` clears them all (``reset_settings``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PyQt6.QtCore import QByteArray, QSettings
from PyQt6.QtWidgets import QSplitter

from gui.plot_view import Brush

if TYPE_CHECKING:
    from gui.main_window import MainWindow

GEOMETRY_KEY = "window/geometry"
SPLITTER_KEY = "window/splitter"
FOLDER_KEY = "files/last-folder"
PACE_KEY = "training/pace"
BRUSH_KEY = "plot/brush"
SPRAY_RADIUS_KEY = "plot/spray-radius"
SPRAY_DENSITY_KEY = "plot/spray-density"
SPRAY_CLASS_KEY = "plot/spray-class"
_MAX_PACE = "max"  # the pace None (as fast as it goes), stored as text
_BRUSHES = (Brush.CLASS1, Brush.CLASS0, Brush.ERASE, Brush.SPRAY, Brush.SELECT)


def save_window(window: MainWindow, settings: QSettings | None) -> None:
    """Remember the window as it is now (called as it closes)."""
    if settings is None:
        return
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    splitter = _splitter(window)
    if splitter is not None:
        settings.setValue(SPLITTER_KEY, [int(size) for size in splitter.sizes()])
    folder = window.files.last_folder
    if folder:
        settings.setValue(FOLDER_KEY, folder)
    pace = window.pace.chosen  # not a scenario's pace
    settings.setValue(PACE_KEY, _MAX_PACE if pace is None else repr(float(pace)))
    settings.setValue(BRUSH_KEY, window.plot.brush)
    radius, density = window.paint.spray_settings()
    settings.setValue(SPRAY_RADIUS_KEY, radius)
    settings.setValue(SPRAY_DENSITY_KEY, density)
    settings.setValue(SPRAY_CLASS_KEY, window.plot.spray_class)
    settings.sync()


def restore_window(window: MainWindow, settings: QSettings | None) -> None:
    """Put the window back as it was last closed; anything missing or unusable keeps the
    window's own default."""
    if settings is None:
        return
    geometry = settings.value(GEOMETRY_KEY, QByteArray(), type=QByteArray)
    if not geometry.isEmpty():
        window.restoreGeometry(geometry)
    splitter = _splitter(window)
    sizes = _ints(settings.value(SPLITTER_KEY, [], type=list))
    if splitter is not None and sizes and len(sizes) == splitter.count():
        splitter.setSizes(sizes)
    folder = settings.value(FOLDER_KEY, "", type=str)
    if folder and Path(folder).is_dir():
        window.files.last_folder = folder
    pace = _pace(settings.value(PACE_KEY, "", type=str))
    if pace is not False:
        window.pace.set_pace(pace)
    radius, density = (_int(settings.value(key, "", type=str))
                       for key in (SPRAY_RADIUS_KEY, SPRAY_DENSITY_KEY))
    if radius is not None and density is not None:
        window.paint.set_spray_settings(radius, density)  # clamped to the boxes' ranges
    spray_class = _int(settings.value(SPRAY_CLASS_KEY, "", type=str))
    if spray_class in (0, 1):
        window.plot.spray_class = spray_class
    brush = settings.value(BRUSH_KEY, "", type=str)
    if brush in _BRUSHES:
        window.set_brush(brush)  # after the spray's class: a class brush sets it again


def reset_settings(settings: QSettings) -> bool:
    """Forget everything remembered (these, the welcome, the recent files); False when the
    settings file could not be written."""
    settings.clear()
    settings.sync()
    return settings.status() == QSettings.Status.NoError


def _splitter(window: MainWindow) -> QSplitter | None:
    central = window.centralWidget()
    return central.findChild(QSplitter) if central is not None else None


def _ints(values: list) -> list[int]:
    try:
        sizes = [int(value) for value in values]
    except (TypeError, ValueError):
        return []
    return sizes if all(size >= 0 for size in sizes) else []


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _pace(text: str) -> float | None | bool:
    """The stored pace: a positive number, None for the engine's speed, False for nothing
    usable."""
    if text == _MAX_PACE:
        return None
    try:
        pace = float(text)
    except ValueError:
        return False
    return pace if pace > 0 and pace == pace and pace != float("inf") else False
