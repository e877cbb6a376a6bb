"""A whole session in one file (``.neuronlab``): the points, the settings, the model as trained
so far (weights and optimizer state), the recorded history and the view.

Reopened, it goes on exactly where it stopped: the next epochs are the ones a run that was
never closed would have trained (tests/core/test_session.py). That needs everything an epoch
depends on: the points in their order with their ids (the test split hashes ids), the seed
(each epoch's shuffle is keyed by seed and epoch), the epoch reached, every model variable
(BatchNormalization's moving statistics too) and every optimizer variable (Adam's moments and
its step count). Numbers are written as JSON numbers: float32 weights widen to float64
exactly and ``repr`` round-trips, so nothing is rounded.

The file is JSON so people can read it, diff it and load it with ``json.load``; its layout
is documented in the README ("Session files"). ``format`` names it and ``version`` says which
layout; a file that is not a session, or one from a newer Neuron Lab, is refused with one
line (``SessionFileError``), never a traceback.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from core.atomic_write import atomic_write
from core.config import EPOCH_LIMIT_RANGE, ConfigError, TrainConfig
from core.csv_io import DataFileError, read_file_bytes
from core.history import COLUMNS, EpochHistory
from core.i18n import _

FORMAT = "neuron-lab-session"
VERSION = 1
SUFFIX = ".neuronlab"
# A session keeps at most this many history rows (epoch 0, every k-th epoch, the latest): a
# chart is a few thousand pixels wide, and 20,000 rows of 26 numbers keep the file near 10 MB
# however long the run was.
MAX_HISTORY_ROWS = 20_000
MAX_EPOCH = EPOCH_LIMIT_RANGE[1]  # a saved epoch is one a run could have reached
MAX_FILE_BYTES = 1 << 30  # refuse to parse more than this (a session of 100,000 points is ~5 MB)


class SessionFileError(ValueError):
    """A session file that cannot be read or written; the message is one line for the user."""


@dataclass(frozen=True)
class ModelState:
    """The trained model as numbers: every Keras model variable and optimizer variable, in the
    model's own order, and the epoch they belong to."""

    epoch: int
    variables: tuple[tuple[str, np.ndarray], ...]  # (Keras path, value)
    optimizer: tuple[tuple[str, np.ndarray], ...]


@dataclass(frozen=True)
class Session:
    xy: np.ndarray  # (n, 2) float64
    labels: np.ndarray  # (n,) 0 or 1
    ids: np.ndarray  # (n,) the points' ids (which are held out depends on them)
    config: TrainConfig
    model: ModelState | None  # None: untrained, the seed's model at epoch 0
    history: np.ndarray  # (rows, len(COLUMNS)), laid out as core.history.COLUMNS
    view: tuple[tuple[float, float], tuple[float, float]] | None = None  # x and y ranges
    source: str | None = None  # the preset or file the points came from, for the title

    @property
    def epoch(self) -> int:
        return self.model.epoch if self.model is not None else 0


def history_rows(history: EpochHistory, up_to_epoch: int | None = None,
                 max_rows: int = MAX_HISTORY_ROWS) -> np.ndarray:
    """The rows of ``history`` to keep in a session: those up to ``up_to_epoch`` (the epoch
    the saved weights belong to; later rows may have arrived meanwhile), thinned as the
    history thins itself (epoch 0, every k-th, the latest) to at most ``max_rows``."""
    rows = np.stack([history.column(name) for name in COLUMNS], axis=1)
    if up_to_epoch is not None:
        rows = rows[rows[:, 0] <= up_to_epoch]
    if len(rows) <= max_rows:
        return rows.copy()
    from core.record import EpochBatch  # the history takes batches

    thinned = EpochHistory(max_rows=max_rows)
    thinned.add(EpochBatch.from_rows(rows, history.n_train, history.n_test))
    return np.stack([thinned.column(name) for name in COLUMNS], axis=1)


