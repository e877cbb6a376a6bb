"""Labelled 2-D points shared by the GUI thread (which edits them) and the trainer (which reads).

Every change goes through a small invertible operation so undo/redo is exact, and bumps
``version`` so readers can tell cheaply whether they need a fresh snapshot. Each point carries a
stable integer id; the test split is derived from it, so adding a point never reshuffles which of
the existing points are held out. ``undo_position()`` names the current place in the undo
history, so a document can tell when the points are back where they were saved.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LABELS = (0, 1)
# The undo history's bound. Steps that add or move a few points hold a few bytes each, so
# the step count only matters for very long sessions; a step that replaced 1,000,000 points
# (opening a file) holds 25 MB, so the bytes bound keeps about four such steps: reopening a
# big file again and again no longer grows memory without end.
MAX_UNDO_STEPS = 10_000
MAX_UNDO_BYTES = 100 * 2**20
# How many recent edits ``change_between`` remembers: a reader follows the newest one.
_CHANGES_KEPT = 8


@dataclass(frozen=True)
class Change:
    """What one edit did to the rows, so a reader holding the points before it can follow
    with work in proportion to the edit, not to all the points (one click among 1,000,000).

    ``kind`` "insert": ``count`` new rows now start at ``index``; "delete": the ``count`` rows
    from ``index`` are gone; "update": the rows at ``indices`` have new coordinates or labels
    (same ids, same places)."""

    kind: str
    index: int = 0
    count: int = 0
    indices: np.ndarray | None = None

    @property
    def size(self) -> int:
        """How many rows it touches."""
        return len(self.indices) if self.indices is not None else self.count


@dataclass(frozen=True)
class DataSnapshot:
    """An immutable copy of the points at one version."""

    xy: np.ndarray  # (n, 2) float64
    labels: np.ndarray  # (n,) int8, 0 or 1
    ids: np.ndarray  # (n,) int64, stable per point
    version: int

    def __len__(self) -> int:
        return len(self.labels)

    def count(self, label: int) -> int:
        # Labels are 0 or 1: counting the ones needs no comparison array (1 MB at 1,000,000).
        ones = int(np.count_nonzero(self.labels))
        return ones if label == 1 else len(self.labels) - ones if label == 0 else 0


_NAMES = ("xy", "labels", "ids")
_EMPTY = {"xy": np.empty((0, 2), dtype=np.float64), "labels": np.empty(0, dtype=np.int8),
          "ids": np.empty(0, dtype=np.int64)}


class _State:
    """The points: three arrays of ``n`` rows, each the start of a buffer with room to grow.

    At 1,000,000 points a copy of them costs more than a click may take, so a click appends
    into the room left (no copy), undoing it shortens the view, and a snapshot is a read-only
    view of the rows, not a copy. What keeps snapshots unchanged: rows a snapshot has seen
    (``_seen``) are never written in place; an in-place edit of them (a move, a relabel) copies
    that array first, and an append past the rows seen writes only where no snapshot looks.
    """

    def __init__(self, xy: np.ndarray | None = None, labels: np.ndarray | None = None,
                 ids: np.ndarray | None = None, *, fresh: bool = False) -> None:
        self._buffers: dict[str, np.ndarray] = {}
        self._seen: dict[str, int] = {}  # rows of each buffer some snapshot may view
        self.n = 0
        arrays = (xy, labels, ids)
        self.set(*(a if a is not None else _EMPTY[name] for name, a in zip(_NAMES, arrays)),
                 fresh=fresh)

    @property
    def xy(self) -> np.ndarray:
        return self._buffers["xy"][:self.n]

    @property
    def labels(self) -> np.ndarray:
        return self._buffers["labels"][:self.n]

    @property
    def ids(self) -> np.ndarray:
        return self._buffers["ids"][:self.n]

    def set(self, xy: np.ndarray, labels: np.ndarray, ids: np.ndarray, *,
            fresh: bool = False) -> None:
        """Take these arrays as the points. ``fresh``: made just now and seen by no one
        else (else they may be a snapshot's or an undo step's, and are never written)."""
        self.n = len(labels)
        for name, array in zip(_NAMES, (xy, labels, ids)):
            self._buffers[name] = array
            self._seen[name] = 0 if fresh else len(array)

    def insert(self, index: int, xy: np.ndarray, labels: np.ndarray, ids: np.ndarray) -> None:
        """Insert rows at ``index``: at the end, into the room left when it is free."""
        new = {"xy": np.asarray(xy, dtype=np.float64).reshape(-1, 2),
               "labels": np.asarray(labels, dtype=np.int8).reshape(-1),
               "ids": np.asarray(ids, dtype=np.int64).reshape(-1)}
        k, n = len(new["labels"]), self.n
        if index != n:
            self.set(*(np.insert(getattr(self, name), index, new[name], axis=0)
                       for name in _NAMES), fresh=True)
            return
        for name in _NAMES:
            buffer = self._buffers[name]
            if (n + k <= len(buffer) and self._seen[name] > n
                    and np.array_equal(buffer[n:n + k], new[name])):
                continue  # a redo: the rows a snapshot saw hold these values already
            if n + k > len(buffer) or self._seen[name] > n:  # no room, or a snapshot's rows
                grown = np.empty((max(n + k, n + n // 4 + 64),) + buffer.shape[1:], buffer.dtype)
                grown[:n] = buffer[:n]
                self._buffers[name], self._seen[name] = grown, 0
            self._buffers[name][n:n + k] = new[name]
        self.n = n + k

    def delete(self, index: int, count: int) -> None:
        """Remove ``count`` rows from ``index``: from the end, only the view shortens."""
        if index + count == self.n:
            self.n = index
            return
        self.set(*(np.delete(getattr(self, name), slice(index, index + count), axis=0)
                   for name in _NAMES), fresh=True)

    def writable(self, name: str) -> np.ndarray:
        """The array ``name`` for writing rows in place: copied first when a snapshot may
        view it, so what readers hold stays as they read it."""
        if self._seen[name]:
            self._buffers[name], self._seen[name] = self._buffers[name].copy(), 0
        return getattr(self, name)

    def views(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Read-only views of the rows, for a snapshot (these rows are never written again)."""
        arrays = []
        for name in _NAMES:
            self._seen[name] = max(self._seen[name], self.n)
            view = getattr(self, name)
            view.flags.writeable = False
            arrays.append(view)
        return tuple(arrays)


