"""Opening, saving and replacing the document's points, and the question before edits are lost.

Everything that replaces the points (a file, a preset, a scenario's preset) asks first through
``may_discard_points`` and then goes through the document in one step, so "cancel" always
leaves everything as it was. ``loaded`` tells the window to show the new points (fit the view,
show the preset); the window title follows the document's file. ``failed`` carries an error the
user must read and act on (the window keeps it on screen until dismissed: a status-bar message
vanished after 15 s); ``succeeded`` says a file or preset operation worked, which makes an old
error moot.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, QStandardPaths, pyqtSignal
from PyQt6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from core.csv_io import DataFileError
from core.document import Document
from gui.file_reader import FileReader
from gui.status_bar import StatusLabels
from resources import sample_paths

# Files larger than this are read on a worker thread, with a progress bar (the window goes on
# meanwhile); smaller ones (about 100,000 rows) are read at once, in well under a second.
BACKGROUND_BYTES = 2_000_000


def samples_folder() -> str:
    """The folder of the question's sample CSV files, where Open starts before any file was
    opened, so users find the question's data sets (empty: the dialog picks its own)."""
    paths = sample_paths()
    return str(paths[0].parent) if paths else ""


def documents_folder() -> str:
    """Where a first Save proposes to write: the user's documents folder when it exists (a
    dialog given a missing folder opens in the current one, often a source checkout), else
    the home folder."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else str(Path.home())


class FileActions(QObject):
    loaded = pyqtSignal()  # the document's points were replaced by a file or a preset
    failed = pyqtSignal(str)  # what went wrong, for the user (a file that cannot be used)
    succeeded = pyqtSignal(str)  # a file loaded or saved, a preset loaded
    fileUsed = pyqtSignal(object)  # the pathlib.Path of a file just loaded or saved (recent)

    def __init__(self, window: QMainWindow, document: Document, status: StatusLabels) -> None:
        super().__init__(window)
        self._window = window
        self._document = document
        self._status = status
        # The folder of the last file opened or saved (remembered across launches by
        # gui/window_settings.py); None: the samples for Open, the documents for Save.
        self.last_folder: str | None = None
        # What "Save" in the unsaved-points question does (the window saves the session).
        self.save_points = self.save_file
        self._reader = FileReader(self)
        self._reader.progressed.connect(self._show_reading)
        self._reader.finished.connect(self._read)
        # The read under way: what to do once its points are in, and the undo position when
        # it began (edits made meanwhile are not dropped without asking).
        self._then: Callable[[], None] | None = None
        self._position_at_start = 0

    # --- gestures --------------------------------------------------------------------------
    def ask_open_path(self) -> Path | None:
        """Ask which session or data file to open (None: cancelled)."""
        start = str(self._document.path.parent) if self._document.path else (
            self.last_folder or samples_folder())
        kinds = self.tr("Sessions and data tables (*.neuronlab *.csv *.tsv *.txt *.dat);;"
                        "Neuron Lab sessions (*.neuronlab);;"
                        "Data tables (*.csv *.tsv *.txt *.dat);;All files (*)")
        path, _ = QFileDialog.getOpenFileName(self._window, self.tr("Open"), start, kinds)
        return Path(path) if path else None

    def save_file(self) -> bool:
        """Ask where, then save; False when the user cancelled or the save failed."""
        path, _ = QFileDialog.getSaveFileName(self._window, self.tr("Save points"),
                                              self._save_start(),
                                              self.tr("CSV files (*.csv)"))
        return bool(path) and self.save_to(Path(path))

    def _save_start(self) -> str:
        """Where Save proposes to write: the file the points came from, unless that is one of
        the shipped samples (inside the installed package); else the user's documents folder
        (not the folder the app was started from, often a source checkout)."""
        path = self._document.path
        if path is not None and path.suffix.lower() == ".neuronlab":  # the session's points
            return str(path.with_suffix(".csv"))
        if path is not None and str(path.parent) != samples_folder():
            return str(path)
        name = f"{self._document.preset}.csv" if self._document.preset else "points.csv"
        if path is not None:
            name = path.name
        return str(Path(self.last_folder or documents_folder()) / name)

    # --- document operations ---------------------------------------------------------------
    def load_file(self, path: Path, then: Callable[[], None] | None = None) -> bool:
        """Replace the points with a CSV file's, then call ``then``; False (nothing changed)
        when the user keeps the edited points or the file cannot be used (said through
        ``failed``). A big file is read on a worker thread (``BACKGROUND_BYTES``): True then
        means the reading began; its points, or its error, come when it is done."""
        if not self.may_discard_points():
            return False
        self.cancel_reading()
        try:
            big = Path(path).stat().st_size > BACKGROUND_BYTES
        except OSError:
            big = False  # the reading below says what is wrong with it
        if big:
            self._then = then
            self._position_at_start = self._document.dataset.undo_position()
            self._reader.read(Path(path))
            self._show_reading(0.0)
            return True
        try:
            self._document.load_file(path)
        except DataFileError as error:
            self.failed.emit(str(error))
            return False
        self._file_loaded(Path(path), then)
        return True

    def reading(self) -> Path | None:
        """The file being read on the worker, if one is."""
        return self._reader.reading()

    def cancel_reading(self) -> None:
        """Stop reading a file (Cancel, or other points were chosen meanwhile)."""
        if self._reader.reading() is not None:
            self._reader.cancel()
            self._status.hide_progress()
            self._status.message(self.tr("Stopped reading the file; the points are as they "
                                         "were"), 4000)

    def close(self) -> None:
        """Stop any reading and wait for its thread (the window is closing)."""
        self._reader.close()

    def _show_reading(self, fraction: float) -> None:
        path = self._reader.reading()
        if path is not None:
            self._status.show_progress(self.tr("Reading {0}").format(path.name), fraction,
                                       self.cancel_reading)

    def _read(self, path: Path, points: tuple[np.ndarray, np.ndarray] | None,
              error: str | None) -> None:
        """A read on the worker ended: its points replace the document's (asking again if
        the user edited the points while it read), or its error is said."""
        self._status.hide_progress()
        then, self._then = self._then, None
        if error is not None or points is None:
            self.failed.emit(error or self.tr("{0}: could not be read").format(path))
            return
        edited = self._document.dataset.undo_position() != self._position_at_start
        if edited and not self.may_discard_points():
            self._status.message(self.tr("Kept your edits; {0} was not opened").format(
                path.name), 6000)
            return
        xy, labels = points
        self._document.load(xy, labels, path=path)
        self._file_loaded(path, then)

    def _file_loaded(self, path: Path, then: Callable[[], None] | None) -> None:
        self._loaded(self.tr("Loaded {0}").format(path.name))
        self.last_folder = str(Path(path).resolve().parent)
        self.fileUsed.emit(path)
        if then is not None:
            then()

    def load_preset(self, name: str, seed: int) -> bool:
        """Replace the points with a preset; False (nothing changed) when the user keeps
        the edited points."""
        if not self.may_discard_points():
            return False
        self.cancel_reading()
        self._document.load_preset(name, seed)
        self._loaded(self.tr("Loaded the preset {0}").format(name))
        return True

    def save_to(self, path: Path) -> bool:
        try:
            count = self._document.save(path)
        except OSError as error:
            self.failed.emit(self.tr("Could not save {0}: {1}").format(
                path, error.strerror or error))
            return False
        self.update_title()
        self._succeeded(self.tr("Saved {0} points to {1}").format(count, path))
        self.last_folder = str(Path(path).resolve().parent)
        self.fileUsed.emit(path)
        return True

    def may_discard_points(self) -> bool:
        """Ask before edited points are replaced or closed; True when it is fine to go on."""
        if not self._document.has_unsaved_points():
            return True
        answer = QMessageBox.question(
            self._window, self.tr("Unsaved points"),
            self.tr("The points were edited and not saved. Save them first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save_points()
        return answer == QMessageBox.StandardButton.Discard

    def update_title(self) -> None:
        path = self._document.path
        self._window.setWindowTitle(self.tr("Neuron Lab — {0}").format(path.name) if path
                                    else self.tr("Neuron Lab"))

    def _loaded(self, message: str) -> None:
        self.update_title()
        self.loaded.emit()
        self._succeeded(message)

    def _succeeded(self, message: str) -> None:
        self._status.message(message, 4000)
        self.succeeded.emit(message)
