"""The charts as a person reads them: the first epochs of a long run, legends beside the curves
rather than on them, fit and predict both visible when equal, weight ticks that fit, figures
that say which model state they describe, and looking back at an epoch."""

import dataclasses
import math

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QColor, QFontMetricsF, QImage, QPainter

from core.history import COLUMNS
from core.record import EpochBatch, EpochStats
from gui import style
from gui.metrics_view import MIN_WIDTH, MetricsView, compact_tick, percent
from tests.gui.helpers import press_scenario

BN_LINE = (1.0, -1.0, 0.5)


def stats(epoch, accuracy=0.5, eval_accuracy=0.75, w=(0.1, 0.2), batchnorm=True, n_train=4):
    return EpochStats(epoch=epoch, loss=None if epoch == 0 else 0.7,
                      accuracy=None if epoch == 0 else accuracy, eval_loss=0.69,
                      eval_accuracy=eval_accuracy, test_loss=None, test_accuracy=None, w=w,
                      b=0.0, line=(1.0, 2.0, -1.0), train_line=BN_LINE if batchnorm else None,
                      n_train=n_train, n_test=0, diverged=False)


def run(epochs, accuracy, eval_accuracy, w1=None, n_train=4):
    """``epochs`` epochs (0 ..) as one batch, the way the compiled engine reports them."""
    e = len(epochs)
    w = np.column_stack([w1 if w1 is not None else np.zeros(e), np.zeros(e)])
    columns = {
        "loss": np.full(e, 0.6), "accuracy": np.asarray(accuracy, float),
        "eval_loss": np.full(e, 0.5), "eval_accuracy": np.asarray(eval_accuracy, float),
        "test_loss": np.full(e, np.nan), "test_accuracy": np.full(e, np.nan),
        "w": w, "b": np.zeros(e), "line": np.tile([1.0, 2.0, -1.0], (e, 1)), "train_line": None,
    }
    return EpochBatch(np.asarray(epochs), columns, n_train, 0)


