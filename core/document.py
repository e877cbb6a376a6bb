"""The document: the points being edited, where they came from, and whether they are saved.

The window asks the document instead of keeping its own bookkeeping. Being saved is a place in
the undo history, as with ``QUndoStack.setClean``/``isClean``: ``mark_clean()`` after loading
or saving remembers the current undo position, and the points are clean exactly when undo and
redo bring them back there. Comparing change counters instead would call "add a point, then
undo it" unsaved although nothing differs from the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.csv_io import load_csv, save_csv
from core.dataset import Dataset
from core.presets import make_preset


class Document:
    """A ``Dataset`` with a source (a file or a preset) and a clean marker.

    ``path`` is the file the points were opened from or last saved to (None: never on disk);
    ``preset`` is the preset they were loaded from (None: a file). Loading is one undoable
    replacement of the points; it sets the source and marks the document clean.
    """

    def __init__(self, dataset: Dataset | None = None, *, path: Path | None = None,
                 preset: str | None = None) -> None:
        self.dataset = dataset if dataset is not None else Dataset()
        self._set_source(path, preset)
        self._clean_position = self.dataset.undo_position()

    def _set_source(self, path: Path | None, preset: str | None) -> None:
        """Points from a file are that file's, whatever preset they may once have been."""
        self.path = path
        self.preset = None if path is not None else preset

    # --- the clean marker -------------------------------------------------------------------
    def mark_clean(self) -> None:
        """The points as they are now are saved (or freshly loaded): nothing to lose."""
        self._clean_position = self.dataset.undo_position()

    def is_clean(self) -> bool:
        """True exactly when the points are back at the undo position marked clean."""
        return self.dataset.undo_position() == self._clean_position

    def has_unsaved_points(self) -> bool:
        """Edited since loaded or saved, and not empty (no points are nothing to lose)."""
        return not self.is_clean() and len(self.dataset) > 0

    # --- loading and saving ----------------------------------------------------------------
    def load(self, xy: np.ndarray, labels: np.ndarray, *, path: Path | None = None,
             preset: str | None = None, ids: np.ndarray | None = None) -> None:
        """Replace the points (one undo step), record where they came from, mark clean.
        ``ids``: the points' own (a session's), else they are numbered from 0."""
        self.dataset.replace(xy, labels, ids)
        self._set_source(path, preset)
        self.mark_clean()

    def load_preset(self, name: str, seed: int) -> None:
        """Load a named preset generated from ``seed``; KeyError for an unknown name."""
        xy, labels = make_preset(name, seed)
        self.load(xy, labels, preset=name)

    def load_file(self, path: Path) -> None:
        """Load a CSV file. ``DataFileError`` (one line for the user) leaves everything as it
        was: the file is read and checked in full before the points are replaced."""
        xy, labels = load_csv(path)
        self.load(xy, labels, path=Path(path))

    def forget_saved(self) -> None:
        """The points are saved nowhere (restored from a crash copy): unsaved, no source."""
        self.path = None
        self.preset = None
        self._clean_position = -1  # never an undo position (those are 0 and up)

    def saved_as(self, path: Path, position: int) -> None:
        """The points at undo position ``position`` were written to ``path`` by someone else
        (a session file): they are clean if the user has not edited them since."""
        self.path = Path(path)
        self.preset = None
        self._clean_position = position

    def save(self, path: Path) -> int:
        """Write the points to ``path`` as CSV and mark them clean; returns how many points.

        ``OSError`` leaves the document as it was (still unsaved)."""
        snapshot = self.dataset.snapshot()
        save_csv(path, snapshot.xy, snapshot.labels)
        self.path = Path(path)
        self.mark_clean()  # edits come from the thread that saves, so none came in between
        return len(snapshot)

