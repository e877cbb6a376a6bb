"""The charts' history: every epoch while it fits, then every k-th, never unbounded."""

import numpy as np

from core.history import EpochHistory
from core.record import EpochBatch, EpochStats


def _batch(first: int, count: int, n_train: int = 4) -> EpochBatch:
    epochs = np.arange(first, first + count)
    values = epochs / 1000.0
    columns = dict(
        loss=values, accuracy=values, eval_loss=values, eval_accuracy=values,
        test_loss=np.full(count, np.nan), test_accuracy=np.full(count, np.nan),
        w=np.column_stack([values, -values]), b=values, line=np.ones((count, 3)),
        train_line=None)
    return EpochBatch(epochs, columns, n_train=n_train, n_test=0)


def test_every_epoch_is_kept_while_it_fits():
    history = EpochHistory(max_rows=1000)
    for first in range(0, 900, 90):
        history.add(_batch(first, 90))
    np.testing.assert_array_equal(history.column("epoch"), np.arange(900))
    np.testing.assert_array_equal(history.column("w2"), -np.arange(900) / 1000.0)


def test_a_long_run_keeps_every_kth_epoch_from_zero_and_the_latest():
    history = EpochHistory(max_rows=1000)
    for first in range(0, 1_000_003, 777):
        history.add(_batch(first, 777))
    epochs = history.column("epoch")
    assert history.size <= 1000
    assert epochs[0] == 0 and epochs[-1] == 1_000_775  # the latest epoch, exactly
    assert np.all(np.diff(epochs[:-1]) == history.stride)  # evenly spaced before it
    assert history.stride == 1024  # the smallest power of two with 1e6 / k rows <= 1000


def test_a_re_report_replaces_its_epoch_and_a_reset_starts_over():
    history = EpochHistory()
    history.add(_batch(0, 10))
    history.add(EpochBatch.of(EpochStats(epoch=9, loss=None, accuracy=None, eval_loss=0.5,
                                         eval_accuracy=0.25, test_loss=None,
                                         test_accuracy=None, w=(1.0, 2.0), b=3.0,
                                         line=(1.0, 2.0, 3.0), train_line=None, n_train=5,
                                         n_test=0, diverged=False)))
    assert history.size == 10 and history.column("eval_accuracy")[-1] == 0.25
    assert np.isnan(history.column("loss")[-1])  # None becomes a gap in the chart
    history.add(_batch(0, 3))  # a new model: epochs start again at 0
    np.testing.assert_array_equal(history.column("epoch"), [0, 1, 2])


def test_a_batch_hands_out_epoch_stats_with_missing_figures_as_none():
    batch = _batch(5, 3)
    stats = batch[-1]
    assert stats.epoch == 7 and stats.test_accuracy is None and stats.w == (0.007, -0.007)
    assert [s.epoch for s in batch] == [5, 6, 7]
