"""The document's clean marker and loading, headless (issue 8, bug 5 and the document)."""

import numpy as np
import pytest

from core.csv_io import DataFileError
from core.dataset import Dataset
from core.document import Document

FOUR = (np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([0, 0, 1, 1]))


def four_points() -> Document:
    return Document(Dataset(*FOUR), preset="seed-4")


def test_a_fresh_document_is_clean_and_an_edit_makes_it_unsaved():
    document = four_points()
    assert document.is_clean() and not document.has_unsaved_points()
    document.dataset.add(0.5, 0.5, 1)
    assert not document.is_clean() and document.has_unsaved_points()


def test_undo_back_to_the_saved_state_is_clean_and_redo_is_not():
    """Bug 5: counting changes called this unsaved although the points equal the file's."""
    document = four_points()
    document.dataset.add(0.5, 0.5, 1)
    document.dataset.undo()
    assert document.is_clean() and not document.has_unsaved_points()
    document.dataset.redo()
    assert not document.is_clean()


def test_clean_in_the_middle_of_the_history(tmp_path):
    document = four_points()
    ds = document.dataset
    ds.add(2.0, 2.0, 1)
    document.save(tmp_path / "saved.csv")
    assert document.is_clean()
    ds.add(3.0, 3.0, 0)
    ds.move(0, 0.2, 0.2)
    assert not document.is_clean()
    ds.undo()
    ds.undo()
    assert document.is_clean()
    ds.undo()  # before the save: also unsaved
    assert not document.is_clean()
    ds.redo()
    assert document.is_clean()


def test_a_new_edit_after_undo_never_comes_back_clean():
    """Undo past the clean point, then edit: the saved state can no longer be reached, even
    though the undo stack has the same length as when it was saved."""
    document = four_points()
    ds = document.dataset
    ds.add(2.0, 2.0, 1)
    document.mark_clean()
    ds.undo()
    ds.add(2.0, 2.0, 0)  # same place, other class: same stack depth, other points
    assert not document.is_clean()


def test_a_drag_continued_after_saving_is_unsaved(tmp_path):
    """``move(merge=True)`` folds into the newest undo step in place; the saved position
    must not survive that."""
    document = four_points()
    ds = document.dataset
    ds.move(3, 1.5, 1.5)
    document.save(tmp_path / "mid-drag.csv")
    ds.move(3, 1.8, 1.8, merge=True)
    assert not document.is_clean()
    ds.undo()  # the whole drag, back before the saved position
    assert not document.is_clean()
    ds.redo()  # the drag's end, not the saved middle
    assert not document.is_clean()


def test_no_points_are_nothing_to_lose():
    document = four_points()
    document.dataset.clear()
    assert not document.is_clean() and not document.has_unsaved_points()


def test_loading_a_preset_replaces_undoably_sets_the_source_and_marks_clean(tmp_path):
    document = Document(Dataset(*FOUR), path=tmp_path / "old.csv")
    document.dataset.add(0.5, 0.5, 1)
    document.load_preset("seed-2000", seed=0)
    assert len(document.dataset) == 2000
    assert document.preset == "seed-2000" and document.path is None
    assert document.is_clean()
    assert document.dataset.undo()  # the replacement is one step: the edited points return
    assert len(document.dataset) == 5 and document.has_unsaved_points()


def test_save_then_load_file_round_trips_and_names_the_file(tmp_path):
    document = four_points()
    document.dataset.add(0.25, 0.75, 1)
    path = tmp_path / "five.csv"
    assert document.save(path) == 5
    assert document.path == path and document.is_clean()
    other = Document(Dataset(), preset="xor")
    other.load_file(path)
    assert other.path == path and other.preset is None and other.is_clean()
    assert np.array_equal(other.dataset.snapshot().xy, document.dataset.snapshot().xy)


def test_a_bad_file_changes_nothing(tmp_path):
    document = four_points()
    document.dataset.add(0.5, 0.5, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n0,0,0\n1,1,7\n")
    with pytest.raises(DataFileError, match="bad.csv:3"):
        document.load_file(bad)
    assert len(document.dataset) == 5 and document.preset == "seed-4" and document.path is None
    assert document.has_unsaved_points()


def test_a_failed_save_stays_unsaved(tmp_path):
    document = four_points()
    document.dataset.add(0.5, 0.5, 1)
    with pytest.raises(OSError):
        document.save(tmp_path / "no-such-folder" / "points.csv")
    assert document.has_unsaved_points() and document.path is None
