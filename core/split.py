"""Which points are held out for testing.

Decided per point from its stable id and the seed (a hash, not a shuffle), so adding, moving
or removing a point never changes whether the other points are held out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.config import TrainConfig
    from core.dataset import Change, DataSnapshot

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _splitmix64(values: np.ndarray) -> np.ndarray:
    z = values.astype(np.uint64)
    with np.errstate(over="ignore"):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) & _MASK64


def held_out_mask(ids: np.ndarray, seed: int, fraction: float) -> np.ndarray:
    """Boolean mask of held-out points: each point independently with probability ``fraction``."""
    if fraction <= 0 or len(ids) == 0:
        return np.zeros(len(ids), dtype=bool)
    with np.errstate(over="ignore"):  # wrapping modulo 2**64 is the point of the hash
        key = np.uint64(seed) * np.uint64(0x632BE59BD9B4E019)
    keyed = np.asarray(ids, dtype=np.uint64) ^ key
    uniform = (_splitmix64(keyed) >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    return uniform < fraction


def held_out_after(mask: np.ndarray, change: Change, ids: np.ndarray, seed: int,
                   fraction: float) -> np.ndarray:
    """The held-out mask after one edit, from the mask before it: the same as
    ``held_out_mask(ids, ...)`` on the new ids (each point's share depends on its id alone),
    hashing only the rows the edit inserted. (At 1,000,000 points the whole hash costs a
    click's time.)"""
    if change.kind == "insert":
        rows = slice(change.index, change.index + change.count)
        return np.insert(mask, change.index, held_out_mask(ids[rows], seed, fraction))
    if change.kind == "delete":
        return np.delete(mask, slice(change.index, change.index + change.count))
    return mask  # "update": the same ids in the same places


def training_points(snapshot: DataSnapshot, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """The points the trainer trains on: the snapshot without its held-out share (the split
    ``core.training_session`` makes), for whatever measures the loss training sees (the
    learning-rate finder, the loss landscape)."""
    train = ~held_out_mask(snapshot.ids, config.seed, config.test_split)
    return snapshot.xy[train], snapshot.labels[train]
