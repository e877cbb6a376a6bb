import threading

import numpy as np
import pytest

from core.dataset import Dataset


def test_add_remove_move_with_undo_redo():
    ds = Dataset()
    ds.add(1.0, 2.0, 1)
    ds.add(3.0, 4.0, 0)
    ds.move(0, 5.0, 6.0)
    ds.remove(1)
    snap = ds.snapshot()
    assert snap.xy.tolist() == [[5.0, 6.0]]
    assert snap.labels.tolist() == [1]
    assert ds.undo()  # the removal
    assert ds.snapshot().xy.tolist() == [[5.0, 6.0], [3.0, 4.0]]
    assert ds.undo()  # the move
    assert ds.snapshot().xy.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert ds.redo() and ds.redo()
    assert ds.snapshot().xy.tolist() == [[5.0, 6.0]]
    assert not ds.redo()


def test_drag_is_one_undo_step():
    ds = Dataset(np.array([[0.0, 0.0]]), np.array([1]))
    ds.move(0, 1.0, 1.0)
    for step in range(2, 10):
        ds.move(0, float(step), float(step), merge=True)
    assert ds.snapshot().xy.tolist() == [[9.0, 9.0]]
    ds.undo()
    assert ds.snapshot().xy.tolist() == [[0.0, 0.0]]


def test_clear_and_replace_are_undoable_and_keep_ids_stable():
    ds = Dataset(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
    ids = ds.snapshot().ids.copy()
    ds.clear()
    assert len(ds) == 0
    ds.undo()
    assert ds.snapshot().ids.tolist() == ids.tolist()
    ds.add(5.0, 5.0, 1)
    assert ds.snapshot().ids.tolist() == [0, 1, 2]  # an added point gets an unused id


def test_loaded_points_are_numbered_alike_however_often_they_are_loaded():
    """The held-out split is keyed by id: the same points loaded into a window that already
    had points must get the ids a fresh run gives them, or the window and the command line
    (or two loads of one file) hold out different points."""
    xy, labels = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), np.array([0, 1, 1])
    ds = Dataset(np.zeros((5, 2)), np.zeros(5))
    ds.add(9.0, 9.0, 1)
    ds.replace(xy, labels)
    assert ds.snapshot().ids.tolist() == Dataset(xy, labels).snapshot().ids.tolist()
    ds.add(3.0, 3.0, 0)
    assert len(set(ds.snapshot().ids.tolist())) == 4  # still unique within the points


def test_version_bumps_and_listeners_hear_every_change():
    ds = Dataset()
    heard = []
    ds.subscribe(lambda: heard.append(ds.version))  # listeners take no arguments
    v0 = ds.version
    ds.add(0, 0, 0)
    ds.move(0, 1, 1)
    ds.undo()
    ds.redo()
    ds.clear()
    assert ds.version == v0 + 5
    assert heard == list(range(v0 + 1, v0 + 6))


def test_snapshot_is_a_copy():
    ds = Dataset(np.array([[0.0, 0.0]]), np.array([1]))
    snap = ds.snapshot()
    ds.move(0, 3, 3)
    assert snap.xy.tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("bad", [(float("nan"), 0, 1), (0, float("inf"), 1), (0, 0, 2)])
def test_bad_points_are_refused_without_change(bad):
    ds = Dataset()
    with pytest.raises(ValueError):
        ds.add(*bad)
    assert len(ds) == 0 and not ds.can_undo()


def test_concurrent_edits_and_snapshots_stay_consistent():
    ds = Dataset()

    def writer():
        for i in range(500):
            ds.add(float(i), float(i), i % 2)

    thread = threading.Thread(target=writer)
    thread.start()
    while thread.is_alive():
        snap = ds.snapshot()
        assert len(snap.xy) == len(snap.labels) == len(snap.ids)
    thread.join()
    assert len(ds) == 500


def test_undo_position_names_the_points_reachable_by_undo_and_redo():
    ds = Dataset(np.array([[0.0, 0.0]]), np.array([1]))
    start = ds.undo_position()
    ds.add(1.0, 1.0, 0)
    added = ds.undo_position()
    assert added != start
    ds.undo()
    assert ds.undo_position() == start
    ds.redo()
    assert ds.undo_position() == added
    ds.move(1, 2.0, 2.0)
    moved = ds.undo_position()
    ds.move(1, 3.0, 3.0, merge=True)  # the same undo step, but other points
    assert ds.undo_position() not in (start, added, moved)
    ds.undo()
    ds.undo()
    ds.add(1.0, 1.0, 0)  # same depth as "added", yet a different edit
    assert ds.undo_position() != added


