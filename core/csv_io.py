"""Points on disk: read the CSV files people have, write one plain dialect.

Users bring data made in NumPy or pandas, so reading accepts what those write (``load_csv``
lists the rules); writing always uses the header ``x,y,label`` so the app's own files are the
simplest case. Loading validates every row before anything is returned, so a bad file never
half-replaces the user's points; every error is one line naming the first bad line the way an
editor counts it (1-based, comment and blank lines included).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.atomic_write import atomic_write
from core.i18n import _

HEADER = ["x", "y", "label"]
# Files above this are refused before reading: 1,000,000 points take ~40 MB as the app writes
# them, so this is far beyond any data set one neuron is watched learning on.
MAX_FILE_BYTES = 512 * 1000 * 1000
FLOAT32_MAX = float(np.finfo(np.float32).max)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what editors count; str.splitlines knows more breaks
_SEPARATORS = (";", ",")  # semicolon first: its files may hold commas (in names, say)
_SPACE = re.compile(r"\s")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # in no text table but tab, CR, LF, FF
_INDEX_NAMES = ("", "unnamed: 0", "index")  # pandas to_csv's index column, named or not
_LABEL_NAMES = ("label", "class", "target", "cls")  # then "y", but only when there is no "x" column
_FEATURE_PAIRS = (("x", "y"), ("x1", "x2"), ("x0", "x1"))
# The fast path (``_parse_fast``): files of at least this many rows; the first lines it learns
# the layout from; the pieces it reads in (progress); and what in the rows sends a file to the
# slow path, whose rules NumPy's parser does not follow: quoted cells, comments, "1_000".
_FAST_MIN_ROWS = 5000
_FAST_MIN_CHARS = 5000 * 80
_FAST_HEAD_LINES = 50
_FAST_CHUNKS = 20
_SLOW_MARKS = ('"', "#", "_")


class DataFileError(ValueError):
    """A data file that cannot be used; the message is one line meant for the user."""


@dataclass(frozen=True)
class _Table:
    """A file cut into cells: the header (if any) and the data rows with their line numbers."""

    names: list[str] | None
    header_line: int | None
    rows: list[tuple[int, list[str]]]

    @property
    def width(self) -> int:
        return len(self.names) if self.names is not None else len(self.rows[0][1])

    @property
    def first_line(self) -> int:
        return self.header_line if self.header_line is not None else self.rows[0][0]


@dataclass(frozen=True)
class _Columns:
    """Which cells hold x, y and the label, and the names to use for them in messages."""

    indices: tuple[int, int, int]
    names: tuple[str, str, str]


def load_csv(path: str | Path, progress: Callable[[float], None] | None = None,
             ) -> tuple[np.ndarray, np.ndarray]:
    """Read points as ``(xy float64 (n, 2), labels int8 (n,))``; ``DataFileError`` otherwise.

    Accepted: UTF-8 with or without BOM; LF, CRLF or CR line ends; blank lines and ``#`` comment
    lines anywhere; cells separated by tab, semicolon, comma or runs of spaces/tabs (chosen from
    the first data row, see ``_separator``); any float syntax Python reads (``1e-3``,
    ``0.000000000000000000e+00``). A first row with a non-empty cell that is not a number is the
    header; otherwise the last ``#`` line just above the data is the header when it has as many
    cells as the rows and is not all numbers (``numpy.savetxt(header=...)``); otherwise there is
    no header. A first column named ``""``, ``Unnamed: 0`` or ``index`` holding integers is a
    pandas index and is dropped.

    The label column is picked by name: ``label``, else ``class``, else ``target``, else ``y``
    when no column is called ``x`` (then ``y`` is the usual coordinate, as in ``x,y,label``).
    Without such a name there must be exactly three columns, read as x, y, label. The two
    features are ``x,y`` (or ``x1,x2``, ``x0,x1``) by name, else the first two other columns;
    further columns are ignored and may hold anything. Labels are any number equal to 0 or 1.

    ``progress(fraction)`` is called now and then while a large file is read (from 0 to 1), on
    the calling thread: the window reads on a worker and shows how far it got.
    """
    path = Path(path)
    text = _read_text(path)
    if progress is not None:
        progress(0.0)
    fast = _parse_fast(path, text, progress)
    if fast is not None:
        return fast
    table = _split_table(path, text)
    return _parse_points(path, table, _choose_columns(path, table))


def save_csv(path: str | Path, xy: np.ndarray, labels: np.ndarray) -> None:
    """Write atomically (``core.atomic_write``: a unique temp file, fsync, rename, the mode and
    symlinks kept), so a failed save never truncates an old file or leaves a stray one."""

    def write(handle) -> None:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for (x, y), label in zip(np.asarray(xy), np.asarray(labels)):
            writer.writerow([repr(float(x)), repr(float(y)), int(label)])

    atomic_write(path, write)


def read_file_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, read as an input file must be: only a regular file (a FIFO would block
    forever, /dev/zero never ends), at most ``limit`` bytes, and without waiting (a "regular"
    file that blocks, /proc/kmsg, fails instead). ``DataFileError`` says why not, in one line."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise DataFileError(_("{path}: is a folder, not a data file").format(path=path))
        if not stat.S_ISREG(info.st_mode):
            raise DataFileError(_("{path}: not a regular file (a pipe or a device is not read "
                                  "as data)").format(path=path))
        if info.st_size > limit:
            raise DataFileError(_("{path}: too large to read ({size:.0f} MB; at most {limit:.0f} "
                                  "MB)").format(path=path, size=info.st_size / 1e6,
                                                limit=limit / 1e6))
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise DataFileError(_("{path}: no such file").format(path=path)) from None
    except OSError as error:
        raise DataFileError(_("{path}: cannot read ({reason})").format(
            path=path, reason=error.strerror)) from None
    if data is None:  # nothing to read without waiting: not a file of points
        raise DataFileError(_("{path}: cannot read without waiting (not a data file)").format(
            path=path))
    if len(data) > limit:  # it grew while being read
        raise DataFileError(_("{path}: too large to read (at most {limit:.0f} MB)").format(
            path=path, limit=limit / 1e6))
    return data


def _read_text(path: Path) -> str:
    data = read_file_bytes(path)
    text = _decoded(data)
    if "\x00" in text:  # valid UTF-8, but no text editor or CSV writer puts NUL in a file
        raise DataFileError(_("{path}: not a text file").format(path=path))
    return text


def _decoded(data: bytes) -> str:
    """UTF-8 (with or without BOM); else UTF-16 with its BOM (Excel's "Unicode text"); else
    Windows-1252 / Latin-1, what older spreadsheets and editors write on Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = ""
        # A table of numbers is mostly ASCII; random bytes after a BOM-like start are not.
        if text and sum(ch.isascii() for ch in text) >= 0.9 * len(text) \
                and not _CONTROL.search(text):
            return text
        return "\x00"  # refused below as not text
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # every byte is a character
    return "\x00" if _CONTROL.search(text) else text  # control bytes: binary, not text


def _split_table(path: Path, text: str) -> _Table:
    numbered = list(enumerate(_LINE_BREAK.split(text), start=1))
    content = [(n, line) for n, line in numbered if line.strip() and not _is_comment(line)]
    if not content:
        if not text.strip():
            raise DataFileError(_("{path}: the file is empty; expected rows of x, y, label").format(
                path=path))
        raise DataFileError(_("{path}: no points to train on: only comment and blank lines").format(
            path=path))
    separator = _table_separator(path, content)
    rows = [(n, _cells(path, n, line, separator)) for n, line in content]
    if _is_header(rows[0][1]):
        header_line, names = rows[0]
        # A header alone is a set of no points, as the window saves one: it opens empty (the
        # command line refuses it, having nothing to train on).
        return _Table([_name(cell) for cell in names], header_line, rows[1:])
    header_line, names = _commented_header(path, numbered, rows, separator)
    return _Table(names, header_line, rows)


def _table_separator(path: Path, content: list[tuple[int, str]]) -> str | None:
    """The first data row says how cells are separated (a header may have spaces in names)."""
    separator = _separator(content[0][1])
    if len(content) > 1 and _is_header(_cells(path, content[0][0], content[0][1], separator)):
        in_data = _separator(content[1][1])
        if len(_cells(path, content[1][0], content[1][1], in_data)) > 1:
            separator = in_data  # else a data row with one cell: the header's separator says
    return separator


def _parse_fast(path: Path, text: str, progress: Callable[[float], None] | None,
                ) -> tuple[np.ndarray, np.ndarray] | None:
    """The common big file (numbers only, one separator, no quotes or comments among the
    rows) read by NumPy's C parser, about seven times faster than cell by cell: 1,000,000 rows
    in 0.7 s instead of 4.7 s. The layout (header, separator, columns) is learnt from the
    first rows by the same rules as the slow path; anything the fast parse does not accept
    as is (a bad cell, a changing column count, a label that is not 0 or 1) gives None, and
    the slow path reads the file again to name the first bad line exactly. Small files always
    take the slow path, so this can only change how fast a good file is read."""
    breaks = len(_LINE_BREAK.findall(text, 0, _FAST_MIN_CHARS))
    if breaks < _FAST_MIN_ROWS:
        return None
    numbered = list(enumerate(_LINE_BREAK.split(text, maxsplit=_FAST_HEAD_LINES), start=1))
    head_lines = numbered[:-1]  # the last piece is the rest of the file
    content = [(n, line) for n, line in head_lines if line.strip() and not _is_comment(line)]
    if len(content) < 2:
        return None
    try:  # the first rows' verdict may differ from the whole file's: the slow path says
        head = _split_table(path, "\n".join(line for _, line in head_lines))
        columns = _choose_columns(path, head)
    except DataFileError:
        return None
    skip = head.rows[0][0] - 1  # lines before the first data row
    rest = _LINE_BREAK.split(text, maxsplit=skip)[-1] if skip else text
    if any(mark in rest for mark in _SLOW_MARKS):
        return None
    separator = _table_separator(path, content)
    chunks = _line_chunks(rest, _FAST_CHUNKS)
    parts = []
    for done, chunk in enumerate(chunks, start=1):
        try:
            part = np.loadtxt(io.StringIO(chunk, newline=None), delimiter=separator,
                              dtype=np.float64, ndmin=2, comments=None)
        except ValueError:
            return None
        if part.size and part.shape[1] != head.width:
            return None
        parts.append(part)
        if progress is not None:
            progress(done / len(chunks))
    table = np.concatenate([p for p in parts if p.size] or [np.empty((0, head.width))])
    x, y, label = columns.indices
    values = table[:, [x, y, label]]
    if not (np.isfinite(values).all() and (np.abs(values) <= FLOAT32_MAX).all()
            and np.isin(values[:, 2], (0.0, 1.0)).all()):
        return None
    index_dropped = head.width > 3 and 0 not in columns.indices  # as a pandas index
    if index_dropped and not np.array_equal(table[:, 0], np.round(table[:, 0])):
        return None
    return values[:, :2].copy(), values[:, 2].astype(np.int8)


def _line_chunks(text: str, count: int) -> list[str]:
    """``text`` cut into about ``count`` pieces at line ends (for progress between them)."""
    size = max(1, len(text) // count)
    chunks, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        chunks.append(text[start:end])
        start = end
    return chunks


def _commented_header(
    path: Path, numbered: list[tuple[int, str]], rows: list[tuple[int, list[str]]],
    separator: str | None,
) -> tuple[int | None, list[str] | None]:
    """``numpy.savetxt(header="x,y,label")`` writes ``# x,y,label``: take the nearest non-blank
    line above the data as the header if it is a comment shaped like one, else no header."""
    above = [(n, line) for n, line in numbered[: rows[0][0] - 1] if line.strip()]
    if not above or not _is_comment(above[-1][1]):
        return None, None
    n, line = above[-1]
    text = line.lstrip().lstrip("#")
    for sep in (separator, _separator(text)):  # the data's separator, else the line's own
        cells = _cells(path, n, text, sep)
        if len(cells) == len(rows[0][1]) and _is_header(cells):
            return n, [_name(cell) for cell in cells]
    return None, None  # an ordinary comment


def _choose_columns(path: Path, table: _Table) -> _Columns:
    keys = [name.lower() for name in table.names] if table.names is not None else None
    candidates = list(range(table.width))
    if keys and keys[0] in _INDEX_NAMES and _holds_integers(table.rows, 0):
        candidates.remove(0)
    if len(candidates) < 3:
        raise DataFileError(
            _("{path}:{line}: expected 3 values (x, y, label), found {found}").format(
                path=path, line=table.first_line, found=len(candidates)))
    label = _label_column(keys, candidates)
    if label is None:
        if len(candidates) > 3:
            raise DataFileError(
                _("{path}:{line}: {count} columns and none is named label, class, target or y; "
                  "name the label column in a header line").format(
                    path=path, line=table.first_line, count=len(candidates)))
        label = candidates[2]
    rest = [c for c in candidates if c != label]
    x, y = _feature_columns(keys, rest)

    def name(column: int, role: str) -> str:
        names = table.names
        return role if names is None or not names[column] else _shown(names[column])

    return _Columns((x, y, label), (name(x, "x"), name(y, "y"), name(label, "label")))


def _label_column(keys: list[str] | None, candidates: list[int]) -> int | None:
    if keys is None:
        return None
    named = {keys[c]: c for c in reversed(candidates)}  # reversed: the first of equal names wins
    for name in _LABEL_NAMES:
        if name in named:
            return named[name]
    if "y" in named and "x" not in named:  # x1,x2,y is scikit-learn's X and y
        return named["y"]
    return None


def _feature_columns(keys: list[str] | None, rest: list[int]) -> tuple[int, int]:
    if keys is not None:
        named = {keys[c]: c for c in reversed(rest)}
        for first, second in _FEATURE_PAIRS:
            if first in named and second in named:
                return named[first], named[second]
    return rest[0], rest[1]


def _parse_points(path: Path, table: _Table, columns: _Columns) -> tuple[np.ndarray, np.ndarray]:
    width = table.width
    xy = np.empty((len(table.rows), 2), dtype=np.float64)
    labels = np.empty(len(table.rows), dtype=np.int8)
    x_col, y_col, label_col = columns.indices
    x_name, y_name, label_name = columns.names
    label_says = (_("label") if label_name.lower() == "label"
                  else _("label '{name}'").format(name=label_name))
    for i, (n, cells) in enumerate(table.rows):
        if len(cells) != width:
            raise DataFileError(
                _("{path}:{line}: expected {width} values (as on line {first}), found "
                  "{found}").format(path=path, line=n, width=width, first=table.first_line,
                                    found=len(cells)))
        xy[i, 0] = _number(path, n, x_name, cells[x_col])
        xy[i, 1] = _number(path, n, y_name, cells[y_col])
        label = _number(path, n, label_says, cells[label_col])
        if label not in (0.0, 1.0):
            raise DataFileError(
                _("{path}:{line}: {label} must be 0 or 1, found '{value}'").format(
                    path=path, line=n, label=label_says, value=_shown(cells[label_col])))
        labels[i] = int(label)
    return xy, labels


def _number(path: Path, line_number: int, name: str, cell: str) -> float:
    value = _float_or_none(cell)
    if value is None:
        raise DataFileError(_("{path}:{line}: {name} is not a number: '{value}'").format(
            path=path, line=line_number, name=name, value=_shown(cell)))
    if not math.isfinite(value):
        raise DataFileError(
            _("{path}:{line}: {name} must be finite, found '{value}'").format(
                path=path, line=line_number, name=name, value=_shown(cell)))
    if abs(value) > FLOAT32_MAX:  # the model computes in float32: this would be infinite there
        raise DataFileError(
            _("{path}:{line}: {name} is too large for float32 (above 3.4e38): "
              "'{value}'").format(path=path, line=line_number, name=name, value=_shown(cell)))
    return value


def _float_or_none(cell: str) -> float | None:
    if "_" in cell:  # float() takes "1_000" as Python source does; no CSV writer means that
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def _shown(cell: str, limit: int = 40) -> str:
    """Quote at most ``limit`` characters: a message is one readable line, whatever the file
    (control characters, which a terminal would obey, are shown escaped)."""
    cell = cell if len(cell) <= limit else cell[: limit - 3] + "..."
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in cell)


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _separator(line: str) -> str | None:
    """Semicolon, comma, tab, or ``None`` for runs of whitespace (``numpy.savetxt``'s default).

    A tab counts as the separator only when no tab-separated cell has a space inside; a line
    like ``"  0.5   1.5\t0"`` is whitespace-separated."""
    for sep in _SEPARATORS:
        if sep in line:
            return sep
    if "\t" in line and not any(_SPACE.search(cell.strip()) for cell in line.split("\t")):
        return "\t"
    return None


def _cells(path: Path, line_number: int, line: str, separator: str | None) -> list[str]:
    if separator is None:
        return line.split()
    if '"' not in line:
        return [cell.strip() for cell in line.split(separator)]
    try:  # quoted cells, as spreadsheets and pandas write names with separators in them
        return [cell.strip() for cell in next(csv.reader([line], delimiter=separator))]
    except (csv.Error, StopIteration) as error:
        raise DataFileError(_("{path}:{line}: cannot split the line ({reason})").format(
            path=path, line=line_number, reason=error)) from None


def _is_header(cells: list[str]) -> bool:
    """A row with text in it; a row of numbers (or numbers and empty cells) is data."""
    return any(cell and _float_or_none(cell) is None for cell in cells)


def _name(cell: str) -> str:
    return cell.strip().strip("\"'").strip()


def _holds_integers(rows: list[tuple[int, list[str]]], column: int) -> bool:
    """pandas writes its index as integers (0..n-1, or the kept ones after filtering)."""
    for _line, cells in rows:
        value = _float_or_none(cells[column]) if len(cells) > column else None
        if value is None or not math.isfinite(value) or not value.is_integer():
            return False
    return True
