"""Points on disk: a CSV with header ``x,y,label``.

Loading validates every row before anything is returned, so a bad file never half-replaces the
user's points; the error names the first bad line the way an editor would count it (1 = header).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

HEADER = ["x", "y", "label"]
FLOAT32_MAX = float(np.finfo(np.float32).max)


class DataFileError(ValueError):
    """A data file that cannot be used; the message is one line meant for the user."""


def load_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not a text file") from None
    except OSError as error:
        raise DataFileError(f"{path}: cannot read ({error.strerror})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise DataFileError(f"{path}: the file is empty; expected a header 'x,y,label'")
    header = [cell.strip().lower() for cell in rows[0]]
    if header != HEADER:
        found = ",".join(rows[0])
        raise DataFileError(f"{path}:1: expected the header 'x,y,label', found '{found}'")
    xy: list[tuple[float, float]] = []
    labels: list[int] = []
    for line_number, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue  # blank lines are harmless
        if len(row) != 3:
            raise DataFileError(f"{path}:{line_number}: expected 3 values, found {len(row)}")
        x, y = (_number(path, line_number, name, cell) for name, cell in zip("xy", row))
        label = row[2].strip()
        if label not in ("0", "1", "0.0", "1.0"):
            raise DataFileError(f"{path}:{line_number}: label must be 0 or 1, found '{label}'")
        xy.append((x, y))
        labels.append(int(float(label)))
    return np.array(xy, dtype=np.float64).reshape(-1, 2), np.array(labels, dtype=np.int8)


def save_csv(path: str | Path, xy: np.ndarray, labels: np.ndarray) -> None:
    """Write atomically (temp file + rename) so a failed save never truncates an old file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for (x, y), label in zip(np.asarray(xy), np.asarray(labels)):
            writer.writerow([repr(float(x)), repr(float(y)), int(label)])
    tmp.replace(path)


def _number(path: Path, line_number: int, name: str, cell: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise DataFileError(
            f"{path}:{line_number}: {name} is not a number: '{cell.strip()}'"
        ) from None
    if not math.isfinite(value):
        raise DataFileError(f"{path}:{line_number}: {name} must be finite, found '{cell.strip()}'")
    if abs(value) > FLOAT32_MAX:  # the model computes in float32: this would be infinite there
        raise DataFileError(
            f"{path}:{line_number}: {name} is too large for float32 (above 3.4e38): "
            f"'{cell.strip()}'")
    return value