class _Operation:
    """An edit that can be applied and reverted on a ``_State``.

    ``serial`` is unique per edit (and renewed when a drag folds another move into it), so the
    serial of the newest applied edit identifies the points reachable by undo and redo."""

    serial = 0
    size = 0  # nbytes() when last counted into the history's total

    def apply(self, state: _State) -> Change | None:
        """Do the edit; what it did to the rows (None: more than a few rows' change)."""
        raise NotImplementedError

    def revert(self, state: _State) -> Change | None:
        raise NotImplementedError

    def nbytes(self) -> int:
        """Memory this step holds beyond the points themselves (for the history's bound)."""
        return sum(value.nbytes for value in vars(self).values()
                   if isinstance(value, np.ndarray))


@dataclass
class _Insert(_Operation):
    index: int
    xy: tuple[float, float]
    label: int
    point_id: int

    def apply(self, state: _State) -> Change:
        state.insert(self.index, self.xy, self.label, self.point_id)
        return Change("insert", self.index, 1)

    def revert(self, state: _State) -> Change:
        state.delete(self.index, 1)
        return Change("delete", self.index, 1)


@dataclass
class _Delete(_Operation):
    inner: _Insert

    def apply(self, state: _State) -> Change:
        return self.inner.revert(state)

    def revert(self, state: _State) -> Change:
        return self.inner.apply(state)


