"""The monkey (issue 12): seeded random gestures on the real window, with a shadow model.

A ``random.Random(seed)`` picks one gesture at a time among clicks (anywhere in the view and
exactly on points), Ctrl+clicks, drags, the window's keys, the settings' widgets, presets,
scenario buttons and Clear, all sent as real Qt events. Each gesture says what it should do to
the points (``Expect``); ``Shadow`` keeps the points as they should be, with its own undo and
redo stacks of whole states, and after every gesture the data set's snapshot must agree: within
a pixel for what a click places, exactly for undo, redo, presets and Clear. Gestures whose
result is random by design (spray, jitter) are re-synced from the snapshot after checks of what
must hold anyway (old points kept, counts, ids); their undo must still give back the state
before them exactly.

After every gesture the monkey also asserts: no exception reached ``sys.excepthook`` or
``threading.excepthook``, the trainer is not in ERROR, the event loop still runs, the plot draws
every point, undo and redo are enabled exactly when the shadow's stacks are not empty, and the
gesture with its checks took less than ``WATCHDOG_S`` (a timer dumps every thread's stack when
one overruns). Failures name the seed and the gesture's index, for
``pytest tests/gui/test_monkey.py --monkey-seed=N``.
"""

from __future__ import annotations

import faulthandler
import math
import random
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPoint, QPointF, Qt, QTimer
from PyQt6.QtWidgets import QApplication, QPushButton

from core.config import OPTIMIZERS
from core.painting import DEFAULT_DENSITY
from core.presets import PRESETS, make_preset
from core.scenarios import SCENARIOS
from core.trainer import TrainerState
from gui.plot_view import ERASE_PIXELS, GRAB_PIXELS, TEXT_ENTRY, Brush

WATCHDOG_S = 10.0
MAX_POINTS = 200  # past this the next gesture brings the points back down (Clear or seed-4)
MARGIN = 0.03  # random places keep this fraction of the view away from its edges
# pyqtgraph drops mouse moves that come sooner than this after the last one (mouseRateLimit).
MOVE_GAP_MS = int(1000 / pg.getConfigOption("mouseRateLimit")) + 2
LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
NO_MOD = Qt.KeyboardModifier.NoModifier
CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)
K = Qt.Key
# Keys that change no point: (name, key, modifiers, the brush they choose or None).
PLAIN_KEYS = [
    ("Space", K.Key_Space, NO_MOD, None), ("S", K.Key_S, NO_MOD, None),
    ("R", K.Key_R, NO_MOD, None), ("F", K.Key_F, NO_MOD, None), ("N", K.Key_N, NO_MOD, None),
    ("-", K.Key_Minus, NO_MOD, None), ("+", K.Key_Plus, NO_MOD, None),
    ("[", K.Key_BracketLeft, NO_MOD, None), ("]", K.Key_BracketRight, NO_MOD, None),
    ("End", K.Key_End, NO_MOD, None), ("Escape", K.Key_Escape, NO_MOD, None),
    ("Ctrl+A", K.Key_A, CTRL, None),
    ("1", K.Key_1, NO_MOD, Brush.CLASS1), ("0", K.Key_0, NO_MOD, Brush.CLASS0),
    ("E", K.Key_E, NO_MOD, Brush.ERASE), ("P", K.Key_P, NO_MOD, Brush.SPRAY),
    ("M", K.Key_M, NO_MOD, Brush.SELECT),
]


# --- states and what a gesture should do to them ---------------------------------------------
@dataclass(frozen=True)
class State:
    """The points as the data set holds them (exact copies)."""

    xy: np.ndarray
    labels: np.ndarray
    ids: np.ndarray

    @classmethod
    def of(cls, snapshot) -> State:
        return cls(snapshot.xy.copy(), snapshot.labels.astype(np.int64),
                   snapshot.ids.astype(np.int64))

    def __len__(self) -> int:
        return len(self.labels)

    def same_as(self, other: State) -> bool:
        return (np.array_equal(self.xy, other.xy) and np.array_equal(self.labels, other.labels)
                and np.array_equal(self.ids, other.ids))


