"""What keeps native memory from growing in a long session (issue 12, item 3).

TensorFlow keeps, and never frees, a oneDNN primitive per input shape it evaluates (~55 KB
each) and an eager kernel per distinct variable name it creates (~35 KB each). Neither is
visible from Python, so ``make soak`` measures the memory; these tests pin the two causes:
evaluation sees only the padded capacities (not every point count a click makes), and a model
rebuilt by Reset has the same variable names as the one before (not ``dense_17``, ``dense_18``).
"""

import numpy as np

from core.config import TrainConfig
from core.engine import Engine, EngineData
from core.model import build_model


def test_evaluating_any_number_of_points_uses_a_few_padded_shapes():
    engine = Engine(build_model(TrainConfig()))
    shapes = set()
    evaluate = engine._evaluate

    def watched(x, *args):
        shapes.add(int(x.shape[0]))
        return evaluate(x, *args)

    engine._evaluate = watched
    rng = np.random.default_rng(0)
    for n in range(3, 80, 7):
        x = rng.normal(size=(n, 2))
        batch = engine.snapshot(EngineData.from_arrays(x, x[:, 0] > 0), epoch=0)
        expected = np.mean(((x @ np.array(batch.columns["w"][0]).reshape(2)
                             + batch.columns["b"][0]) > 0) == (x[:, 0] > 0))
        # The padding is masked: the figure is these n points' (to float32 rounding).
        assert abs(batch.columns["eval_accuracy"][0] - expected) < 1e-6
    assert shapes == {256}  # one capacity for every count from 3 to 73


def test_a_rebuilt_model_has_the_same_variable_names():
    for config in (TrainConfig(), TrainConfig(optimizer="adam", batchnorm=True, normalize=True)):
        first, second = build_model(config), build_model(config)
        names = [[v.path for v in m.keras_model.variables + m.keras_model.optimizer.variables]
                 for m in (first, second)]
        assert names[0] == names[1]
