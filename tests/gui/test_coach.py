"""The Coach tab: advice appears with its count in the tab's title, a fix button changes the
settings and trains again, and a run that works gets no advice."""

import threading

from PyQt6.QtCore import Qt

from core.presets import make_preset


def coach_title(window) -> str:
    return window.panels.tabText(window.panel_index(window.coach_panel))


def button(panel, text):
    found = [b for b in panel.fix_buttons if b.text() == text]
    assert found, [b.text() for b in panel.fix_buttons]
    return found[0]


def trained_to_the_limit(qtbot, window, epochs):
    window.toggle_training()
    qtbot.waitUntil(lambda: window.metrics.latest is not None
                    and window.metrics.latest.epoch == epochs and not window.bridge.running,
                    timeout=60_000)


def test_unscaled_points_get_normalize_and_one_click_fixes_them(qtbot, make_window):
    """The question's 2000 points (Adam 0.001): the tab says "Coach (1)" before training; the
    "Normalize inputs" button turns normalization on and trains anew, after which the points
    are learnt and the advice is gone."""
    window = make_window(*make_preset("seed-2000"), optimizer="adam", learning_rate=0.001,
                         epochs=20)
    panel = window.coach_panel
    qtbot.waitUntil(lambda: coach_title(window) == "Coach (1)", timeout=10_000)
    assert [a.code for a in panel.advice] == ["unscaled-inputs"]
    window.show_panel(panel)  # the user opens the tab
    fix = button(panel, "Normalize inputs")
    assert fix.isVisible()
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert window.bridge.config.normalize  # and the controls show it
    qtbot.waitUntil(lambda: window.metrics.latest is not None
                    and window.metrics.latest.epoch == 20 and not window.bridge.running,
                    timeout=60_000)
    assert window.metrics.latest.eval_accuracy == 1.0  # trained anew, normalized
    qtbot.waitUntil(lambda: coach_title(window) == "Coach", timeout=10_000)
    assert panel.advice == [] and "No advice" in panel.summary.text()


def test_the_question_on_4_points_offers_removing_batchnorm(qtbot, make_window):
    window = make_window(optimizer="adam", learning_rate=0.001, batchnorm=True, seed=4,
                         epochs=20)
    trained_to_the_limit(qtbot, window, 20)
    panel = window.coach_panel
    qtbot.waitUntil(lambda: "batchnorm-mode-gap" in [a.code for a in panel.advice],
                    timeout=10_000)
    assert coach_title(window).startswith("Coach (")
    # L: scikit-learn's line, named, with its accuracy beside the neuron's (predict's).
    qtbot.keyClick(window, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: window.plot.reference_label() ==
                    "LogisticRegression (C=1): 100% (neuron 75%)", timeout=30_000)
    window.show_panel(panel)
    qtbot.mouseClick(button(panel, "Remove BatchNormalization"), Qt.MouseButton.LeftButton)
    assert not window.bridge.config.batchnorm
    # Trained anew without it: Adam at 0.001 is now the slow part, and the coach says so.
    qtbot.waitUntil(lambda: [a.code for a in panel.advice] == ["learning-rate-too-small"],
                    timeout=60_000)
    assert button(panel, "Learning rate → 0.01")


def test_a_healthy_run_gets_no_advice_and_the_reference_thread_ends(qtbot, make_window):
    """The answer's fix: noisy corners, SGD at 0.5, 50 epochs."""
    window = make_window(*make_preset("noisy-corners"), optimizer="sgd", learning_rate=0.5,
                         epochs=50)
    panel = window.coach_panel
    trained_to_the_limit(qtbot, window, 50)
    qtbot.waitUntil(lambda: panel.reference is not None, timeout=30_000)
    panel.update_advice()
    assert panel.advice == [] and coach_title(window) == "Coach"
    assert panel.summary.text() == "No advice: nothing looks wrong with this run."
    window.close()
    assert not [t for t in threading.enumerate() if t.name == "coach-reference"]


def test_without_points_the_coach_asks_for_points_not_all_is_well(qtbot, make_window):
    """After Clear the coach said "nothing looks wrong with this run" while the caption asked
    for points."""
    window = make_window()
    window.show_panel(window.coach_panel)
    window.clear_action.trigger()
    qtbot.waitUntil(lambda: "No points yet" in window.coach_panel.summary.text(),
                    timeout=10_000)
    assert coach_title(window) == "Coach"


def test_the_coach_offers_the_finders_rate_only_while_the_sweep_describes_the_model(
        qtbot, make_window):
    """The finder swept the model; then a new model (another seed) was built: the coach kept
    offering the old sweep's rate (review of issue 10)."""
    from tests.gui.test_lr_finder import finder_tab, sweep_now

    window = make_window(optimizer="adam", learning_rate=0.001, seed=4, epochs=20)
    sweep = sweep_now(qtbot, finder_tab(window))
    trained_to_the_limit(qtbot, window, 20)
    offered = f"Learning rate → {float(f'{sweep.suggestion:.3g}'):g}"
    qtbot.waitUntil(lambda: offered in [b.text() for b in window.coach_panel.fix_buttons],
                    timeout=10_000)
    window.apply_changes({"seed": 5}, restart=False)  # a new model: the sweep is not its
    qtbot.waitUntil(lambda: window.lr_finder_panel.sweep is None, timeout=10_000)
    trained_to_the_limit(qtbot, window, 20)
    qtbot.waitUntil(lambda: window.coach_panel.fix_buttons
                    and offered not in [b.text() for b in window.coach_panel.fix_buttons],
                    timeout=10_000)
