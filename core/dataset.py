"""Labelled 2-D points shared by the GUI thread (which edits them) and the trainer (which reads).

Every change goes through a small invertible operation so undo/redo is exact, and bumps
``version`` so readers can tell cheaply whether they need a fresh snapshot. Each point carries a
stable integer id; the test split is derived from it, so adding a point never reshuffles which of
the existing points are held out. ``undo_position()`` names the current place in the undo
history, so a document can tell when the points are back where they were saved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

LABELS = (0, 1)
# The undo history's bound. Steps that add or move a few points hold a few bytes each, so
# the step count only matters for very long sessions; a step that replaced 1,000,000 points
# (opening a file) holds 25 MB, so the bytes bound keeps about four such steps: reopening a
# big file again and again no longer grows memory without end.
MAX_UNDO_STEPS = 10_000
MAX_UNDO_BYTES = 100 * 2**20


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
        return int(np.count_nonzero(self.labels == label))


@dataclass
class _State:
    xy: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=np.float64))
    labels: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int8))
    ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


class _Operation:
    """An edit that can be applied and reverted on a ``_State``.

    ``serial`` is unique per edit (and renewed when a drag folds another move into it), so the
    serial of the newest applied edit identifies the points reachable by undo and redo."""

    serial = 0
    size = 0  # nbytes() when last counted into the history's total

    def apply(self, state: _State) -> None:
        raise NotImplementedError

    def revert(self, state: _State) -> None:
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

    def apply(self, state: _State) -> None:
        state.xy = np.insert(state.xy, self.index, self.xy, axis=0)
        state.labels = np.insert(state.labels, self.index, self.label)
        state.ids = np.insert(state.ids, self.index, self.point_id)

    def revert(self, state: _State) -> None:
        state.xy = np.delete(state.xy, self.index, axis=0)
        state.labels = np.delete(state.labels, self.index)
        state.ids = np.delete(state.ids, self.index)


@dataclass
class _Delete(_Operation):
    inner: _Insert

    def apply(self, state: _State) -> None:
        self.inner.revert(state)

    def revert(self, state: _State) -> None:
        self.inner.apply(state)


@dataclass
class _Move(_Operation):
    index: int
    old: tuple[float, float]
    new: tuple[float, float]

    def apply(self, state: _State) -> None:
        state.xy[self.index] = self.new

    def revert(self, state: _State) -> None:
        state.xy[self.index] = self.old


@dataclass
class _ReplaceAll(_Operation):
    old: _State
    new: _State

    def apply(self, state: _State) -> None:
        state.xy, state.labels, state.ids = self.new.xy, self.new.labels, self.new.ids

    def revert(self, state: _State) -> None:
        state.xy, state.labels, state.ids = self.old.xy, self.old.labels, self.old.ids

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

    def apply(self, state: _State) -> None:
        state.xy = np.concatenate([state.xy, self.xy])
        state.labels = np.concatenate([state.labels, self.labels])
        state.ids = np.concatenate([state.ids, self.ids])

    def revert(self, state: _State) -> None:
        keep = len(state.labels) - len(self.labels)
        state.xy, state.labels, state.ids = state.xy[:keep], state.labels[:keep], state.ids[:keep]


@dataclass
class _DeleteMany(_Operation):
    """Points removed together; they keep their places and ids to come back exactly."""

    indices: np.ndarray  # sorted, distinct
    xy: np.ndarray
    labels: np.ndarray
    ids: np.ndarray

    def apply(self, state: _State) -> None:
        keep = np.ones(len(state.labels), dtype=bool)
        keep[self.indices] = False
        state.xy, state.labels, state.ids = state.xy[keep], state.labels[keep], state.ids[keep]

    def revert(self, state: _State) -> None:
        total = len(state.labels) + len(self.indices)
        back = np.zeros(total, dtype=bool)
        back[self.indices] = True
        xy = np.empty((total, 2), dtype=np.float64)
        labels = np.empty(total, dtype=np.int8)
        ids = np.empty(total, dtype=np.int64)
        xy[back], labels[back], ids[back] = self.xy, self.labels, self.ids
        xy[~back], labels[~back], ids[~back] = state.xy, state.labels, state.ids
        state.xy, state.labels, state.ids = xy, labels, ids


@dataclass
class _MoveMany(_Operation):
    """Points moved together (a dragged selection, jitter). In place, like ``_Move``: undo
    runs newest first, so every edit finds the arrays exactly as it left them."""

    indices: np.ndarray
    old: np.ndarray  # (k, 2)
    new: np.ndarray  # (k, 2)

    def apply(self, state: _State) -> None:
        state.xy[self.indices] = self.new

    def revert(self, state: _State) -> None:
        state.xy[self.indices] = self.old


@dataclass
class _Relabel(_Operation):
    indices: np.ndarray
    old: np.ndarray  # the labels they had
    label: int

    def apply(self, state: _State) -> None:
        state.labels[self.indices] = self.label

    def revert(self, state: _State) -> None:
        state.labels[self.indices] = self.old


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
        """The points now, as read-only arrays. One copy per version, shared by every reader
        of that version: an edit at 1,000,000 points is read by the plot, the status bar, the
        trainer and the advice, and a copy each cost more than the edit itself."""
        with self._lock:
            cached = self._snapshot
            if cached is None or cached.version != self._version:
                arrays = [a.copy() for a in (self._state.xy, self._state.labels, self._state.ids)]
                for array in arrays:
                    array.setflags(write=False)
                cached = self._snapshot = DataSnapshot(*arrays, self._version)
            return cached

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
                last.apply(self._state)
                self._redo.clear()
                self._changed()
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
                added.apply(self._state)
                last.xy = np.concatenate([last.xy, added.xy])
                last.labels = np.concatenate([last.labels, added.labels])
                last.ids = np.concatenate([last.ids, added.ids])
                self._continue(last)
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
                last.apply(self._state)
                self._continue(last)
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
            old = _State(self._state.xy, self._state.labels, self._state.ids)
            self._do(_ReplaceAll(old, new))

    def undo(self) -> bool:
        with self._lock:
            if not self._undo:
                return False
            op = self._pop_undo()
            op.revert(self._state)
            self._redo.append(op)
            self._changed()
            return True

    def redo(self) -> bool:
        with self._lock:
            if not self._redo:
                return False
            op = self._redo.pop()
            op.apply(self._state)
            self._push_undo(op)
            self._changed()
            return True

    # --- internals -----------------------------------------------------------------------
    def _do(self, op: _Operation) -> None:
        op.serial = self._take_serial()
        op.apply(self._state)
        self._push_undo(op)
        self._redo.clear()
        self._forget_oldest()
        self._changed()

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

    def _continue(self, op: _Operation) -> None:
        """``op``, the newest edit, has grown (a drag or a stroke goes on): it takes a new
        serial, since the points differ from those at its old one."""
        op.serial = self._take_serial()
        self._undo_bytes += op.nbytes() - op.size
        op.size = op.nbytes()
        self._redo.clear()
        self._forget_oldest()
        self._changed()

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

    def _changed(self) -> None:
        self._version += 1
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
        return _State(xy.copy(), labels.astype(np.int8), ids.copy())


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
