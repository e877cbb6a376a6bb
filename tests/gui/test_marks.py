"""The marks tell the truth (issue 9, items 9 and 8).

Held-out points are drawn hollow, exactly the points the trainer tests on; the misclassified
count says which set; the colour bar's label is never clipped at 900x600; and a click that only
takes the keys away from a text box adds no point, while every other click still does.
"""

import dataclasses

import numpy as np
import pytest
from PyQt6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtWidgets import QApplication, QPushButton

from core.geometry import logit
from core.split import held_out_mask
from gui.plot_view import Brush
from tests.gui.helpers import click, one_pixel

SEED, SPLIT = 0, 0.25


def grid_points(n_side: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """n_side² points on [0, 1]², class 1 above the diagonal: some on each side of any line."""
    xs = np.linspace(0.0, 1.0, n_side)
    xy = np.array([(x, y) for x in xs for y in xs])
    return xy, (xy[:, 1] > xy[:, 0]).astype(int)


def drawn(scatters) -> set[tuple[float, float]]:
    return {(float(x), float(y)) for s in scatters.values() for x, y in zip(*s.getData())}


def as_set(xy: np.ndarray) -> set[tuple[float, float]]:
    return {(float(x), float(y)) for x, y in xy}


def legend_texts(window) -> list[str]:
    return [label.text for _, label in window.plot._legend.items]


def wrong_text(window) -> str:
    return window.plot._legend.getLabel(window.plot._wrong).text.replace("\u2007", " ")


def expected_mask(window) -> np.ndarray:
    snapshot = window.dataset.snapshot()
    config = window.bridge.config
    return held_out_mask(snapshot.ids, config.seed, config.test_split)


@pytest.fixture
def split_window(make_window):
    xy, labels = grid_points()
    window = make_window(xy, labels, test_split=SPLIT, seed=SEED)
    mask = expected_mask(window)
    assert 0 < mask.sum() < len(mask)  # the seed holds out some points, not all
    return window


def test_held_out_points_are_hollow_and_listed(qtbot, split_window):
    window = split_window
    xy = window.dataset.snapshot().xy
    mask = expected_mask(window)
    qtbot.waitUntil(lambda: drawn(window.plot._held_out_scatters) == as_set(xy[mask]))
    assert drawn(window.plot._scatters) == as_set(xy[~mask])
    for scatter in window.plot._held_out_scatters.values():
        assert scatter.opts["brush"].style() == Qt.BrushStyle.NoBrush  # hollow
        assert scatter.opts["pen"].color().alpha() == 255
    assert "held out (test)" in legend_texts(window)


def test_the_hollow_points_are_the_ones_the_trainer_tests_on(qtbot, split_window):
    """The trainer's test figures, measured on its own split, match the hollow points: as many
    of them, and the share of them predict gets right is the test accuracy it reports."""
    window = split_window
    with qtbot.waitSignal(window.bridge.epochsReady, timeout=60_000):
        window.bridge.step()
    stats = window._latest
    snapshot = window.dataset.snapshot()
    hollow = window.plot.held_out()
    assert stats.n_test == hollow.sum() and stats.n_train == (~hollow).sum()
    right = (logit(stats.line, snapshot.xy[hollow]) > 0) == (snapshot.labels[hollow] == 1)
    assert stats.test_accuracy == pytest.approx(right.mean(), abs=1e-6)


def test_changing_the_split_or_the_seed_redraws_the_marks(qtbot, split_window):
    window = split_window
    xy = window.dataset.snapshot().xy
    before = expected_mask(window)
    window.controls.seed.setValue(SEED + 1)
    qtbot.waitUntil(lambda: window.bridge.config.seed == SEED + 1)
    after = expected_mask(window)
    assert not np.array_equal(before, after)
    qtbot.waitUntil(lambda: drawn(window.plot._held_out_scatters) == as_set(xy[after]))
    window.controls.test_split.setValue(0.0)
    qtbot.waitUntil(lambda: not drawn(window.plot._held_out_scatters))
    assert drawn(window.plot._scatters) == as_set(xy)
    assert "held out (test)" not in legend_texts(window)


def test_the_misclassified_count_says_which_set(qtbot, split_window):
    window = split_window
    with qtbot.waitSignal(window.bridge.epochsReady, timeout=60_000):
        window.bridge.step()
    snapshot = window.dataset.snapshot()
    held = expected_mask(window)
    wrong = (logit(window._latest.line, snapshot.xy) > 0) != (snapshot.labels == 1)
    text = (f"{wrong[~held].sum():2d} of {(~held).sum()} training, "
            f"{wrong[held].sum():{len(str(held.sum()))}d} of {held.sum()} held out")
    qtbot.waitUntil(lambda: text in wrong_text(window))
    assert wrong_text(window).startswith("misclassified by predict:")

    window.controls.test_split.setValue(0.0)  # no held-out points: one count
    qtbot.waitUntil(lambda: "held out" not in wrong_text(window))
    assert wrong_text(window) == f"misclassified by predict: {wrong.sum():2d} of {len(wrong)}"


def test_the_legend_keeps_its_width_while_the_count_changes(qtbot, split_window):
    window = split_window
    label = window.plot._legend.getLabel(window.plot._wrong)
    widths = set()
    for line in ((0.0, 0.0, 1.0), (1.0, -1.0, 0.0), (-1.0, 1.0, 0.0)):  # none, few, many wrong
        window.plot._stats = dataclasses.replace(window._latest, line=line)
        window.plot._redraw_wrong()
        widths.add(round(label.item.boundingRect().width()))
    assert len(widths) == 1


def scene_rect_in_widget(plot, item) -> QRectF:
    return QRectF(plot.mapFromScene(item.sceneBoundingRect()).boundingRect())


def ink_in_widget(plot, text_item) -> QRectF:
    """A text item's text without the empty margin its document keeps around it."""
    margin = text_item.document().documentMargin()
    rect = text_item.boundingRect().adjusted(margin, margin, -margin, -margin)
    return QRectF(plot.mapFromScene(text_item.mapToScene(rect)).boundingRect())


def test_nothing_is_clipped_at_900_by_600_with_every_entry_listed(qtbot, make_window):
    """BatchNormalization's dashed line, scikit-learn's line and the held-out points all
    listed: the colour bar's "P(class 1)" stays whole inside the plot, clear of the legend."""
    xy, labels = grid_points()
    window = make_window(xy, labels, batchnorm=True, test_split=SPLIT, seed=SEED)
    window.resize(900, 600)
    window.reference_action.trigger()  # L: scikit-learn's line
    with qtbot.waitSignal(window.bridge.epochsReady, timeout=60_000):
        window.bridge.step()
    texts = ("held out (test)", "training-mode line (BatchNorm)", "LogisticRegression (C=1)")
    qtbot.waitUntil(lambda: all(any(t in s for s in legend_texts(window)) for t in texts),
                    timeout=30_000)
    qtbot.waitUntil(lambda: window.size() == QSize(900, 600))
    plot = window.plot
    qtbot.waitUntil(lambda: plot.getPlotItem().layout.geometry().width() <= plot.width())
    inside = QRectF(plot.viewport().rect())
    label = ink_in_widget(plot, plot._colorbar.axis.label)
    assert label.height() > label.width() > 0  # drawn, upright along the bar
    assert inside.contains(label), (label, inside)
    bar = scene_rect_in_widget(plot, plot._colorbar)
    assert bar.contains(label.center())  # the label is the bar's, not cut off elsewhere
    legend = scene_rect_in_widget(plot, plot._legend)
    assert inside.contains(legend)
    assert not legend.intersects(bar)
    # The whole label, not just its box, fits along the bar.
    assert label.height() <= bar.height()


# --- a click that only takes the focus --------------------------------------------------------

def box(window, name):
    return {"seed": window.controls.seed, "learning rate": window.controls.learning_rate}[name]


@pytest.mark.parametrize("name", ["seed", "learning rate"])
def test_a_click_that_takes_the_keys_from_a_box_adds_no_point(qtbot, make_window, name):
    window = make_window(seed=SEED)
    field = box(window, name)
    qtbot.mouseClick(field.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    field.lineEdit().selectAll()
    qtbot.keyClicks(field.lineEdit(), "7")
    click(qtbot, window, 0.5, 0.5)
    assert len(window.dataset) == 4
    assert QApplication.focusWidget() is window.plot
    assert "click again to add a point" in window.statusBar().currentMessage()
    if name == "seed":  # leaving the box committed what was typed
        qtbot.waitUntil(lambda: window.bridge.config.seed == 7)
    else:
        qtbot.waitUntil(lambda: window.bridge.config.learning_rate == 7)
    click(qtbot, window, 0.5, 0.5)
    assert len(window.dataset) == 5
    assert window.dataset.point(4)[2] == 1


def test_a_click_after_tabbing_to_a_chooser_only_takes_the_keys(qtbot, make_window):
    """Typed into Test split, then Tab: the optimizer chooser had the keys and the click on
    the plot added a point (a review under Xvfb)."""
    window = make_window()
    window.controls.optimizer.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.controls.optimizer)
    click(qtbot, window, 0.5, 0.5)
    assert len(window.dataset) == 4 and QApplication.focusWidget() is window.plot
    click(qtbot, window, 0.5, 0.5)
    assert len(window.dataset) == 5


def test_clicking_again_at_once_still_adds_the_point(qtbot, make_window):
    """Two quick clicks at one place after a focus-only click: Qt calls the second a double
    click, which by itself adds nothing; here it is the user's first real click."""
    window = make_window()
    window.controls.seed.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.controls.seed)
    click(qtbot, window, 0.5, 0.5)
    assert len(window.dataset) == 4
    viewport = window.plot.viewport()
    where = QPointF(window.plot.to_widget(0.5, 0.5))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    for kind, buttons in ((QEvent.Type.MouseButtonDblClick, left),
                          (QEvent.Type.MouseButtonRelease, none)):
        event = QMouseEvent(kind, where, viewport.mapToGlobal(where), left, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, event)
    assert len(window.dataset) == 5


