"""The charts' history: every epoch while it fits, then every k-th, never unbounded."""

import dataclasses

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


def test_a_charts_envelope_keeps_a_one_epoch_spike_and_the_latest_epoch():
    """Charts draw about a point per pixel; thinning by picking every k-th epoch used to
    drop a spike in the loss. The envelope keeps each group's lowest and highest value."""
    history = EpochHistory()
    batch = _batch(0, 50_000)
    spiked = dict(batch.columns, loss=np.where(batch.epoch == 31_337, 99.0, batch.loss),
                  test_loss=np.where(batch.epoch < 10, 0.5, np.nan))
    history.add(EpochBatch(batch.epoch, spiked, n_train=4, n_test=0))
    epochs, loss = history.envelope("loss", bins=300)
    assert len(loss) <= 2 * 300 + 1 and loss.max() == 99.0
    assert epochs[-1] == 49_999 and loss[-1] == 49_999 / 1000.0
    epochs, test_loss = history.envelope("test_loss", bins=300)  # groups without a value go
    assert np.all(np.isfinite(test_loss)) and 0 < len(test_loss) <= 2


def test_looking_back_gives_a_kept_epochs_own_figures_and_lines():
    history = EpochHistory(max_rows=1000)
    batch = _batch(0, 50)
    line = np.column_stack([np.arange(50.0), np.ones(50), -np.arange(50.0)])
    history.add(EpochBatch(batch.epoch, {**batch.columns, "line": line}, 4, 0))
    looked = history.epoch_at(12)
    assert looked == dataclasses.replace(batch[12], line=(12.0, 1.0, -12.0))
    assert history.epoch_at(-1) is None and history.epoch_at(999).epoch == 49
    assert history.neighbour(12, -1) == 11 and history.neighbour(49, +1) == 49


def test_past_its_rows_looking_back_lands_on_the_kept_epoch_before():
    history = EpochHistory(max_rows=1000)
    for first in range(0, 10_000, 500):
        history.add(_batch(first, 500))
    kept = history.epoch_at(4099)
    assert kept.epoch % history.stride == 0 and 4099 - history.stride < kept.epoch <= 4099
    assert kept.w == (kept.epoch / 1000.0, -kept.epoch / 1000.0)
    assert history.neighbour(kept.epoch, +1) == kept.epoch + history.stride
