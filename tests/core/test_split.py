"""The held-out split: a hash of each point's id and the seed."""

import warnings

import numpy as np

from core.split import held_out_mask


def test_every_seed_splits_without_a_warning_and_repeats():
    """Seeds from 3 up printed "overflow encountered in scalar multiply" on stderr: the hash
    wraps modulo 2**64 on purpose."""
    ids = np.arange(1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        masks = {seed: held_out_mask(ids, seed, 0.25) for seed in (0, 3, 4, 7, 2**31 - 1)}
    for seed, mask in masks.items():
        assert 0.2 < mask.mean() < 0.3, seed
        assert np.array_equal(mask, held_out_mask(ids, seed, 0.25))
    assert not np.array_equal(masks[3], masks[4])