@pytest.mark.parametrize("holder", ["slider", "plot", "button"])
def test_any_other_focus_and_the_click_adds_a_point(qtbot, make_window, holder):
    window = make_window()
    target = {"slider": window.controls.lr_slider, "plot": window.plot,
              "button": window.controls.findChildren(QPushButton)[0]}[holder]
    target.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is target)
    click(qtbot, window, 0.5, 0.5)
    assert len(window.dataset) == 5
    assert QApplication.focusWidget() is window.plot


def test_clicks_on_and_between_points_work_with_hollow_marks(qtbot, make_window):
    xy, labels = grid_points(4)
    window = make_window(xy, labels, test_split=0.5, seed=SEED)
    window.plot.setRange(QRectF(-0.5, -0.5, 2.0, 2.0), padding=0)
    mask = expected_mask(window)
    qtbot.waitUntil(lambda: len(drawn(window.plot._held_out_scatters)) == mask.sum() > 0)
    n = len(xy)
    for where in (tuple(xy[np.flatnonzero(mask)[0]]), (1.2, 1.2)):  # on a hollow mark; empty
        click(qtbot, window, *where)
        n += 1
        assert len(window.dataset) == n
        x, y, label = window.dataset.point(n - 1)
        assert label == 1 and max(abs(x - where[0]), abs(y - where[1])) <= one_pixel(window)
    window.set_brush(Brush.ERASE)
    hollow = tuple(xy[np.flatnonzero(mask)[1]])
    click(qtbot, window, *hollow)  # the eraser takes a hollow point too
    assert hollow not in as_set(window.dataset.snapshot().xy)


