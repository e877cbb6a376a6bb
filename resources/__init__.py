"""Files the app ships beside its code: the icon, sample data sets and (later) translations.

Found through the installed package with ``importlib.resources``, never relative to the
repository or the working directory, so they work the same from a checkout, an editable
install and a wheel. Plain paths (not Qt resources) keep ``core`` and tests free of Qt.

- ``icons/neuron-lab.svg``: the application and window icon.
- ``samples/question-4.csv``, ``samples/question-2000.csv``: the question's two data sets
  (presets ``seed-4`` and ``seed-2000``) as files users can open with Ctrl+O.
- ``translations/``: the home for Qt ``.qm`` files (filled by a later issue).
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

ICON = "icons/neuron-lab.svg"


def _path(relative: str) -> Path:
    # The package is installed as plain files (not zipped), so as_file returns the real path
    # without copying it to a temporary file that would disappear after the ``with``.
    with as_file(files(__name__).joinpath(relative)) as path:
        return Path(path)


def icon_path() -> Path:
    """The app icon (SVG)."""
    return _path(ICON)


def sample_paths() -> list[Path]:
    """The sample data sets (CSV with header ``x,y,label``), sorted by name."""
    folder = files(__name__).joinpath("samples")
    return sorted(_path(f"samples/{entry.name}") for entry in folder.iterdir()
                  if entry.name.endswith(".csv"))
