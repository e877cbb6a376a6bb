"""Files people already have reach the window: dropped on it, from Open recent, or named on
the command line; a missing recent file says so and leaves the list."""

import numpy as np
from PyQt6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PyQt6.QtGui import QDragEnterEvent, QDropEvent
from PyQt6.QtWidgets import QApplication

from core.cli import parse
from gui.recent_files import MAX_RECENT, RecentFiles


def savetxt_file(path, xy, labels):
    """The question's data saved the natural NumPy way: spaces, e-notation, '# ' header."""
    np.savetxt(path, np.column_stack([xy, labels]), header="x y label")
    return path


def drop(window, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    where = QPointF(window.rect().center())
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(where.toPoint(), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, QDropEvent(where, actions, mime, Qt.MouseButton.LeftButton,
                                              Qt.KeyboardModifier.NoModifier))


def test_a_file_dropped_on_the_window_opens_and_is_remembered(qtbot, make_window, tmp_path):
    window = make_window()
    xy = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    path = savetxt_file(tmp_path / "mine.txt", xy, np.array([0, 1, 0]))
    drop(window, path)
    qtbot.waitUntil(lambda: len(window.dataset) == 3, timeout=5_000)
    assert np.array_equal(window.dataset.snapshot().xy, xy)
    assert "mine.txt" in window.windowTitle()
    assert window.recent.paths()[0] == path.resolve()
    assert [a.text() for a in window.recent_menu.actions()] == ["&1 mine.txt"]


def test_open_recent_reopens_and_a_missing_file_is_said_and_dropped(qtbot, make_window,
                                                                    tmp_path):
    window = make_window()
    path = savetxt_file(tmp_path / "corners.txt", np.array([[0.0, 0.0], [1.0, 1.0]]),
                        np.array([0, 1]))
    window.open_path(path)
    window.load_preset("xor")
    assert len(window.dataset) != 2
    window.recent_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: len(window.dataset) == 2, timeout=5_000)
    path.unlink()
    window.load_preset("xor")
    window.recent_menu.actions()[0].trigger()
    assert "no such file" in window.caption.error_text()
    assert window.recent.paths() == [] and len(window.dataset) != 2  # nothing lost


def test_recent_files_outlive_the_window_and_keep_the_newest(qtbot, tmp_path):
    from PyQt6.QtWidgets import QMenu

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = RecentFiles(QMenu(), settings)
    for i in range(MAX_RECENT + 2):
        first.add(tmp_path / f"f{i}.csv")
    first.add(tmp_path / "f3.csv")  # opened again: first, not twice
    settings.sync()
    again = RecentFiles(QMenu(), QSettings(str(tmp_path / "settings.ini"),
                                           QSettings.Format.IniFormat))
    names = [p.name for p in again.paths()]
    assert names[:2] == ["f3.csv", f"f{MAX_RECENT + 1}.csv"] and len(names) == MAX_RECENT
    assert names.count("f3.csv") == 1


def test_a_file_named_on_the_command_line_is_the_data_and_a_recent_file(qtbot, answers,
                                                                         tmp_path):
    from gui.app import open_window

    path = savetxt_file(tmp_path / "q.txt", np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([0, 1]))
    options = parse([str(path)])
    assert options.source_path == path and len(options.labels) == 2
    window = open_window(options)
    qtbot.addWidget(window)
    assert len(window.dataset) == 2 and "q.txt" in window.windowTitle()
    assert window.recent.paths() == [path.resolve()]
    window.close()