NEW_ID = -1  # in an expected state: a point added by the gesture, with an id never seen


@dataclass
class Expect:
    """What a gesture should do to the points.

    ``kind``: "same" (nothing), "edit" (one new undo step giving one of ``alternatives``, within
    ``tolerance`` data units per axis), "undo", "redo", or "resync" (random by design:
    ``resync_check`` vets the snapshot, which then becomes the shadow's state)."""

    kind: str
    alternatives: list[State] = field(default_factory=list)
    tolerance: tuple[float, float] = (0.0, 0.0)
    resync_check: Callable[[State, State], None] | None = None


SAME = Expect("same")


def edit(*alternatives: State, tolerance=(0.0, 0.0)) -> Expect:
    return Expect("edit", list(alternatives), tolerance)


def matches(expected: State, got: State, tolerance, before: State) -> str | None:
    """None when ``got`` is ``expected`` (added points' ids new and distinct), else why not."""
    if len(expected) != len(got):
        return f"{len(got)} points, expected {len(expected)}"
    if not np.array_equal(expected.labels, got.labels):
        return f"labels {got.labels.tolist()} != expected {expected.labels.tolist()}"
    new = expected.ids == NEW_ID
    if not np.array_equal(expected.ids[~new], got.ids[~new]):
        return "the kept points' ids changed"
    if np.isin(got.ids[new], before.ids).any():
        return "an added point reuses an id"
    tx, ty = tolerance
    dx = np.abs(expected.xy[:, 0] - got.xy[:, 0])
    dy = np.abs(expected.xy[:, 1] - got.xy[:, 1])
    if not (np.all(dx <= tx) and np.all(dy <= ty)):
        worst = int(np.argmax(np.maximum(dx / max(tx, 1e-300), dy / max(ty, 1e-300))))
        return (f"point {worst} at {got.xy[worst].tolist()}, expected "
                f"{expected.xy[worst].tolist()} (tolerance {tx:.3g}, {ty:.3g})")
    return None


