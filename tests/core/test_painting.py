"""Making data by hand: the spray's and jitter's points, and the data set's batch edits that
paint them (each one undo step and one notification, exact both ways, ids kept)."""

import numpy as np
import pytest

from core.dataset import Dataset
from core.painting import jitter, spray, spread


def test_spray_puts_density_points_inside_the_radius():
    xy = spray(2.0, -1.0, 0.5, 40, seed=3)
    assert xy.shape == (40, 2)
    assert np.all(np.hypot(xy[:, 0] - 2.0, xy[:, 1] + 1.0) <= 0.5)
    # Uniform over the disc, not piled at the centre: about a quarter inside half the radius.
    many = spray(0.0, 0.0, 1.0, 4000, seed=1)
    assert 0.2 < np.mean(np.hypot(*many.T) < 0.5) < 0.3


def test_spray_with_a_radius_per_axis_fills_an_ellipse():
    xy = spray(0.0, 0.0, (10.0, 0.1), 500, seed=2)
    assert np.all((xy[:, 0] / 10.0) ** 2 + (xy[:, 1] / 0.1) ** 2 <= 1 + 1e-12)
    assert np.ptp(xy[:, 0]) > 10 and np.ptp(xy[:, 1]) < 0.2


def test_spray_is_reproducible_by_seed():
    assert np.array_equal(spray(0, 0, 1, 10, seed=7), spray(0, 0, 1, 10, seed=7))
    assert not np.array_equal(spray(0, 0, 1, 10, seed=7), spray(0, 0, 1, 10, seed=8))
    assert spray(0, 0, 1, 0, seed=1).shape == (0, 2)
    with pytest.raises(ValueError):
        spray(0, 0, 1, -1, seed=1)


def test_spread_never_vanishes():
    assert spread(np.array([[0.0, 0.0], [2.0, 0.0]])).tolist() == [1.0, 1.0]  # y takes x's
    assert spread(np.array([[5.0, 5.0]])).tolist() == [1.0, 1.0]
    assert spread(np.empty((0, 2))).tolist() == [1.0, 1.0]


def test_jitter_is_reproducible_and_scaled_by_the_spread():
    xy = np.zeros((2000, 2))
    moved = jitter(xy, np.array([10.0, 0.01]), 0.1, seed=4)
    assert np.array_equal(moved, jitter(xy, np.array([10.0, 0.01]), 0.1, seed=4))
    assert moved.std(axis=0) == pytest.approx([1.0, 0.001], rel=0.1)


def test_jitter_through_the_data_set_keeps_labels_and_ids_and_undoes_exactly():
    ds = Dataset(np.random.default_rng(0).random((50, 2)), np.arange(50) % 2)
    before = ds.snapshot()
    chosen = np.arange(0, 50, 5)
    ds.move_many(chosen, jitter(before.xy[chosen], spread(before.xy), 0.05, seed=1))
    after = ds.snapshot()
    assert np.all(np.any(after.xy[chosen] != before.xy[chosen], axis=1))
    others = np.setdiff1d(np.arange(50), chosen)
    assert np.array_equal(after.xy[others], before.xy[others])
    assert np.array_equal(after.labels, before.labels) and np.array_equal(after.ids, before.ids)
    assert ds.undo()
    assert np.array_equal(ds.snapshot().xy, before.xy)
    assert not ds.can_undo()


# --- batch edits ---------------------------------------------------------------------------
def four() -> Dataset:
    return Dataset(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
                   np.array([0, 0, 1, 1]))


def counted(ds: Dataset) -> list:
    calls = []
    ds.subscribe(lambda: calls.append(ds.version))
    return calls


def same(a, b) -> bool:
    return (np.array_equal(a.xy, b.xy) and np.array_equal(a.labels, b.labels)
            and np.array_equal(a.ids, b.ids))


def test_add_many_is_one_step_with_new_ids_and_merges_a_stroke():
    ds = four()
    calls = counted(ds)
    start = ds.snapshot()
    assert ds.add_many([[5.0, 5.0], [6.0, 6.0]], 1).tolist() == [4, 5]
    assert len(calls) == 1
    ds.add_many([[7.0, 7.0]], [0], merge=True)  # the same stroke goes on
    position = ds.undo_position()
    snap = ds.snapshot()
    assert snap.labels.tolist() == [0, 0, 1, 1, 1, 1, 0]
    assert snap.ids.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert len(calls) == 2
    assert ds.undo() and same(ds.snapshot(), start)  # the whole stroke at once
    assert not ds.can_undo()
    assert ds.redo() and same(ds.snapshot(), snap) and ds.undo_position() == position
    ds.add_many(np.empty((0, 2)), 1)  # nothing to add: no step, no call
    assert len(calls) == 4 and ds.undo_position() == position