@dataclass
class _Move(_Operation):
    index: int
    old: tuple[float, float]
    new: tuple[float, float]

    def apply(self, state: _State) -> Change:
        state.writable("xy")[self.index] = self.new
        return Change("update", indices=np.array([self.index]))

    def revert(self, state: _State) -> Change:
        state.writable("xy")[self.index] = self.old
        return Change("update", indices=np.array([self.index]))


@dataclass
class _ReplaceAll(_Operation):
    old: _State
    new: _State

    def apply(self, state: _State) -> None:
        state.set(self.new.xy, self.new.labels, self.new.ids)

    def revert(self, state: _State) -> None:
        state.set(self.old.xy, self.old.labels, self.old.ids)

    def nbytes(self) -> int:
        """The points it replaced (the new ones are the current points, or the next
        replacement's old ones)."""
        return self.old.xy.nbytes + self.old.labels.nbytes + self.old.ids.nbytes


@dataclass
class _InsertMany(_Operation):
    """Points appended at the end together (a spray stroke): undone by cutting them off,
    which is exact because undo runs newest first, so they are still the last points."""

    xy: np.ndarray
    labels: np.ndarray
    ids: np.ndarray

    def apply(self, state: _State) -> Change:
        start = state.n
        state.insert(start, self.xy, self.labels, self.ids)
        return Change("insert", start, len(self.labels))

    def revert(self, state: _State) -> Change:
        keep = state.n - len(self.labels)
        state.delete(keep, len(self.labels))
        return Change("delete", keep, len(self.labels))


@dataclass
class _DeleteMany(_Operation):
    """Points removed together; they keep their places and ids to come back exactly."""

    indices: np.ndarray  # sorted, distinct
    xy: np.ndarray
    labels: np.ndarray
    ids: np.ndarray

    def apply(self, state: _State) -> None:  # scattered rows: readers read them all again
        keep = np.ones(len(state.labels), dtype=bool)
        keep[self.indices] = False
        state.set(state.xy[keep], state.labels[keep], state.ids[keep], fresh=True)

    def revert(self, state: _State) -> None:
        total = len(state.labels) + len(self.indices)
        back = np.zeros(total, dtype=bool)
        back[self.indices] = True
        xy = np.empty((total, 2), dtype=np.float64)
        labels = np.empty(total, dtype=np.int8)
        ids = np.empty(total, dtype=np.int64)
        xy[back], labels[back], ids[back] = self.xy, self.labels, self.ids
        xy[~back], labels[~back], ids[~back] = state.xy, state.labels, state.ids
        state.set(xy, labels, ids, fresh=True)


@dataclass
class _MoveMany(_Operation):
    """Points moved together (a dragged selection, jitter). In place, like ``_Move``: undo
    runs newest first, so every edit finds the arrays exactly as it left them."""

    indices: np.ndarray
    old: np.ndarray  # (k, 2)
    new: np.ndarray  # (k, 2)

    def apply(self, state: _State) -> Change:
        state.writable("xy")[self.indices] = self.new
        return Change("update", indices=self.indices)

    def revert(self, state: _State) -> Change:
        state.writable("xy")[self.indices] = self.old
        return Change("update", indices=self.indices)


@dataclass
class _Relabel(_Operation):
    indices: np.ndarray
    old: np.ndarray  # the labels they had
    label: int

    def apply(self, state: _State) -> Change:
        state.writable("labels")[self.indices] = self.label
        return Change("update", indices=self.indices)

    def revert(self, state: _State) -> Change:
        state.writable("labels")[self.indices] = self.old
        return Change("update", indices=self.indices)


