"""The settings panel: data set, optimizer and model options, and one-click scenarios.

It holds no state of its own beyond its widgets: ``show_config`` fills them, and every edit
is reported as a whole new ``TrainConfig`` (validated by core) through ``configEdited``. Policy
lives in core: every range comes from ``core.config`` (the widgets span exactly what the config
accepts), the learning rate following the optimizer's default is ``TrainConfig.with_optimizer``,
and the scenario buttons are built from ``core.scenarios.SCENARIOS``.
"""

from __future__ import annotations

import math
import secrets

from PyQt6.QtCore import QCoreApplication, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.config import (
    BATCH_SIZE_RANGE,
    EPOCH_LIMIT_RANGE,
    L2_RANGE,
    LEARNING_RATE_RANGE,
    OPTIMIZERS,
    SEED_RANGE,
    TEST_SPLIT_RANGE,
    ConfigError,
    TrainConfig,
)
from core.i18n import _
from core.presets import PRESETS
from core.scenarios import SCENARIOS, Scenario
from gui.actions import keep_focus_off, keep_keys_in

LR_SLIDER_STEPS_PER_DECADE = 20


def scenario_title(scenario: Scenario) -> str:
    """The scenario's button text in the user's language (core keeps it in English)."""
    return QCoreApplication.translate("Scenarios", scenario.title)


def scenario_explanation(scenario: Scenario) -> str:
    """Why the scenario behaves as it does, translated: the button's tooltip."""
    return QCoreApplication.translate("Scenarios", scenario.explanation)