def test_points_keep_the_ids_they_are_given_and_new_points_take_unused_ones():
    """A reopened session holds out the same points: their ids come back with them."""
    data = Dataset(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]), ids=np.array([3, 7]))
    assert data.snapshot().ids.tolist() == [3, 7]
    data.add(2.0, 2.0, 1)
    assert data.snapshot().ids.tolist() == [3, 7, 8]
    data.replace(np.zeros((2, 2)), np.array([0, 0]), ids=np.array([0, 20]))
    data.add(5.0, 5.0, 0)
    assert data.snapshot().ids.tolist() == [0, 20, 21]
    with pytest.raises(ValueError, match="distinct"):
        data.replace(np.zeros((2, 2)), np.array([0, 0]), ids=np.array([4, 4]))
    assert data.snapshot().ids.tolist() == [0, 20, 21]


def test_readers_of_one_version_share_one_read_only_snapshot():
    """The plot, the status bar, the trainer and the advice all read each edit; at 1,000,000
    points a copy each cost more than the edit itself."""
    ds = Dataset(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
    first = ds.snapshot()
    assert ds.snapshot() is first
    with pytest.raises(ValueError):
        first.xy[0, 0] = 5.0  # shared, so nobody may write into it
    ds.add(2.0, 2.0, 1)
    assert ds.snapshot() is not first and len(first) == 2


def test_the_undo_history_keeps_at_most_its_steps_and_bytes(monkeypatch):
    """Reopening a big file again and again used to keep every earlier copy (45 MB each at
    1,000,000 points); the oldest steps are now forgotten, the newest always kept."""
    import core.dataset

    monkeypatch.setattr(core.dataset, "MAX_UNDO_STEPS", 5)
    ds = Dataset()
    for i in range(8):
        ds.add(float(i), 0.0, i % 2)
    assert sum(ds.undo() for _ in range(10)) == 5  # only the last five edits come back
    assert len(ds) == 3 and ds.point(2) == (2.0, 0.0, 0)

    one_set = 200 * (16 + 1 + 8)  # bytes of 200 points: xy, label, id
    monkeypatch.setattr(core.dataset, "MAX_UNDO_BYTES", 2 * one_set)
    rng = np.random.default_rng(0)
    sets = [rng.normal(size=(200, 2)) for _ in range(6)]
    ds = Dataset()
    for xy in sets:
        ds.replace(xy, np.zeros(200, dtype=int))
    assert ds.history_bytes() <= 2 * one_set
    assert sum(ds.undo() for _ in range(10)) == 2
    assert np.array_equal(ds.snapshot().xy, sets[3])  # exactly the points of that step
    ds.redo()
    ds.redo()
    assert np.array_equal(ds.snapshot().xy, sets[5])


def test_a_step_larger_than_the_budget_can_still_be_undone(monkeypatch):
    import core.dataset

    monkeypatch.setattr(core.dataset, "MAX_UNDO_BYTES", 10)
    ds = Dataset(np.array([[0.0, 0.0]]), np.array([1]))
    ds.replace(np.ones((100, 2)), np.zeros(100, dtype=int))
    assert ds.undo() and len(ds) == 1


def test_undo_of_a_replacement_after_edits_to_the_new_points_is_exact():
    """The replaced arrays are kept as they are (not copied); the edits made to the new points
    in place are undone first, so the old points come back untouched."""
    ds = Dataset(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
    ds.replace(np.array([[5.0, 5.0], [6.0, 6.0]]), np.array([1, 1]))
    ds.move(0, 7.0, 7.0)
    ds.relabel(np.array([1]), 0)
    for _ in range(3):
        ds.undo()
    assert ds.snapshot().xy.tolist() == [[0.0, 0.0], [1.0, 1.0]]
    for _ in range(3):
        ds.redo()
    assert ds.snapshot().xy.tolist() == [[7.0, 7.0], [6.0, 6.0]]
    assert ds.snapshot().labels.tolist() == [1, 0]