def test_small_coordinates_are_labelled_as_they_are(qtbot, make_window):
    """Points between 0.1 and 0.9 were labelled 100..900 "(x0.001)" by pyqtgraph's automatic
    SI prefix: y = 0.9 read as 900."""
    xy = np.array([[0.1, 0.1], [0.9, 0.2], [0.2, 0.9], [0.8, 0.8]])
    window = make_window(xy, np.array([0, 0, 1, 1]))
    window.plot.setRange(QRectF(0.05, 0.05, 0.02, 0.02), padding=0)  # zoomed in: 0.05..0.07
    for name in ("bottom", "left"):
        axis = window.plot.getPlotItem().getAxis(name)
        assert axis.autoSIPrefixScale == 1.0 and "x0.0" not in axis.labelString()
        ticks = [value for level in axis.tickValues(0.05, 0.07, 400) for value in level[1]]
        assert all(0.05 <= value <= 0.07 for value in ticks)
        assert any(text.startswith("0.0") for text in axis.tickStrings(ticks, 1.0, 0.005))


def test_before_there_is_a_model_the_legend_counts_nothing_misclassified(qtbot, make_window):
    """While TensorFlow loads there is no line: "0 of 1000000 misclassified" would be a
    claim about a model that does not exist yet."""
    window = make_window()
    legend = window.plot._legend.getLabel(window.plot._wrong)
    assert legend.text.endswith(" of 4")  # a model: its misclassified points counted
    window.plot.show_model(None)
    assert legend.text.endswith("\u2013") and " of " not in legend.text
    assert window.plot._wrong.count() == 0  # and no rings
