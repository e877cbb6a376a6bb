"""What an edit did, for readers that follow edits instead of re-reading every point
(``Dataset.change_between``), and the snapshots those readers hold (views that no later edit
may change). At 1,000,000 points both are what keeps a click under a frame; a mistake in either
shows as a point drawn in the wrong place, or a trainer reading points that change under it."""

import numpy as np
import pytest

from core.dataset import Dataset
from core.split import held_out_after, held_out_mask


def follow(before, after, change):
    """The rows of ``after`` rebuilt from ``before`` and the change alone, as a reader does
    (new rows' values read from ``after`` where the change says they are)."""
    xy, labels, ids = before.xy.copy(), before.labels.copy(), before.ids.copy()
    rows = slice(change.index, change.index + change.count)
    if change.kind == "insert":
        xy = np.insert(xy, change.index, after.xy[rows], axis=0)
        labels = np.insert(labels, change.index, after.labels[rows])
        ids = np.insert(ids, change.index, after.ids[rows])
    elif change.kind == "delete":
        xy, labels, ids = (np.delete(a, rows, axis=0) for a in (xy, labels, ids))
    else:
        xy[change.indices] = after.xy[change.indices]
        labels[change.indices] = after.labels[change.indices]
    return xy, labels, ids


def random_edits(dataset, rng, count):
    """``count`` edits of every kind a user makes, in random order."""
    for _ in range(count):
        n = len(dataset)
        kind = rng.choice(["add", "add", "remove", "move", "drag", "spray", "stroke", "undo",
                           "undo", "redo", "relabel", "move_many", "remove_many"])
        if kind == "add" or n < 3:
            dataset.add(*rng.normal(size=2), int(rng.integers(2)))
        elif kind == "remove":
            dataset.remove(int(rng.integers(n)))
        elif kind in ("move", "drag"):
            dataset.move(int(rng.integers(n)) if kind == "move" else n - 1, *rng.normal(size=2),
                         merge=kind == "drag")
        elif kind in ("spray", "stroke"):
            dataset.add_many(rng.normal(size=(int(rng.integers(1, 5)), 2)), 1,
                             merge=kind == "stroke")
        elif kind == "undo":
            dataset.undo()
        elif kind == "redo":
            dataset.redo()
        elif kind == "relabel":
            dataset.relabel(rng.choice(n, 2, replace=False), int(rng.integers(2)))
        elif kind == "move_many":
            dataset.move_many(rng.choice(n, 2, replace=False), rng.normal(size=(2, 2)))
        else:
            dataset.remove_many(rng.choice(n, 2, replace=False))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_following_the_changes_gives_the_points_and_old_snapshots_never_change(seed):
    rng = np.random.default_rng(seed)
    dataset = Dataset(rng.normal(size=(50, 2)), rng.integers(0, 2, 50))
    held = []  # (snapshot, a copy of what it showed when taken)
    before = dataset.snapshot()
    followed = 0
    for _ in range(300):
        random_edits(dataset, rng, int(rng.integers(1, 3)))
        after = dataset.snapshot()
        change = dataset.change_between(before.version, after.version)
        if after.version - before.version > 1:  # two edits: the rows of the first are lost
            assert change is None
        if change is not None:
            followed += 1
            for got, want in zip(follow(before, after, change), (after.xy, after.labels,
                                                                  after.ids)):
                np.testing.assert_array_equal(got, want)
        held.append((after, [a.copy() for a in (after.xy, after.labels, after.ids)]))
        before = after
    assert followed > 100  # most single edits are followed, not re-read
    for snapshot, seen in held:
        for array, copy in zip((snapshot.xy, snapshot.labels, snapshot.ids), seen):
            np.testing.assert_array_equal(array, copy)
            assert not array.flags.writeable


def test_a_click_and_its_undo_are_followed_and_a_loaded_file_is_not():
    dataset = Dataset(np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    start = dataset.version
    dataset.add(1.0, 2.0, 1)
    change = dataset.change_between(start, dataset.version)
    assert (change.kind, change.index, change.count) == ("insert", 4, 1)
    dataset.undo()
    change = dataset.change_between(start + 1, dataset.version)
    assert (change.kind, change.index, change.count) == ("delete", 4, 1)
    assert dataset.change_between(start, dataset.version) is None  # two edits
    dataset.move(1, 3.0, 3.0)
    change = dataset.change_between(dataset.version - 1, dataset.version)
    assert change.kind == "update" and change.indices.tolist() == [1]
    before = dataset.version
    dataset.replace(np.ones((3, 2)), np.array([0, 1, 1]))
    assert dataset.change_between(before, dataset.version) is None  # read it all again
    assert dataset.change_between(-1, dataset.version) is None
    for _ in range(100):
        dataset.add(0.0, 0.0, 0)
    assert dataset.change_between(before + 1, before + 2) is None  # too long ago


def test_a_click_among_many_points_shares_the_snapshot_rows_instead_of_copying_them():
    """A snapshot after a click views the same memory as the one before it: at 1,000,000
    points a copy (25 MB) took longer than the rest of the click."""
    dataset = Dataset(np.zeros((100_000, 2)), np.zeros(100_000, dtype=int))
    dataset.add(1.0, 1.0, 1)
    first = dataset.snapshot()
    dataset.add(2.0, 2.0, 1)
    second = dataset.snapshot()
    assert np.shares_memory(first.xy, second.xy)
    assert second.xy[-1].tolist() == [2.0, 2.0] and len(first) == 100_001
    dataset.undo()
    dataset.redo()  # the same row back where the snapshots saw it: still no copy
    assert np.shares_memory(second.xy, dataset.snapshot().xy)
    dataset.undo()
    dataset.add(3.0, 3.0, 0)  # another row where a snapshot saw one: a copy, the old one kept
    assert not np.shares_memory(second.xy, dataset.snapshot().xy)
    assert second.xy[-1].tolist() == [2.0, 2.0]
    dataset.move(0, 5.0, 5.0)  # in place: the snapshots keep the point where it was
    assert first.xy[0].tolist() == second.xy[0].tolist() == [0.0, 0.0]
    assert dataset.snapshot().xy[0].tolist() == [5.0, 5.0]


def test_the_held_out_mask_followed_through_edits_equals_hashing_every_id():
    rng = np.random.default_rng(5)
    dataset = Dataset(rng.normal(size=(200, 2)), rng.integers(0, 2, 200))
    snapshot = dataset.snapshot()
    mask = held_out_mask(snapshot.ids, 7, 0.3)
    for _ in range(200):
        version = dataset.version
        random_edits(dataset, rng, 1)
        snapshot = dataset.snapshot()
        change = dataset.change_between(version, snapshot.version)
        if change is None:
            mask = held_out_mask(snapshot.ids, 7, 0.3)
            continue
        mask = held_out_after(mask, change, snapshot.ids, 7, 0.3)
        np.testing.assert_array_equal(mask, held_out_mask(snapshot.ids, 7, 0.3))
