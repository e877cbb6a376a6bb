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

from pathlib import Path

from PyQt6.QtCore import QObject, QStandardPaths, pyqtSignal
from PyQt6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from core.csv_io import DataFileError
from core.document import Document
from gui.status_bar import StatusLabels
from resources import sample_paths


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
    def load_file(self, path: Path) -> bool:
        """Replace the points with a CSV file's; False (nothing changed) when the user keeps
        the edited points or the file cannot be used (said through ``failed``)."""
        if not self.may_discard_points():
            return False
        try:
            self._document.load_file(path)
        except DataFileError as error:
            self.failed.emit(str(error))
            return False
        self._loaded(self.tr("Loaded {0}").format(path.name))
        self.last_folder = str(Path(path).resolve().parent)
        self.fileUsed.emit(path)
        return True

    def load_preset(self, name: str, seed: int) -> bool:
        """Replace the points with a preset; False (nothing changed) when the user keeps
        the edited points."""
        if not self.may_discard_points():
            return False
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