def test_add_many_checks_its_points():
    ds = four()
    with pytest.raises(ValueError):
        ds.add_many([[np.nan, 0.0]], 1)
    with pytest.raises(ValueError):
        ds.add_many([[0.0, 0.0]], 2)
    assert len(ds) == 4 and not ds.can_undo()


def test_remove_many_is_one_step_and_undo_puts_them_back_in_place():
    ds = four()
    calls = counted(ds)
    start = ds.snapshot()
    ds.remove_many(np.array([3, 0]))
    snap = ds.snapshot()
    assert snap.xy.tolist() == [[1.0, 0.0], [0.0, 1.0]] and snap.ids.tolist() == [1, 2]
    assert len(calls) == 1
    assert ds.undo() and same(ds.snapshot(), start)
    assert ds.redo() and same(ds.snapshot(), snap)
    with pytest.raises(IndexError):
        ds.remove_many([4])
    with pytest.raises(ValueError):
        ds.remove_many([1, 1])


def test_move_many_keeps_ids_and_a_drag_is_one_step():
    ds = four()
    calls = counted(ds)
    start = ds.snapshot()
    chosen = np.array([1, 3])
    for step in range(1, 6):  # a dragged selection
        ds.move_many(chosen, start.xy[chosen] + step * 0.1, merge=step > 1)
    snap = ds.snapshot()
    assert np.allclose(snap.xy[chosen], start.xy[chosen] + 0.5)
    assert np.array_equal(snap.ids, start.ids) and np.array_equal(snap.labels, start.labels)
    assert len(calls) == 5
    assert ds.undo() and same(ds.snapshot(), start) and not ds.can_undo()
    assert ds.redo() and same(ds.snapshot(), snap)
    ds.move_many([0], [[9.0, 9.0]], merge=True)  # other points: a step of its own
    ds.undo()
    assert same(ds.snapshot(), snap)
    with pytest.raises(ValueError):
        ds.move_many([0, 1], [[1.0, 1.0]])


def test_relabel_keeps_places_and_ids():
    ds = four()
    calls = counted(ds)
    start = ds.snapshot()
    ds.relabel([0, 2], 1)
    snap = ds.snapshot()
    assert snap.labels.tolist() == [1, 0, 1, 1]
    assert np.array_equal(snap.xy, start.xy) and np.array_equal(snap.ids, start.ids)
    assert len(calls) == 1
    assert ds.undo() and same(ds.snapshot(), start)
    assert ds.redo() and same(ds.snapshot(), snap)
    with pytest.raises(ValueError):
        ds.relabel([0], 3)


def test_batch_edits_mix_with_single_edits_and_undo_all_the_way():
    ds = four()
    start = ds.snapshot()
    ds.add(2.0, 2.0, 1)
    ds.add_many(spray(3.0, 3.0, 0.5, 6, seed=1), 0)
    ds.remove_many([0, 5])
    ds.move(2, 8.0, 8.0)
    ds.move_many([1, 2, 3], np.full((3, 2), 4.0))
    ds.relabel([0, 1, 2], 0)
    ds.remove(1)
    end = ds.snapshot()
    for _ in range(7):
        assert ds.undo()
    assert same(ds.snapshot(), start) and not ds.can_undo()
    for _ in range(7):
        assert ds.redo()
    assert same(ds.snapshot(), end) and not ds.can_redo()


def test_batch_edits_at_100000_points():
    rng = np.random.default_rng(0)
    ds = Dataset(rng.random((100_000, 2)), rng.integers(0, 2, 100_000))
    calls = counted(ds)
    start = ds.snapshot()
    ds.add_many(rng.random((1000, 2)), 1)
    chosen = rng.choice(101_000, 30_000, replace=False)
    ds.move_many(chosen, jitter(ds.snapshot().xy[chosen], 1.0, 0.05, seed=1))
    ds.relabel(chosen, 0)
    ds.remove_many(chosen)
    assert len(ds) == 71_000 and len(calls) == 4
    end = ds.snapshot()
    for _ in range(4):
        ds.undo()
    assert same(ds.snapshot(), start)
    for _ in range(4):
        ds.redo()
    assert same(ds.snapshot(), end)