@pytest.fixture
def view(qtbot):
    """The charts at their narrowest, shown offscreen."""
    widget = MetricsView()
    qtbot.addWidget(widget)
    widget.resize(MIN_WIDTH, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def feed(view, *epochs, **kwargs):
    view.update_epochs([EpochBatch.of(stats(e, **kwargs)) for e in epochs])
    view.redraw()


def test_legends_lie_beside_the_curves_and_fit_the_narrowest_panel(view):
    feed(view, *range(21))
    for plot in view._plots:
        legend = plot.titleLabel
        box = plot.getViewBox().sceneBoundingRect()
        assert legend.isVisible()
        assert not legend.sceneBoundingRect().intersects(box)  # never over a curve
        # the whole legend line is within the chart's width at 240 pixels
        assert legend.item.boundingRect().width() <= plot.sceneBoundingRect().width()
        assert "predict" in legend.text or "w1" in legend.text


def test_log_epochs_keep_the_first_twenty_visible_after_twenty_thousand(qtbot, view):
    n = 20_001
    ramp = np.linspace(0.5, 1.0, n)
    view.update_epochs([run(np.arange(n), ramp, ramp)])
    view.redraw()
    box = view._log_box
    assert view.log_epochs and box.isChecked()  # switched by itself past 2000 epochs
    vb = view._accuracy_plot.getViewBox()
    x1 = vb.mapViewToScene(QPointF(math.log10(1), 0.5)).x()
    x20 = vb.mapViewToScene(QPointF(math.log10(20), 0.5)).x()
    assert x20 - x1 > 40  # epochs 1..20 span a visible width, not a pixel
    xs, _ = view._curves["eval_accuracy"].getOriginalDataset()
    assert set(range(1, 21)) <= set(xs.astype(int).tolist())  # each drawn, not binned away
    assert view._weights_plot.getAxis("bottom").labelText == "epoch (log scale)"
    # The person's choice sticks: unticked, it stays linear as the run goes on.
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert not view.log_epochs
    view.update_epochs([run(np.arange(n, n + 100), np.ones(100), np.ones(100))])
    assert not view.log_epochs and not box.isChecked()
    view.set_log_epochs(True)  # what a checkable action calls
    assert box.isChecked()


@pytest.mark.parametrize("width", [MIN_WIDTH, 500])
def test_log_epoch_labels_never_run_together(qtbot, view, width):
    """pyqtgraph labels every minor tick of a log axis (2, 3, ... 9): at 240 pixels they ran
    together ("567890", "20 3040"). Labels are the decades, and 2 and 5 where there is room."""
    view.resize(width, 640)
    n = 20_001
    view.update_epochs([run(np.arange(n), np.linspace(0.5, 1, n), np.linspace(0.5, 1, n))])
    view.redraw()
    axis = view._weights_plot.getAxis("bottom")
    low, high = axis.range
    labelled = {}  # pyqtgraph draws a value once, from the first level that has it
    for _, values in axis.tickValues(low, high, axis.geometry().width()):
        for value, text in zip(values, axis.tickStrings(values, 1.0, 1.0)):
            labelled.setdefault(round(value, 9), text)
    vb = view._weights_plot.getViewBox()
    xs = sorted((vb.mapViewToScene(QPointF(v, 0)).x(), t) for v, t in labelled.items()
                if t and low <= v <= high)
    font = QFontMetricsF(axis.style["tickFont"] or view.font())
    for (x0, t0), (x1, t1) in zip(xs, xs[1:]):  # each label's half-widths fit between ticks
        assert x1 - x0 >= (font.horizontalAdvance(t0) + font.horizontalAdvance(t1)) / 2 + 4
    labels = [t for _, t in xs]
    assert labels[:2] == ["1", "10"] or labels[:3] == ["1", "2", "5"]
    assert "10k" in labels


def colour_pixels(image: QImage, colour: str, tolerance: int = 40) -> int:
    """Pixels of ``image`` within ``tolerance`` (per channel) of ``colour``."""
    target = QColor(colour)
    image = image.convertToFormat(QImage.Format.Format_RGB32)  # kept while its bits are read
    ptr = image.constBits()
    ptr.setsize(image.bytesPerLine() * image.height())
    pixels = np.frombuffer(ptr, np.uint8).reshape(image.height(), -1, 4)[:, : image.width()]
    b, g, r = (pixels[..., i].astype(int) for i in range(3))
    return int(np.sum((abs(r - target.red()) < tolerance) & (abs(g - target.green()) < tolerance)
                      & (abs(b - target.blue()) < tolerance)))


def test_predict_and_fit_both_show_where_they_coincide(qtbot, view):
    n = 200
    same = np.linspace(0.3, 0.9, n)
    view.update_epochs([run(np.arange(n), same, same)])
    view.redraw()
    qtbot.wait(50)
    image = view._graphs.grab(view._graphs.mapFromScene(
        view._accuracy_plot.getViewBox().sceneBoundingRect()).boundingRect()).toImage()
    fit = colour_pixels(image, style.SERIES_COLORS["train"])
    predict = colour_pixels(image, style.SERIES_COLORS["predict"])
    assert fit > 100 and predict > 100  # the fit curve peeks out around the dashed predict


@pytest.mark.parametrize("weight", [-20000.0, -250_000.0, -12_345_678.9])
def test_tick_labels_at_a_large_negative_weight_are_whole(view, weight):
    """pyqtgraph wrote "-200000" (and "-1e+07"), wider than the fixed axis: cut off."""
    feed(view, *range(11), w=(weight, 3.0))
    axis = view._weights_plot.getAxis("left")
    assert view._weights_plot.getViewBox().viewRange()[1][0] < weight
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    shown = [text for _rect, _flags, text in texts if text]
    assert len(shown) >= 3 and any(t.startswith(str(int(weight))[:2]) for t in shown)
    for rect, _flags, text in texts:
        assert rect.left() >= 0, f"{text!r} is cut off at the axis' left edge"


@pytest.mark.parametrize("value, spacing, expected", [
    (-20000, 5000, "-2.0e4"), (-20000, 10000, "-2e4"), (-15000, 5000, "-1.5e4"),
    (-0.25, 0.05, "-0.25"), (0.0015, 0.0005, "1.5e-3"), (2500, 500, "2500"),
    (0.0, 0.1, "0"), (99950, 50, "9.995e4"),
])
def test_compact_ticks(value, spacing, expected):
    assert compact_tick(value, spacing) == expected


def test_batchnorm_figures_stand_large_side_by_side_and_say_what_they_are(view):
    panel = view._figures
    height = panel.height()
    feed(view, *range(6), accuracy=0.5, eval_accuracy=0.75)
    assert panel.isVisible()
    assert (panel.fit.text(), panel.predict.text()) == ("50%", "75%")
    assert panel.fit.font().pointSize() >= 20 and panel.fit.font().bold()
    assert "training mode" in panel.fit_caption.text()
    assert "inference mode" in panel.predict_caption.text()
    assert panel.fit.x() + panel.fit.width() <= panel.predict.x()  # side by side
    for caption in (panel.fit_caption, panel.predict_caption):  # no line cut off at 240 px
        assert caption.heightForWidth(caption.width()) <= caption.height()
    feed(view, 6, accuracy=0.523, eval_accuracy=0.643)
    assert panel.height() == height  # fixed: new figures re-layout nothing
    assert (panel.fit.text(), panel.predict.text()) == ("52.3%", "64.3%")
    view.update_epochs([EpochBatch.of(stats(0, batchnorm=False))])  # a new model, no BN
    view.redraw()
    assert not panel.isVisible()
    assert "inference mode" in view._summary.toolTip()  # the explanation stays at hand


@pytest.mark.parametrize("batchnorm", [True, False])
def test_fit_figures_from_before_the_points_changed_are_marked(view, batchnorm):
    feed(view, *range(6), batchnorm=batchnorm)
    assert "earlier points" not in view._summary.text()
    # Paused, a point is added: the trainer re-reports epoch 5, predict re-evaluated.
    feed(view, 5, n_train=5, eval_accuracy=0.6, batchnorm=batchnorm)
    assert view.stale
    assert "50% (trained on the earlier points)" in view._summary.text()
    if batchnorm:
        assert "before they changed" in view._figures.fit_caption.text()
    else:
        assert "predict accuracy 60%" in view._summary.text()  # the new figure, unmarked
    feed(view, 6, n_train=5, batchnorm=batchnorm)  # training goes on, on the new points
    assert not view.stale and "earlier points" not in view._summary.text()
    view.update_epochs([EpochBatch(np.array([6]), {
        **EpochBatch.of(stats(6, batchnorm=batchnorm)).columns}, 5, 0, diverged=True)])
    assert not view.stale  # a divergence report repeats the epoch on the same points


def test_the_summary_gives_fit_and_predict_without_batchnorm(view):
    feed(view, *range(6), accuracy=0.523, eval_accuracy=0.643, batchnorm=False)
    assert not view._figures.isVisible()
    assert "fit accuracy 52.3% · predict accuracy 64.3%" in view._summary.text()


def test_a_cursor_looks_back_at_an_epoch_and_live_returns(view):
    feed(view, *range(21))
    view.set_cursor(stats(12, accuracy=0.25, eval_accuracy=1.0))
    lines = view._cursor_lines
    assert all(line.isVisible() and line.value() == 12 for line in lines)
    assert "epoch 12</b> of 20" in view._summary.text()
    assert "looking back" in view._summary.text()
    assert view._figures.fit.text() == "25%"
    feed(view, 21, 22)  # training goes on underneath
    assert "epoch 12</b> of 22" in view._summary.text()
    assert view.history("epoch")[-1] == 22
    view.set_log_epochs(True)
    assert all(line.value() == pytest.approx(math.log10(12)) for line in lines)
    view.set_cursor(None)
    assert not any(line.isVisible() for line in lines)
    assert "<b>epoch 22</b>" in view._summary.text() and "looking back" not in \
        view._summary.text()


def test_a_new_model_ends_looking_back(qtbot, view):
    feed(view, *range(21))
    view.set_cursor(stats(12))
    with qtbot.waitSignal(view.cursorCleared, timeout=1000):
        feed(view, 0)
    assert view.cursor is None and "looking back" not in view._summary.text()


def test_history_columns_view_is_every_column_without_copies(view):
    feed(view, *range(5))
    columns = view.history_columns_view()
    assert tuple(columns) == COLUMNS
    assert columns["epoch"].tolist() == [0, 1, 2, 3, 4]
    assert np.shares_memory(columns["eval_accuracy"], view.recorded.column("eval_accuracy"))


def test_the_question_shows_fit_and_predict_large_on_the_real_window(qtbot, make_window):
    window = make_window()
    press_scenario(qtbot, window, "Question: 4 points")
    metrics = window.metrics
    qtbot.waitUntil(lambda: metrics.latest is not None and metrics.latest.epoch == 20
                    and metrics.latest.train_line is not None, timeout=60_000)
    latest = metrics.latest
    panel = metrics._figures
    qtbot.waitUntil(lambda: panel.isVisible()
                    and panel.fit.text() == percent(latest.accuracy), timeout=5000)
    assert panel.predict.text() == percent(latest.eval_accuracy)


@pytest.mark.parametrize("batchnorm", [False, True])
def test_the_summary_fits_its_label_at_the_narrowest(view, batchnorm):
    """At 900x600 the line's equation was cut off below the label: the weights wrapped inside
    a figure ("b =" / "-0.8049") and took its row."""
    long = dataclasses.replace(stats(40, batchnorm=batchnorm), test_accuracy=0.985,
                               w=(-0.06438123, 1.979456), b=-0.8049123,
                               line=(-0.06438123, 1.979456, -0.8049123))
    view.update_epochs([EpochBatch.of(long)])
    view.redraw()
    label = view._summary
    assert label.heightForWidth(label.width()) <= label.height()
    assert "=&nbsp;0" in label.text()


def test_looking_back_the_large_figures_say_whose_they_are(view):
    """"predict: the model now" was wrong while looking back at an earlier epoch."""
    feed(view, *range(21))
    view.set_cursor(stats(5))
    assert "after epoch 5" in view._figures.predict_caption.text()
    view.set_cursor(None)
    assert "the model now" in view._figures.predict_caption.text()


def test_the_test_curves_are_listed_only_with_held_out_points(view):
    feed(view, 0, 1)
    assert all("test" not in plot.titleLabel.text for plot in view._plots)
    with_test = dataclasses.replace(stats(2), n_test=3, test_accuracy=0.5, test_loss=0.6)
    view.update_epochs([EpochBatch.of(with_test)])
    assert "test" in view._accuracy_plot.titleLabel.text
    assert "test" in view._loss_plot.titleLabel.text