class ControlsPanel(QWidget):
    configEdited = pyqtSignal(object)  # TrainConfig
    presetChosen = pyqtSignal(str)
    scenarioChosen = pyqtSignal(object)  # core.scenarios.Scenario
    problem = pyqtSignal(str)  # an invalid setting, for the status bar

    def __init__(self, config: TrainConfig, parent=None) -> None:
        super().__init__(parent)
        self._config = config
        self._filling = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)

        data_box = QGroupBox(self.tr("Data"))
        data_form = QFormLayout(data_box)
        self.preset = QComboBox()
        for name, preset in PRESETS.items():
            self.preset.addItem(name, name)
            self.preset.setItemData(self.preset.count() - 1, _(preset.summary),
                                    Qt.ItemDataRole.ToolTipRole)
        self.preset.setToolTip(self.tr("Replace the points with a named data set (undoable)"))
        self.preset.activated.connect(lambda i: self.presetChosen.emit(self.preset.itemData(i)))
        data_form.addRow(self.tr("Preset"), self.preset)
        self.test_split = self._double(TEST_SPLIT_RANGE, 0.05, 2,
                                       self.tr("Fraction of points held out for testing"))
        data_form.addRow(self.tr("Test split"), self.test_split)
        outer.addWidget(data_box)

        model_box = QGroupBox(self.tr("Model and training"))
        form = QFormLayout(model_box)
        self.optimizer = QComboBox()
        self.optimizer.addItems(OPTIMIZERS)
        self.optimizer.setToolTip(self.tr("Keras optimizer (changing it builds a new model)"))
        self.optimizer.currentTextChanged.connect(self._edited)
        form.addRow(self.tr("Optimizer"), self.optimizer)

        self.lr_slider = QSlider(Qt.Orientation.Horizontal)
        self.lr_slider.setRange(*(round(math.log10(v) * LR_SLIDER_STEPS_PER_DECADE)
                                  for v in LEARNING_RATE_RANGE))
        self.lr_slider.setToolTip(self.tr("Learning rate on a log scale (applies live)"))
        self.lr_slider.valueChanged.connect(self._slider_moved)
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setDecimals(6)
        self.learning_rate.setRange(*LEARNING_RATE_RANGE)
        self.learning_rate.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.learning_rate.setToolTip(self.tr("Learning rate (applies live, no reset)"))
        self.learning_rate.valueChanged.connect(self._edited)
        self.learning_rate.setKeyboardTracking(False)  # typing 0.05 must not try 0.0 first
        form.addRow(self.tr("Learning rate"), self.learning_rate)
        # The slider on a row of its own: the panel's full width for nine decades of rates,
        # and never squeezed to a dot beside the box when the window is narrow.
        form.addRow(self.lr_slider)

        self.batch_size = QSpinBox()
        self.batch_size.setRange(*BATCH_SIZE_RANGE)
        self.batch_size.setToolTip(self.tr("Points per gradient step (Keras default 32)"))
        self.batch_size.valueChanged.connect(self._edited)
        self.batch_size.setKeyboardTracking(False)
        form.addRow(self.tr("Batch size"), self.batch_size)
        self.epochs = QSpinBox()
        self.epochs.setRange(*EPOCH_LIMIT_RANGE)
        self.epochs.setSpecialValueText(self.tr("until paused"))
        self.epochs.setToolTip(self.tr("Pause after this many epochs (0 = until paused)"))
        self.epochs.valueChanged.connect(self._edited)
        # Typing 5000 must not stop training at the 5 of its first keystroke: apply on Enter.
        self.epochs.setKeyboardTracking(False)
        form.addRow(self.tr("Epoch limit"), self.epochs)
        self.batchnorm = QCheckBox(self.tr("BatchNormalization"))
        self.batchnorm.setToolTip(self.tr(
            "Normalise with each batch's statistics in training and with moving averages in "
            "predict (new model)"))
        self.batchnorm.toggled.connect(self._edited)
        form.addRow(self.batchnorm)
        self.normalize = QCheckBox(self.tr("Normalize inputs"))
        self.normalize.setToolTip(self.tr(
            "keras.layers.Normalization adapted to the current points (new model)"))
        self.normalize.toggled.connect(self._edited)
        form.addRow(self.normalize)
        self.l2 = self._double(L2_RANGE, 0.001, 4, self.tr("L2 penalty on the kernel (new model)"))
        form.addRow(self.tr("L2"), self.l2)
        self.seed = QSpinBox()
        self.seed.setRange(*SEED_RANGE)
        self.seed.setToolTip(self.tr(
            "Seed for the initial weights, the shuffles, the held-out split and generated "
            "presets: the same seed gives the same run (N draws a new one)"))
        self.seed.valueChanged.connect(self._edited)
        self.seed.setKeyboardTracking(False)  # one new model for 123, not three
        form.addRow(self.tr("Seed"), self.seed)
        outer.addWidget(model_box)

        scenario_box = QGroupBox(self.tr("Scenarios and fixes"))
        scenario_layout = QVBoxLayout(scenario_box)
        for scenario in SCENARIOS.values():
            button = QPushButton(scenario_title(scenario))
            button.setToolTip(scenario_explanation(scenario))
            button.setObjectName(f"scenario-{scenario.name}")
            button.clicked.connect(lambda _=False, s=scenario: self.scenarioChosen.emit(s))
            scenario_layout.addWidget(button)
        outer.addWidget(scenario_box)
        outer.addStretch(1)
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QAbstractButton):
                keep_focus_off(widget)
            elif isinstance(widget, (QAbstractSpinBox, QComboBox, QAbstractSlider)):
                keep_keys_in(widget)
        self.show_config(config)

    def _double(self, bounds: tuple[float, float], step: float, decimals: int,
                tooltip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(*bounds)
        box.setSingleStep(step)
        box.setDecimals(decimals)
        box.setToolTip(tooltip)
        box.valueChanged.connect(self._edited)
        box.setKeyboardTracking(False)
        return box

    def show_config(self, config: TrainConfig, preset: str | None = None) -> None:
        """Fill the widgets from a config without reporting edits."""
        self._filling = True
        try:
            self._config = config
            self.optimizer.setCurrentText(config.optimizer)
            self.learning_rate.setValue(config.learning_rate)
            self._sync_slider(config.learning_rate)
            self.batch_size.setValue(config.batch_size)
            self.epochs.setValue(config.epochs)
            self.batchnorm.setChecked(config.batchnorm)
            self.normalize.setChecked(config.normalize)
            self.l2.setValue(config.l2)
            self.seed.setValue(config.seed)
            self.test_split.setValue(config.test_split)
            if preset is not None:
                self.show_preset(preset)
        finally:
            self._filling = False

    def draw_new_seed(self) -> int:
        """Draw a seed never shown before (at random) and apply it like a typed one: a new
        model from it. Reset keeps the seed, so it repeats a start; this gives another, so it
        also forgets start weights picked on the loss landscape."""
        low, high = SEED_RANGE
        seed = self.seed.value()
        while seed == self.seed.value():
            seed = secrets.randbelow(high - low + 1) + low
        self._config = self._config.with_changes(start_weights=None)
        self.seed.setValue(seed)
        return seed

    def show_preset(self, preset: str | None) -> None:
        """Show which preset the points are (none: they came from a file)."""
        self.preset.setCurrentIndex(self.preset.findData(preset) if preset else -1)

    def _sync_slider(self, learning_rate: float) -> None:
        blocked = self.lr_slider.blockSignals(True)
        self.lr_slider.setValue(round(math.log10(learning_rate) * LR_SLIDER_STEPS_PER_DECADE))
        self.lr_slider.blockSignals(blocked)

    def _slider_moved(self, value: int) -> None:
        rate = 10 ** (value / LR_SLIDER_STEPS_PER_DECADE)
        self.learning_rate.setValue(float(f"{rate:.2g}"))

    def _edited(self, *_args) -> None:
        if self._filling:
            return
        try:
            config = self._config.with_changes(
                learning_rate=self.learning_rate.value(),
                batch_size=self.batch_size.value(), epochs=self.epochs.value(),
                batchnorm=self.batchnorm.isChecked(), normalize=self.normalize.isChecked(),
                l2=round(self.l2.value(), 6), seed=self.seed.value(),
                test_split=round(self.test_split.value(), 4),
            ).with_optimizer(self.optimizer.currentText())
        except ConfigError as error:
            self.problem.emit(str(error))
            return
        if config.learning_rate != self.learning_rate.value():  # followed the optimizer
            self.show_config(config)
        self._sync_slider(config.learning_rate)
        self._config = config
        self.configEdited.emit(config)
