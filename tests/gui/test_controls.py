"""The settings panel reads its policy from core: ranges, the optimizer's default rate, the
scenario buttons. A panel on its own (no window, no TensorFlow) is enough to drive."""

import math

import pytest
from PyQt6.QtWidgets import QPushButton

from core.config import (
    BATCH_SIZE_RANGE,
    EPOCH_LIMIT_RANGE,
    L2_RANGE,
    LEARNING_RATE_RANGE,
    SEED_RANGE,
    TEST_SPLIT_RANGE,
    TrainConfig,
)
from core.scenarios import SCENARIOS
from gui import style
from gui.controls import LR_SLIDER_STEPS_PER_DECADE, ControlsPanel


@pytest.fixture
def panel(qtbot):
    panel = ControlsPanel(TrainConfig())
    qtbot.addWidget(panel)
    edits: list[TrainConfig] = []
    panel.configEdited.connect(edits.append)
    panel.edits = edits
    return panel


def test_every_widget_spans_exactly_the_configs_range(panel):
    for widget, bounds in ((panel.learning_rate, LEARNING_RATE_RANGE),
                           (panel.batch_size, BATCH_SIZE_RANGE),
                           (panel.epochs, EPOCH_LIMIT_RANGE), (panel.l2, L2_RANGE),
                           (panel.seed, SEED_RANGE), (panel.test_split, TEST_SPLIT_RANGE)):
        assert (widget.minimum(), widget.maximum()) == bounds
    ends = [10 ** (v / LR_SLIDER_STEPS_PER_DECADE)
            for v in (panel.lr_slider.minimum(), panel.lr_slider.maximum())]
    assert ends == [pytest.approx(v, rel=1e-9) for v in LEARNING_RATE_RANGE]


def test_the_slider_reaches_both_ends_of_the_legal_rates(panel):
    """Before, the slider stopped at 1e-5 and 10 while the config allowed 1e-6 to 1000."""
    panel.lr_slider.setValue(panel.lr_slider.maximum())
    assert panel.edits[-1].learning_rate == LEARNING_RATE_RANGE[1]
    panel.lr_slider.setValue(panel.lr_slider.minimum())
    assert panel.edits[-1].learning_rate == LEARNING_RATE_RANGE[0]
    assert panel.learning_rate.value() == LEARNING_RATE_RANGE[0]
    assert math.isclose(panel.lr_slider.value() / LR_SLIDER_STEPS_PER_DECADE, -6)


def test_the_rate_follows_the_optimizer_only_from_its_default(panel):
    panel.optimizer.setCurrentText("adam")  # the rate was SGD's default 0.01
    assert (panel.edits[-1].optimizer, panel.edits[-1].learning_rate) == ("adam", 0.001)
    assert panel.learning_rate.value() == 0.001  # and the box shows it
    panel.learning_rate.setValue(0.05)  # the user's own choice
    panel.optimizer.setCurrentText("rmsprop")
    assert (panel.edits[-1].optimizer, panel.edits[-1].learning_rate) == ("rmsprop", 0.05)


def test_scenario_buttons_are_core_scenarios(qtbot, panel):
    buttons = [b for b in panel.findChildren(QPushButton)
               if b.objectName().startswith("scenario-")]
    assert [b.objectName() for b in buttons] == [f"scenario-{n}" for n in SCENARIOS]
    for button, scenario in zip(buttons, SCENARIOS.values()):
        assert (button.text(), button.toolTip()) == (scenario.title, scenario.explanation)
    with qtbot.waitSignal(panel.scenarioChosen) as chosen:
        buttons[0].click()
    assert chosen.args == [SCENARIOS["question-4"]]


def test_the_app_icon_loads_from_the_packaged_svg(qapp):
    icon = style.app_icon()
    assert not icon.isNull()
    image = icon.pixmap(32, 32).toImage()
    assert image.width() == 32 and image.pixelColor(16, 16).alpha() > 0  # drawn, not blank