# --- writing ---------------------------------------------------------------------------------
def save_session(path: str | Path, session: Session) -> None:
    """Write ``session`` to ``path`` atomically (a failure leaves any old file whole);
    ``SessionFileError`` names what went wrong."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "config": session.config.to_dict(),
        "points": {name: _LATER + name for name in ("x", "y", "label", "id")},
        "model": None if session.model is None else {
            "epoch": session.model.epoch,
            "variables": [_variable(name, value) for name, value in session.model.variables],
            "optimizer": [_variable(name, value) for name, value in session.model.optimizer],
        },
        "history": {"columns": list(COLUMNS), "rows": _LATER + "rows"},
        "view": None if session.view is None else {"x": list(session.view[0]),
                                                   "y": list(session.view[1])},
        "source": session.source,
    }
    skeleton = json.dumps(document, allow_nan=False, separators=(",", ":"))
    arrays = {"x": session.xy[:, 0], "y": session.xy[:, 1],
              "label": np.asarray(session.labels, int), "id": np.asarray(session.ids, int),
              "rows": _nulled(session.history)}
    parts = [skeleton]
    for name, values in arrays.items():
        head, tail = parts[-1].split(json.dumps(_LATER + name), 1)
        parts[-1:] = [head, _json_list(values), tail]

    def write(handle) -> None:
        for part in parts:
            handle.write(part)
        handle.write("\n")

    try:
        atomic_write(path, write)
    except OSError as error:
        raise SessionFileError(_("{path}: could not save: {reason}").format(
            path=path, reason=error.strerror or error)) from None


# The big arrays (points, history) are encoded in pieces, after the rest: CPython's JSON
# encoder holds the interpreter for a whole call, and 1,000,000 points took it over a second,
# during which the window (its thread waiting) froze. Between pieces of ``_PIECE`` values
# (about 5 ms each) other threads get their turn. ``_LATER`` marks their places.
_PIECE = 5_000
_LATER = "\u2063later:"


def _json_list(values: np.ndarray) -> str:
    """``json.dumps(values.tolist())``, compact, encoded a piece at a time."""
    width = int(np.prod(values.shape[1:])) if values.ndim > 1 else 1
    step = max(1, _PIECE // max(1, width))
    pieces = (json.dumps(values[start:start + step].tolist(), allow_nan=False,
                         separators=(",", ":"))[1:-1]
              for start in range(0, len(values), step))
    return "[" + ",".join(piece for piece in pieces if piece) + "]"


def _variable(name: str, value: np.ndarray) -> dict[str, object]:
    value = np.asarray(value)
    return {"name": name, "dtype": str(value.dtype), "shape": list(value.shape),
            "values": value.reshape(-1).tolist()}


def _nulled(rows: np.ndarray) -> np.ndarray:
    """JSON has no NaN: a missing figure is null."""
    out = np.asarray(rows, dtype=object)
    out[~np.isfinite(np.asarray(rows, float))] = None
    return out


# --- reading ---------------------------------------------------------------------------------
def load_session(path: str | Path) -> Session:
    """Read a session file; ``SessionFileError`` (one line) when it is not one, is from a newer
    Neuron Lab, or does not hold together."""
    path = Path(path)
    try:
        text = read_file_bytes(path, MAX_FILE_BYTES).decode("utf-8-sig")
    except DataFileError as error:
        raise SessionFileError(str(error)) from None
    except UnicodeDecodeError:
        raise SessionFileError(_("{path}: not a Neuron Lab session (not text)").format(
            path=path)) from None
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        # json's own reason (error.msg) is the standard library's English, as Python says it
        message = getattr(error, "msg", None) or _("too deeply nested")
        line = getattr(error, "lineno", None)
        if line:
            text = _("{path}: not a Neuron Lab session: invalid JSON (line {line}): {reason}")
        else:
            text = _("{path}: not a Neuron Lab session: invalid JSON: {reason}")
        raise SessionFileError(text.format(path=path, line=line, reason=message)) from None
    return _parse(path, document)


def _parse(path: Path, document: object) -> Session:
    def fail(message: str) -> SessionFileError:
        return SessionFileError(_("{path}: {message}").format(path=path, message=message))

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise fail(_("not a Neuron Lab session (no \"format\": \"{format}\")").format(
            format=FORMAT))
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail(_("the session's version must be a whole number from 1, not "
                     "{version!r}").format(version=version))
    if version > VERSION:
        raise fail(_("written by a newer Neuron Lab (session version {version}; this one reads "
                     "up to {supported})").format(version=version, supported=VERSION))
    try:
        config = _config(document.get("config"))
        xy, labels, ids = _points(document.get("points"))
        model = _model(document.get("model"))
        history = _history(document.get("history"))
        view = _view(document.get("view"))
    except (ValueError, TypeError, KeyError, ConfigError) as error:
        raise fail(_message(error)) from None
    source = document.get("source")
    return Session(xy, labels, ids, config, model, history, view,
                   source if isinstance(source, str) else None)


def _short(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _message(error: Exception) -> str:
    if isinstance(error, KeyError):
        return _("the session lacks {key!r}").format(key=error.args[0])
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _config(raw: object) -> TrainConfig:
    if not isinstance(raw, dict):
        raise ValueError(_("the session has no settings (\"config\")"))
    known = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(_("unknown setting {name!r} in \"config\"").format(name=unknown[0]))
    try:
        return TrainConfig(**raw)
    except ConfigError as error:
        raise ValueError(_("a setting in \"config\" is invalid: {problem}").format(
            problem=error)) from None


def _points(raw: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(raw, dict):
        raise ValueError(_("the session has no \"points\""))
    x, y = _numbers(raw["x"], "points.x"), _numbers(raw["y"], "points.y")
    labels = _numbers(raw["label"], "points.label")
    ids = _numbers(raw["id"], "points.id")
    if not len(x) == len(y) == len(labels) == len(ids):
        raise ValueError(_("points.x, points.y, points.label and points.id differ in length"))
    if not np.all(np.isfinite(x) & np.isfinite(y)):
        raise ValueError(_("a point's coordinates are not finite numbers"))
    if not np.all((labels == 0) | (labels == 1)):
        raise ValueError(_("a point's label is not 0 or 1"))
    if len(ids) and (np.any(ids != np.round(ids)) or ids.min() < 0
                     or len(np.unique(ids)) != len(ids)):
        raise ValueError(_("point ids must be distinct whole numbers from 0"))
    return np.column_stack([x, y]), labels.astype(np.int8), ids.astype(np.int64)


def _numbers(raw: object, name: str) -> np.ndarray:
    if not isinstance(raw, list):
        raise ValueError(_("{name} must be a list of numbers").format(name=name))
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw):
        raise ValueError(_("{name} must hold only numbers").format(name=name))
    return np.asarray(raw, dtype=np.float64).reshape(-1)


def _model(raw: object) -> ModelState | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError(_("\"model\" must be an object or null"))
    epoch = raw["epoch"]
    if not isinstance(epoch, int) or isinstance(epoch, bool) or not 0 <= epoch <= MAX_EPOCH:
        raise ValueError(_("model.epoch must be a whole number from 0 to {most}, not "
                           "{value}").format(most=MAX_EPOCH, value=_short(epoch)))
    return ModelState(epoch, _variables(raw["variables"], "model.variables"),
                      _variables(raw["optimizer"], "model.optimizer"))


def _variables(raw: object, name: str) -> tuple[tuple[str, np.ndarray], ...]:
    if not isinstance(raw, list):
        raise ValueError(_("{name} must be a list").format(name=name))
    out = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise ValueError(_("{name} must hold objects").format(name=name))
        dtype = np.dtype(str(entry["dtype"]))
        if dtype.kind not in "fiu":
            raise ValueError(_("{name}: unknown number type {dtype!r}").format(
                name=name, dtype=entry["dtype"]))
        shape = tuple(int(v) for v in entry["shape"])
        values = np.asarray(_numbers(entry["values"], f"{name}.values"))
        if values.size != math.prod(shape):
            raise ValueError(_("{name}: {variable!r} has {size} values for shape "
                               "{shape}").format(name=name, variable=entry["name"],
                                                 size=values.size, shape=list(shape)))
        if dtype.kind == "f" and not np.all(np.isfinite(values)):
            raise ValueError(_("{name}: {variable!r} holds a value that is not finite").format(
                name=name, variable=entry["name"]))
        out.append((str(entry["name"]), values.astype(dtype).reshape(shape)))
    return tuple(out)


def _history(raw: object) -> np.ndarray:
    empty = np.zeros((0, len(COLUMNS)))
    if raw is None:
        return empty
    if not isinstance(raw, dict) or not isinstance(raw.get("rows"), list):
        raise ValueError(_("\"history\" must have \"columns\" and \"rows\""))
    columns = raw.get("columns")
    if not isinstance(columns, list) or "epoch" not in columns:
        raise ValueError(_("history.columns must name the columns, \"epoch\" among them"))
    if not raw["rows"]:
        return empty
    rows = np.asarray([[np.nan if v is None else v for v in row] for row in raw["rows"]],
                      dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] != len(columns):
        raise ValueError(_("every history row must have one value per column"))
    # Columns are matched by name: a figure this version does not record is dropped, one
    # the file lacks is missing (NaN), as for a record made before it existed.
    out = np.full((len(rows), len(COLUMNS)), np.nan)
    for i, name in enumerate(COLUMNS):
        if name in columns:
            out[:, i] = rows[:, columns.index(name)]
    epochs = out[:, 0]
    if not np.all(np.isfinite(epochs)) or np.any(np.diff(epochs) <= 0) or epochs[0] < 0 \
            or epochs[-1] > MAX_EPOCH or np.any(epochs != np.round(epochs)):
        raise ValueError(_("history epochs must be whole numbers increasing from 0 to at most "
                           "{most}").format(most=MAX_EPOCH))
    return out


def _view(raw: object) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if raw is None:
        return None
    ranges = []
    for axis in ("x", "y"):
        values = raw[axis] if isinstance(raw, dict) else None
        if not (isinstance(values, list) and len(values) == 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)):
            raise ValueError(_("view.{axis} must be two finite numbers, low then high").format(
                axis=axis))
        low, high = (float(v) for v in values)
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValueError(_("view.{axis} must be two finite numbers, low then high").format(
                axis=axis))
        ranges.append((low, high))
    return ranges[0], ranges[1]


def session_of(snapshot, config: TrainConfig, model: ModelState | None,
               history: EpochHistory, view=None, source: str | None = None) -> Session:
    """A session of the live pieces: the points as they are (``DataSnapshot``), the settings,
    the captured model (``Trainer.capture``) and the history up to the model's epoch."""
    epoch = model.epoch if model is not None else 0
    return Session(snapshot.xy, snapshot.labels, snapshot.ids, config, model,
                   history_rows(history, epoch), view, source)
