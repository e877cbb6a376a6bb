"""File → Open recent: the data files last opened or saved, remembered across launches.

Kept in the user's ``QSettings`` (key ``recent_files``, newest first, at most ``MAX_RECENT``);
without settings (tests, screenshots) the list lives only as long as the window. A file that
has gone missing stays listed until chosen: opening it then says so in one line and drops it.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QObject, QSettings, pyqtSignal
from PyQt6.QtWidgets import QMenu

MAX_RECENT = 8
RECENT_KEY = "recent_files"


class RecentFiles(QObject):
    """The list and its menu; ``chosen(path)`` when the user picks one."""

    chosen = pyqtSignal(object)  # pathlib.Path

    def __init__(self, menu: QMenu, settings: QSettings | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._menu = menu
        self._settings = settings
        stored = settings.value(RECENT_KEY, [], type=list) if settings is not None else []
        self._paths = [Path(p) for p in stored if p][:MAX_RECENT]
        self._show()

    def paths(self) -> list[Path]:
        return list(self._paths)

    def add(self, path: Path) -> None:
        """``path`` was opened or saved: first in the list."""
        path = Path(path).resolve()
        self._paths = [path, *(p for p in self._paths if p != path)][:MAX_RECENT]
        self._store()

    def forget(self, path: Path) -> None:
        self._paths = [p for p in self._paths if p != Path(path)]
        self._store()

    def _store(self) -> None:
        if self._settings is not None:
            self._settings.setValue(RECENT_KEY, [str(p) for p in self._paths])
        self._show()

    def _show(self) -> None:
        self._menu.clear()
        for number, path in enumerate(self._paths, start=1):
            # "&1 name" gives each entry its key; the full path is the status tip.
            action = self._menu.addAction(f"&{number} {path.name}")
            action.setStatusTip(str(path))
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.chosen.emit(p))
        self._menu.setEnabled(bool(self._paths))
        if not self._paths:
            self._menu.addAction(self.tr("No recent files")).setEnabled(False)