class Dataset:
    """Thread-safe, undoable set of labelled points."""

    def __init__(self, xy: np.ndarray | None = None, labels: np.ndarray | None = None,
                 ids: np.ndarray | None = None) -> None:
        self._lock = threading.RLock()
        self._state = _State()
        self._undo: list[_Operation] = []
        self._undo_bytes = 0  # the steps' nbytes() in total
        self._redo: list[_Operation] = []
        self._next_id = 0
        self._next_serial = 1
        self._version = 0
        self._listeners: list[Callable[[], None]] = []
        self._snapshot: DataSnapshot | None = None
        self._changes: deque[tuple[int, Change | None]] = deque(maxlen=_CHANGES_KEPT)
        if xy is not None and labels is not None:
            self._state = self._make_state(xy, labels, ids)

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after every change, on the editing thread and under the data
        lock: listeners must only record or signal, never call back into the data set."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # --- reading -------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return self._version

    def __len__(self) -> int:
        with self._lock:
            return len(self._state.labels)

    def snapshot(self) -> DataSnapshot:
        """The points now, as read-only arrays, shared by every reader of that version: an
        edit at 1,000,000 points is read by the plot, the status bar, the trainer and the
        advice. Views, not copies (``_State`` never writes rows a snapshot has seen)."""
        with self._lock:
            cached = self._snapshot
            if cached is None or cached.version != self._version:
                cached = self._snapshot = DataSnapshot(*self._state.views(), self._version)
            return cached

    def change_between(self, old: int, new: int) -> Change | None:
        """The one edit that took the points from version ``old`` to version ``new``: a
        reader that drew version ``old`` follows it, reading the rows it touched from the
        snapshot of version ``new``. None when more than one edit came between (the rows
        they touched may have changed again), when it changed more than a few rows (a file
        loaded) or is too old to be remembered: the reader takes the whole snapshot again."""
        with self._lock:
            if new != old + 1 or old < 0:
                return None
            return next((change for version, change in self._changes if version == new), None)

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo_position(self) -> int:
        """Where the points stand in the undo history: equal positions mean equal points.

        0 before any edit. Undoing back to an earlier edit gives that edit's position again;
        a new edit, or a drag that continues (``move(merge=True)``), gives a new one."""
        with self._lock:
            return self._undo[-1].serial if self._undo else 0

    def point(self, index: int) -> tuple[float, float, int]:
        with self._lock:
            x, y = self._state.xy[index]
            return float(x), float(y), int(self._state.labels[index])

    # --- editing -------------------------------------------------------------------------
    def add(self, x: float, y: float, label: int) -> int:
        """Append a point; returns its index."""
        _check_point(x, y, label)
        with self._lock:
            op = _Insert(len(self._state.labels), (float(x), float(y)), int(label), self._take_id())
            self._do(op)
            return op.index

    def remove(self, index: int) -> None:
        with self._lock:
            x, y = self._state.xy[index]
            insert = _Insert(
                index, (float(x), float(y)), int(self._state.labels[index]),
                int(self._state.ids[index]),
            )
            self._do(_Delete(insert))

    def move(self, index: int, x: float, y: float, *, merge: bool = False) -> None:
        """Move a point. ``merge`` folds this move into the previous move of the same point,
        so a whole drag is one undo step."""
        _check_point(x, y, 0)
        with self._lock:
            new = (float(x), float(y))
            last = self._undo[-1] if self._undo else None
            if merge and isinstance(last, _Move) and last.index == index:
                last.new = new
                last.serial = self._take_serial()  # other points than at the old position
                change = last.apply(self._state)
                self._redo.clear()
                self._changed(change)
                return
            old = tuple(float(v) for v in self._state.xy[index])
            self._do(_Move(index, old, new))

    # --- editing many points at once (painting) -------------------------------------------
    # Each is one undo step and one listener call whatever the number of points, and costs
    # O(n) NumPy work: spraying into 100,000 points must not loop over them in Python.
    def add_many(self, xy: np.ndarray, labels: np.ndarray | int, *,
                 merge: bool = False) -> np.ndarray:
        """Append points (``labels``: one per point, or one for all); returns their indices.
        ``merge`` folds them into the previous ``add_many`` (the ticks of one spray stroke),
        so the whole stroke is one undo step."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        labels = np.broadcast_to(np.asarray(labels), (len(xy),))
        _check_points(xy, labels)
        with self._lock:
            start = len(self._state.labels)
            if not len(xy):
                return np.arange(start, start)
            ids = np.arange(self._next_id, self._next_id + len(xy), dtype=np.int64)
            self._next_id += len(xy)
            added = _InsertMany(xy.copy(), labels.astype(np.int8), ids)
            last = self._undo[-1] if self._undo else None
            if merge and isinstance(last, _InsertMany):
                change = added.apply(self._state)
                last.xy = np.concatenate([last.xy, added.xy])
                last.labels = np.concatenate([last.labels, added.labels])
                last.ids = np.concatenate([last.ids, added.ids])
                self._continue(last, change)
            else:
                self._do(added)
            return np.arange(start, start + len(xy))

    def remove_many(self, indices: np.ndarray) -> None:
        """Remove the points at ``indices`` (any order, no repeats)."""
        with self._lock:
            indices = np.sort(self._check_indices(indices))
            if not len(indices):
                return
            state = self._state
            self._do(_DeleteMany(indices, state.xy[indices], state.labels[indices],
                                 state.ids[indices]))

    def move_many(self, indices: np.ndarray, xy: np.ndarray, *, merge: bool = False) -> None:
        """Put the points at ``indices`` at ``xy`` (one row each); they keep their ids.
        ``merge`` folds this into the previous ``move_many`` of the same points (a dragged
        selection), so the whole drag is one undo step."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        with self._lock:
            indices = self._check_indices(indices)
            if len(xy) != len(indices):
                raise ValueError(f"{len(indices)} points but {len(xy)} places")
            _check_points(xy, np.zeros(0))
            if not len(indices):
                return
            last = self._undo[-1] if self._undo else None
            if (merge and isinstance(last, _MoveMany)
                    and np.array_equal(last.indices, indices)):
                last.new = xy.copy()
                self._continue(last, last.apply(self._state))
                return
            self._do(_MoveMany(indices, self._state.xy[indices], xy.copy()))

    def relabel(self, indices: np.ndarray, label: int) -> None:
        """Give the points at ``indices`` the class ``label``; they keep their places and
        ids (so the same points stay held out)."""
        if label not in LABELS:
            raise ValueError("labels must be 0 or 1")
        with self._lock:
            indices = self._check_indices(indices)
            if not len(indices):
                return
            self._do(_Relabel(indices, self._state.labels[indices], int(label)))


    def clear(self) -> None:
        self.replace(np.empty((0, 2)), np.empty(0))

    def replace(self, xy: np.ndarray, labels: np.ndarray, ids: np.ndarray | None = None) -> None:
        """Replace every point (loading a preset, a file or a session); undoable as one step.
        ``ids``: the points' own (a session keeps them, so the same points are held out)."""
        with self._lock:
            new = self._make_state(xy, labels, ids)
            # The old arrays themselves, not copies: they leave the state here, and only the
            # edits made while they were the state (undone before they come back) change them.
            old = _State(self._state.xy, self._state.labels, self._state.ids)  # never written
            self._do(_ReplaceAll(old, new))

    def undo(self) -> bool:
        with self._lock:
            if not self._undo:
                return False
            op = self._pop_undo()
            change = op.revert(self._state)
            self._redo.append(op)
            self._changed(change)
            return True

    def redo(self) -> bool:
        with self._lock:
            if not self._redo:
                return False
            op = self._redo.pop()
            change = op.apply(self._state)
            self._push_undo(op)
            self._changed(change)
            return True

    # --- internals -----------------------------------------------------------------------
    def _do(self, op: _Operation) -> None:
        op.serial = self._take_serial()
        change = op.apply(self._state)
        self._push_undo(op)
        self._redo.clear()
        self._forget_oldest()
        self._changed(change)

    def _push_undo(self, op: _Operation) -> None:
        op.size = op.nbytes()
        self._undo.append(op)
        self._undo_bytes += op.size

    def _pop_undo(self, index: int = -1) -> _Operation:
        op = self._undo.pop(index)
        self._undo_bytes -= op.size
        return op

    def _forget_oldest(self) -> None:
        """Keep the history within ``MAX_UNDO_STEPS`` and ``MAX_UNDO_BYTES``, dropping the
        oldest steps; the newest is always kept, so even loading a file too big for the
        budget can be undone."""
        while len(self._undo) > 1 and (len(self._undo) > MAX_UNDO_STEPS
                                       or self._undo_bytes > MAX_UNDO_BYTES):
            self._pop_undo(0)

    def history_bytes(self) -> int:
        """Memory the undo history holds beyond the points themselves."""
        return self._undo_bytes

    def _continue(self, op: _Operation, change: Change | None) -> None:
        """``op``, the newest edit, has grown (a drag or a stroke goes on): it takes a new
        serial, since the points differ from those at its old one."""
        op.serial = self._take_serial()
        self._undo_bytes += op.nbytes() - op.size
        op.size = op.nbytes()
        self._redo.clear()
        self._forget_oldest()
        self._changed(change)

    def _check_indices(self, indices: np.ndarray) -> np.ndarray:
        indices = np.asarray(indices).reshape(-1)
        if not len(indices):
            return np.zeros(0, dtype=np.int64)
        if indices.dtype.kind not in "iu":
            raise ValueError("point indices must be whole numbers")
        indices = indices.astype(np.int64)
        if indices.min() < 0 or indices.max() >= len(self._state.labels):
            raise IndexError("point index out of range")
        if len(np.unique(indices)) != len(indices):
            raise ValueError("point indices must be distinct")
        return indices

    def _changed(self, change: Change | None) -> None:
        self._version += 1
        self._changes.append((self._version, change))
        for listener in list(self._listeners):
            listener()

    def _take_serial(self) -> int:
        self._next_serial += 1
        return self._next_serial - 1

    def _take_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _make_state(self, xy: np.ndarray, labels: np.ndarray,
                    ids: np.ndarray | None = None) -> _State:
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        labels = np.asarray(labels).reshape(-1)
        if len(xy) != len(labels):
            raise ValueError(f"{len(xy)} points but {len(labels)} labels")
        if not np.all(np.isfinite(xy)):
            raise ValueError("coordinates must be finite numbers")
        if not np.all(np.isin(labels, LABELS)):
            raise ValueError("labels must be 0 or 1")
        # Loaded points are numbered from 0, so the same points loaded again (a preset, a
        # file, a scenario) are held out alike, in the window as on the command line. A
        # session brings the ids its points had. Ids need only be unique within one state;
        # points added later take ids never used.
        if ids is None:
            ids = np.arange(len(labels), dtype=np.int64)
        ids = np.asarray(ids).reshape(-1)
        if len(ids) != len(labels):
            raise ValueError(f"{len(labels)} points but {len(ids)} ids")
        if len(ids) and (ids.dtype.kind not in "iu" or ids.min() < 0
                         or len(np.unique(ids)) != len(ids)):
            raise ValueError("point ids must be distinct whole numbers from 0")
        ids = ids.astype(np.int64)
        self._next_id = max(self._next_id, int(ids.max()) + 1 if len(ids) else 0)
        return _State(xy.copy(), labels.astype(np.int8), ids.copy(), fresh=True)


def _check_point(x: float, y: float, label: int) -> None:
    if not (np.isfinite(x) and np.isfinite(y)):
        raise ValueError("coordinates must be finite numbers")
    if label not in LABELS:
        raise ValueError("labels must be 0 or 1")


def _check_points(xy: np.ndarray, labels: np.ndarray) -> None:
    if not np.all(np.isfinite(xy)):
        raise ValueError("coordinates must be finite numbers")
    if not np.all(np.isin(labels, LABELS)):
        raise ValueError("labels must be 0 or 1")