class Shadow:
    """The points as they should be, with undo and redo stacks of whole states."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.undo: list[State] = []
        self.redo: list[State] = []

    def settle(self, expect: Expect, got: State) -> None:
        """Check ``got`` against ``expect``; move the shadow on (AssertionError if wrong)."""
        before = self.state
        if expect.kind == "same":
            problem = None if got.same_as(before) else matches(before, got, (0, 0), before)
            assert problem is None, f"the points changed: {problem or 'ids or order'}"
            return
        if expect.kind in ("undo", "redo"):
            source, other = (self.undo, self.redo) if expect.kind == "undo" else \
                (self.redo, self.undo)
            if not source:
                assert got.same_as(before), f"{expect.kind} with nothing to {expect.kind} " \
                                            "changed the points"
                return
            want = source[-1]
            assert got.same_as(want), f"{expect.kind} did not give back the exact points: " \
                                      f"{matches(want, got, (0, 0), want) or 'ids or order'}"
            source.pop()
            other.append(before)
            self.state = want
            return
        if expect.kind == "resync":
            if expect.resync_check is not None:
                expect.resync_check(before, got)
            if not got.same_as(before):
                self.undo.append(before)
                self.redo.clear()
            self.state = got
            return
        problems = [matches(alt, got, expect.tolerance, before) for alt in expect.alternatives]
        assert None in problems, "the points are not as expected: " + "; ".join(
            p for p in problems if p)
        self.undo.append(before)
        self.redo.clear()
        self.state = got


def check_invariants(state: State) -> None:
    assert state.xy.shape == (len(state), 2), f"xy of shape {state.xy.shape}"
    assert np.all(np.isfinite(state.xy)), "a coordinate is not finite"
    assert np.all(np.isin(state.labels, (0, 1))), f"labels {set(state.labels.tolist())}"
    assert len(np.unique(state.ids)) == len(state.ids), "two points share an id"


# --- the monkey --------------------------------------------------------------------------------
class MonkeyFailure(AssertionError):
    pass


class Monkey:
    def __init__(self, qtbot, window, seed: int, skip: frozenset[str] = frozenset()) -> None:
        self.qtbot = qtbot
        self.window = window
        self.plot = window.plot
        self.seed = seed
        self.rng = random.Random(seed)
        self.shadow = Shadow(State.of(window.dataset.snapshot()))
        self.log: deque[str] = deque(maxlen=25)
        self.errors: list[str] = []  # exceptions the hooks saw
        self.overrun: list[str] = []  # actions the watchdog saw run too long
        self.skip = skip
        self.counts: dict[str, int] = {}
        self.durations: list[tuple[float, str]] = []
        self.outcomes: dict[str, int] = {}  # how the checks went: edits, undos, no change...
        self.relayouts = 0  # drags during which the plot's layout changed
        weights = {
            "click": 14, "click_point": 8, "ctrl_click_point": 6, "drag_point": 6,
            "drag_empty": 2, "key": 22, "undo": 8, "redo": 5, "clear": 2, "jitter": 2,
            "delete_selected": 1, "relabel_selected": 1, "setting": 9, "preset": 3,
            "scenario": 3,
        }
        self._kinds = [k for k in weights if k not in skip]
        self._last = ""
        self._weights = [weights[k] for k in self._kinds]

    # --- running ---------------------------------------------------------------------------
    def run(self, actions: int) -> None:
        hooks = self._install_hooks()
        try:
            for index in range(actions):
                self._one(index)
        finally:
            sys.excepthook, threading.excepthook = hooks

    def _install_hooks(self):
        old_sys, old_thread = sys.excepthook, threading.excepthook

        def sys_hook(kind, value, tb):
            self.errors.append("GUI thread:\n" + "".join(
                traceback.format_exception(kind, value, tb)))
            old_sys(kind, value, tb)  # pytest-qt's capture still fails the test

        def thread_hook(args):
            name = args.thread.name if args.thread is not None else "?"
            self.errors.append(f"thread {name}:\n" + "".join(traceback.format_exception(
                args.exc_type, args.exc_value, args.exc_traceback)))
            old_thread(args)

        sys.excepthook, threading.excepthook = sys_hook, thread_hook
        return old_sys, old_thread

    def replay(self, index: int) -> str:
        return (f"monkey seed {self.seed}, action {index}; replay with "
                f"pytest tests/gui/test_monkey.py --monkey-seed={self.seed} "
                f"--monkey-actions={index + 1}")

    def _one(self, index: int) -> None:
        kind = self._choose()
        description = kind
        watchdog = threading.Timer(WATCHDOG_S, self._overran, args=(index, kind))
        watchdog.daemon = True
        start = time.monotonic()
        watchdog.start()
        try:
            try:
                description, expect = getattr(self, "do_" + kind)()
            finally:
                self.log.append(f"{index}: {description}")
            self._check(expect)
        except Exception as error:  # a failed check, a waitUntil timing out, a bug's exception
            problem = str(error) if isinstance(error, AssertionError) else \
                "".join(traceback.format_exception_only(error)).strip()
            raise MonkeyFailure(self._report(index, description, problem)) from error
        finally:
            watchdog.cancel()
        elapsed = time.monotonic() - start
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.durations.append((elapsed, f"{index}: {description}"))
        if elapsed > WATCHDOG_S or self.overrun:
            raise MonkeyFailure(self._report(index, description,
                                             f"took {elapsed:.1f} s (limit {WATCHDOG_S} s)"))

    def _overran(self, index: int, kind: str) -> None:
        """The watchdog: the action is still running after WATCHDOG_S; say where it is."""
        self.overrun.append(f"{index}: {kind}")
        print(f"\nmonkey watchdog: {self.replay(index)} ({kind}) still running after "
              f"{WATCHDOG_S} s; stacks:", file=sys.stderr)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)

    def _report(self, index: int, description: str, problem: str) -> str:
        return (f"{self.replay(index)}\n  action: {description}\n  problem: {problem}\n"
                "  last actions:\n    " + "\n    ".join(self.log))

    def _choose(self) -> str:
        if len(self.shadow.state) > MAX_POINTS:
            kind = self.rng.choice(["clear", "preset_small"])
        elif self._last in ("undo", "redo") and self.rng.random() < 0.6:
            kind = self.rng.choice(["undo", "redo", "redo"])  # walk the history both ways
        else:
            kind = self.rng.choices(self._kinds, self._weights)[0]
        self._last = kind
        return kind

    # --- checks after every action -----------------------------------------------------------
    def _check(self, expect: Expect) -> None:
        qtbot, window = self.qtbot, self.window
        QApplication.processEvents()
        alive: list[bool] = []
        QTimer.singleShot(0, lambda: alive.append(True))
        qtbot.waitUntil(lambda: bool(alive), timeout=int(WATCHDOG_S * 1000))
        assert not self.errors, "an exception reached a hook:\n" + "\n".join(self.errors)
        got = State.of(window.dataset.snapshot())
        check_invariants(got)
        before = self.shadow.state
        self.shadow.settle(expect, got)
        outcome = expect.kind if not got.same_as(before) else f"{expect.kind} (no change)"
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        assert window.dataset.can_undo() == bool(self.shadow.undo), \
            f"can_undo {window.dataset.can_undo()} but the shadow has {len(self.shadow.undo)}"
        assert window.dataset.can_redo() == bool(self.shadow.redo), \
            f"can_redo {window.dataset.can_redo()} but the shadow has {len(self.shadow.redo)}"
        assert window.undo_action.isEnabled() == window.dataset.can_undo()
        assert window.redo_action.isEnabled() == window.dataset.can_redo()
        qtbot.waitUntil(lambda: self._drawn() == len(got), timeout=int(WATCHDOG_S * 1000))
        state = window.bridge.state
        assert state != TrainerState.ERROR, f"the trainer is in ERROR: {state}"
        assert not self.errors, "an exception reached a hook:\n" + "\n".join(self.errors)

    def _drawn(self) -> int:
        plot = self.plot
        scatters = list(plot._scatters.values()) + list(plot._held_out_scatters.values())
        return sum(s.count() for s in scatters)

    # --- geometry ----------------------------------------------------------------------------
    def _tolerance(self) -> tuple[float, float]:
        """One pixel in data units, along x and y."""
        px, py = self.plot.getViewBox().viewPixelSize()
        return abs(px), abs(py)

    def _random_place(self) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.plot.view_range()
        u = self.rng.uniform(MARGIN, 1 - MARGIN)
        v = self.rng.uniform(MARGIN, 1 - MARGIN)
        return x0 + u * (x1 - x0), y0 + v * (y1 - y0)

    def _pos(self, x: float, y: float) -> QPoint:
        point = self.plot.to_widget(x, y)
        return QPoint(round(point.x()), round(point.y()))

    def _data_at(self, pos: QPoint) -> tuple[float, float]:
        """The data coordinates of a viewport pixel (where a click there lands)."""
        where = self.plot.to_view(self.plot.mapToScene(pos))
        return where.x(), where.y()

    def _visible_points(self) -> list[int]:
        (x0, x1), (y0, y1) = self.plot.view_range()
        mx, my = MARGIN * (x1 - x0), MARGIN * (y1 - y0)
        xy = self.shadow.state.xy
        inside = ((xy[:, 0] > x0 + mx) & (xy[:, 0] < x1 - mx) & (xy[:, 1] > y0 + my)
                  & (xy[:, 1] < y1 - my))
        return np.flatnonzero(inside).tolist()

    def _pixel_distances(self, pos: QPoint) -> np.ndarray:
        """Each shadow point's distance in pixels from a viewport position."""
        xy = self.shadow.state.xy
        if not len(xy):
            return np.empty(0)
        x, y = self._data_at(pos)
        px, py = self.plot.getViewBox().viewPixelSize()
        return np.hypot((xy[:, 0] - x) / px, (xy[:, 1] - y) / py)

    def _nearest(self, pos: QPoint, within: float) -> list[int]:
        """The points the plot may pick as nearest (within ``within`` pixels): those within a
        pixel of the nearest, since the plot measures from the pixel the event carries."""
        d = self._pixel_distances(pos)
        if not len(d) or d.min() > within + 1.0:
            return []
        near = np.flatnonzero(d <= d.min() + 1.0).tolist()
        if d.min() > within - 1.0:  # on the edge of reach: nothing may be picked either
            near.append(-1)
        return near

    def _focus_click(self) -> bool:
        """A press on the plot while a text box or chooser has the keys only takes them."""
        focus = QApplication.focusWidget()
        return focus is not self.plot and isinstance(focus, TEXT_ENTRY)

    # --- expected states ---------------------------------------------------------------------
    def _added(self, x: float, y: float, label: int) -> State:
        s = self.shadow.state
        return State(np.vstack([s.xy, [[x, y]]]), np.append(s.labels, label),
                     np.append(s.ids, NEW_ID))

    def _removed(self, indices) -> State:
        s = self.shadow.state
        keep = np.ones(len(s), dtype=bool)
        keep[list(indices)] = False
        return State(s.xy[keep], s.labels[keep], s.ids[keep])

    def _moved(self, indices, shift_or_place, absolute: bool) -> State:
        s = self.shadow.state
        xy = s.xy.copy()
        idx = np.asarray(indices, dtype=np.int64)
        xy[idx] = np.asarray(shift_or_place) if absolute else xy[idx] + np.asarray(
            shift_or_place)
        return State(xy, s.labels.copy(), s.ids.copy())

    def _selected(self) -> np.ndarray:
        """Indices, in the shadow's points, of the points the plot has selected."""
        return np.flatnonzero(np.isin(self.shadow.state.ids, self.plot.selected_ids()))

    # --- gestures on the plot ----------------------------------------------------------------
    def _click(self, pos: QPoint, button=LEFT, modifier=NO_MOD) -> None:
        self.qtbot.mouseClick(self.plot.viewport(), button, modifier, pos)

    def _click_expect(self, pos: QPoint, button, modifier) -> Expect:
        """What a click at ``pos`` should do under the current brush (PlotView._clicked)."""
        if self._focus_click():
            return SAME
        brush = self.plot.brush
        x, y = self._data_at(pos)
        if button == LEFT and (modifier & CTRL or brush == Brush.ERASE):
            near = self._nearest(pos, ERASE_PIXELS)
            removals = [self._removed([i]) for i in near if i >= 0]
            if not removals:
                return SAME
            if -1 in near:  # on the edge of reach: removing nothing is right too
                return Expect("resync", resync_check=self._one_of(removals, allow_same=True))
            return edit(*removals)
        if brush == Brush.SELECT:
            return SAME
        if brush == Brush.SPRAY:
            return Expect("resync", resync_check=self._sprayed)
        label = 0 if button == RIGHT or brush == Brush.CLASS0 else 1
        return edit(self._added(x, y, label), tolerance=self._tolerance())

    def _one_of(self, alternatives: list[State], allow_same: bool):
        def check(before: State, got: State) -> None:
            if allow_same and got.same_as(before):
                return
            problems = [matches(a, got, (0.0, 0.0), before) for a in alternatives]
            assert None in problems, "not one of the expected states: " + "; ".join(
                p for p in problems if p)
        return check

    @staticmethod
    def _sprayed(before: State, got: State) -> None:
        added = len(got) - len(before)
        assert added > 0 and added % DEFAULT_DENSITY == 0, f"a spray added {added} points"
        assert np.array_equal(got.xy[:len(before)], before.xy), "a spray moved old points"
        assert np.array_equal(got.ids[:len(before)], before.ids)
        assert len(set(got.labels[len(before):].tolist())) == 1, "a puff of mixed classes"

    def do_click(self):
        button = self.rng.choice([LEFT, LEFT, LEFT, RIGHT])
        pos = self._pos(*self._random_place())
        expect = self._click_expect(pos, button, NO_MOD)
        self._click(pos, button)
        return f"{_name(button)} click at {_xy(self._data_at(pos))} ({self.plot.brush})", expect

    def _point_pos(self) -> tuple[int, QPoint] | None:
        visible = self._visible_points()
        if not visible:
            return None
        index = self.rng.choice(visible)
        return index, self._pos(*self.shadow.state.xy[index])

    def do_click_point(self):
        target = self._point_pos()
        if target is None:
            return self.do_click()
        index, pos = target
        button = self.rng.choice([LEFT, LEFT, RIGHT])
        expect = self._click_expect(pos, button, NO_MOD)
        self._click(pos, button)
        return f"{_name(button)} click on point {index} ({self.plot.brush})", expect

    def do_ctrl_click_point(self):
        target = self._point_pos()
        if target is None:
            return self.do_click()
        index, pos = target
        expect = self._click_expect(pos, LEFT, CTRL)
        self._click(pos, LEFT, CTRL)
        return f"Ctrl+click on point {index}", expect

    def _drag(self, a: QPoint, b: QPoint, steps: int = 6) -> None:
        viewport = self.plot.viewport()
        self.qtbot.mousePress(viewport, LEFT, NO_MOD, a)
        for i in range(1, steps + 1):
            point = QPointF(a) + (QPointF(b) - QPointF(a)) * (i / steps)
            self.qtbot.wait(MOVE_GAP_MS)
            self.qtbot.mouseMove(viewport, QPoint(round(point.x()), round(point.y())))
        self.qtbot.mouseRelease(viewport, LEFT, NO_MOD, b)

    def _far_place(self, a: QPoint) -> QPoint:
        """A random place in the view at least 20 pixels from ``a`` (so it drags)."""
        for _ in range(20):
            b = self._pos(*self._random_place())
            if math.hypot(b.x() - a.x(), b.y() - a.y()) >= 20:
                return b
        return QPoint(a.x() + 25, a.y())

    def do_drag_point(self):
        target = self._point_pos()
        if target is None:
            return self.do_drag_empty()
        index, a = target
        b = self._far_place(a)
        what = (f"drag point {index} {_xy(self._data_at(a))} -> {_xy(self._data_at(b))} "
                f"({self.plot.brush})")
        return self._drag_checked(a, b, what)

    def do_drag_empty(self):
        a = self._pos(*self._random_place())
        b = self._far_place(a)
        what = f"drag {_xy(self._data_at(a))} -> {_xy(self._data_at(b))} ({self.plot.brush})"
        return self._drag_checked(a, b, what)

    def _geometry(self):
        """What maps pixels to data: the view's range and where its data area sits."""
        return self.plot.view_range(), self.plot.data_area().getRect()

    def _drag_checked(self, a: QPoint, b: QPoint, what: str):
        """Drag from ``a`` to ``b``, expecting what the pixel-to-data mapping before it says.

        A drag waits between its moves, so epochs arrive meanwhile; when the plot's layout
        changes under the drag (the legend gains or loses a row: BatchNorm's training-mode
        line, the held-out counts), the same pixels name other data coordinates and the
        expectation in data units no longer applies. Then what still must hold is checked:
        no point added or removed or relabelled, and the points that moved moved as one
        gesture moves them (one point, or the selection by one shift)."""
        geometry = self._geometry()
        expect = self._drag_expect(a, b)
        selected = self._selected()
        self._drag(a, b)
        if self._geometry() == geometry or expect.kind == "same":
            return what, expect  # (a pan or a band moves the view or selects, never a point)
        if self.plot.brush == Brush.SPRAY:
            return what, Expect("resync", resync_check=self._sprayed)
        self.relayouts += 1
        end = np.array(self._data_at(b))  # where the release landed, as the plot maps it now
        tolerance = np.array(self._tolerance())
        return what + " (the layout changed during it)", Expect(
            "resync",
            resync_check=lambda before, got: self._dragged(before, got, selected, end, tolerance))

    @staticmethod
    def _dragged(before: State, got: State, selected: np.ndarray, end: np.ndarray,
                 tolerance: np.ndarray) -> None:
        assert np.array_equal(got.ids, before.ids) and np.array_equal(
            got.labels, before.labels), "a drag added, removed or relabelled points"
        moved = np.flatnonzero(np.any(got.xy != before.xy, axis=1))
        if len(moved) == 1 and moved[0] not in selected:  # one point follows the cursor
            assert np.all(np.abs(got.xy[moved[0]] - end) <= 1.5 * tolerance), \
                f"the dragged point is at {got.xy[moved[0]].tolist()}, the release at " \
                f"{end.tolist()}"
        if len(moved) <= 1:
            return
        assert set(moved.tolist()) <= set(selected.tolist()), \
            f"a drag moved points {moved.tolist()}, not one point or the selection"
        shifts = got.xy[moved] - before.xy[moved]
        scale = np.abs(before.xy[moved]).max() + 1.0
        assert np.allclose(shifts, shifts[0], atol=1e-9 * scale), \
            "a selection drag moved its points by different shifts"

    def _drag_expect(self, a: QPoint, b: QPoint) -> Expect:
        """What a left drag from ``a`` to ``b`` should do (PlotView._start_drag)."""
        if self._focus_click():
            return SAME
        brush = self.plot.brush
        if brush == Brush.SPRAY:
            return Expect("resync", resync_check=self._sprayed)
        near = self._nearest(a, GRAB_PIXELS)
        if not near:
            return SAME  # a pan, or a band that selects
        start, end = np.array(self._data_at(a)), np.array(self._data_at(b))
        selected = set(self._selected().tolist())
        alternatives = []
        for i in near:
            if i < 0:
                alternatives.append(self.shadow.state)  # missed: a pan moves nothing
            elif i in selected:
                alternatives.append(self._moved(sorted(selected), end - start, absolute=False))
            else:
                alternatives.append(self._moved([i], [end], absolute=True))
        tolerance = tuple(2 * t for t in self._tolerance())  # press and release each round
        if any(s is self.shadow.state for s in alternatives):
            others = [s for s in alternatives if s is not self.shadow.state]

            def check(before: State, got: State) -> None:
                if got.same_as(before):
                    return
                problems = [matches(s, got, tolerance, before) for s in others]
                assert None in problems, "drag: " + "; ".join(p for p in problems if p)
            return Expect("resync", resync_check=check)
        return edit(*alternatives, tolerance=tolerance)

    # --- keys -------------------------------------------------------------------------------
    def _key(self, key, modifier=NO_MOD) -> None:
        if not self.plot.hasFocus():
            self.plot.setFocus()
            self.qtbot.waitUntil(self.plot.hasFocus, timeout=int(WATCHDOG_S * 1000))
        self.qtbot.keyClick(self.plot, key, modifier)

    def do_key(self):
        name, key, modifier, brush = self.rng.choice(PLAIN_KEYS)
        self._key(key, modifier)
        if brush is not None:
            assert self.plot.brush == brush, f"{name} chose {self.plot.brush}, not {brush}"
        return f"key {name}", SAME

    def do_undo(self):
        self._key(K.Key_Z, CTRL)
        return "key Ctrl+Z", Expect("undo")

    def do_redo(self):
        self._key(K.Key_Z, CTRL | SHIFT)
        return "key Ctrl+Shift+Z", Expect("redo")

    def do_clear(self):
        self._key(K.Key_Backspace, CTRL)
        empty = State(np.empty((0, 2)), np.empty(0, np.int64), np.empty(0, np.int64))
        return "key Ctrl+Backspace (clear)", edit(empty)

    def do_jitter(self):
        before = self.shadow.state
        selected = self._selected()
        moving = selected if len(selected) else np.arange(len(before))

        def check(before: State, got: State) -> None:
            assert np.array_equal(got.ids, before.ids) and np.array_equal(
                got.labels, before.labels), "jitter changed ids or labels"
            still = np.setdiff1d(np.arange(len(before)), moving)
            assert np.array_equal(got.xy[still], before.xy[still]), \
                "jitter moved unselected points"
            if len(before):
                spread = np.ptp(before.xy, axis=0).max() if len(before) > 1 else 0.0
                shift = np.abs(got.xy - before.xy).max()
                assert shift <= max(spread, 1.0), f"jitter moved a point by {shift}"

        self._key(K.Key_J)
        return f"key J (jitter {len(moving)})", Expect("resync", resync_check=check)

    def do_delete_selected(self):
        selected = self._selected()
        self._key(K.Key_Delete)
        expect = edit(self._removed(selected)) if len(selected) else SAME
        return f"key Delete ({len(selected)} selected)", expect

    def do_relabel_selected(self):
        selected = self._selected()
        label = self.rng.choice([0, 1])
        self._key(K.Key_1 if label else K.Key_0, ALT)
        s = self.shadow.state
        labels = s.labels.copy()
        labels[selected] = label
        expect = edit(State(s.xy.copy(), labels, s.ids.copy())) if len(selected) else SAME
        return f"key Alt+{label} ({len(selected)} selected)", expect

    # --- settings, presets, scenarios -------------------------------------------------------
    def _type_into(self, box, text: str) -> None:
        """Click into a number box, select its text, type, press Enter (focus stays there)."""
        edit_line = box.lineEdit()
        self.qtbot.mouseClick(edit_line, LEFT, NO_MOD, QPoint(5, edit_line.height() // 2))
        edit_line.selectAll()
        self.qtbot.keyClicks(edit_line, text)
        self.qtbot.keyClick(edit_line, K.Key_Return)

    def do_setting(self):
        controls, rng = self.window.controls, self.rng
        which = rng.choice(["learning_rate", "batch_size", "epochs", "l2", "seed", "test_split",
                            "batchnorm", "normalize", "optimizer"])
        if which in ("batchnorm", "normalize"):
            box = getattr(controls, which)
            was = box.isChecked()
            self.qtbot.mouseClick(box, LEFT, NO_MOD, QPoint(6, box.height() // 2))
            assert box.isChecked() != was, f"clicking {which} did not toggle it"
            assert getattr(self.window.bridge.config, which) == box.isChecked()
            return f"toggle {which} -> {box.isChecked()}", SAME
        if which == "optimizer":
            name = rng.choice(OPTIMIZERS)
            controls.optimizer.setCurrentIndex(controls.optimizer.findText(name))
            return f"optimizer {name}", SAME
        value = {
            "learning_rate": lambda: f"{10 ** rng.uniform(-4, 0.3):.4f}",
            "batch_size": lambda: str(rng.choice([1, 2, 4, 8, 16, 32, 64, 500])),
            "epochs": lambda: str(rng.choice([0, 0, 1, 5, 20, 100, 1000])),
            "l2": lambda: rng.choice(["0", "0.001", "0.01", "0.5"]),
            "seed": lambda: str(rng.randrange(0, 1000)),
            "test_split": lambda: rng.choice(["0", "0.2", "0.5", "0.9"]),
        }[which]()
        self._type_into(getattr(controls, which), value)
        if which in ("batch_size", "epochs", "seed"):
            config_value = getattr(self.window.bridge.config, which)
            assert config_value == int(value), f"typed {which} {value}, config {config_value}"
        return f"type {which} = {value}", SAME

    def _preset(self, name: str):
        combo = self.window.controls.preset
        index = combo.findData(name)
        seed = self.window.bridge.config.seed
        combo.setCurrentIndex(index)
        combo.activated.emit(index)  # what a user's pick in the list emits
        xy, labels = make_preset(name, seed)
        state = State(np.asarray(xy, float), np.asarray(labels, np.int64),
                      np.arange(len(labels), dtype=np.int64))
        return f"preset {name} (seed {seed})", edit(state)

    def do_preset(self):
        return self._preset(self.rng.choice(list(PRESETS)))

    def do_preset_small(self):
        return self._preset("seed-4")

    def do_scenario(self):
        scenario = self.rng.choice(list(SCENARIOS.values()))
        button = self.window.controls.findChild(QPushButton, f"scenario-{scenario.name}")
        seed = scenario.config_from(self.window.bridge.config).seed
        self.qtbot.mouseClick(button, LEFT)
        if scenario.preset is None:
            return f"scenario {scenario.name}", SAME
        xy, labels = make_preset(scenario.preset, seed)
        state = State(np.asarray(xy, float), np.asarray(labels, np.int64),
                      np.arange(len(labels), dtype=np.int64))
        return f"scenario {scenario.name} (seed {seed})", edit(state)


def _name(button) -> str:
    return "left" if button == LEFT else "right"


def _xy(point) -> str:
    return f"({point[0]:.4g}, {point[1]:.4g})"
