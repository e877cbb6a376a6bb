"""Exports into the Keras world: the history as CSV, the trained model as ``.keras``, and a
plain Keras script that rebuilds and trains the same model.

Why a separate copy of the model: the app's input layer is ``core.model.LiveNormalization``,
a subclass a plain Keras process cannot deserialize without Neuron Lab's code. ``plain_model``
rebuilds the network from stock layers (``keras.layers.Normalization(mean=, variance=)``, the
same BatchNormalization and Dense weights), so ``keras.models.load_model(path, safe_mode=True)``
works anywhere and ``predict`` gives the app's probabilities.

The history and script writers are pure (NumPy only). ``save_model`` imports Keras and must run
on the training thread, where the live model lives: pass it to ``Trainer.ask``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from core.atomic_write import atomic_write_text
from core.config import TrainConfig
from core.i18n import _
from core.record import history_columns

INLINE_POINTS = 2000  # up to this many points the script carries them inline; else a CSV


class ExportError(Exception):
    """An export that could not be written; the message is one line naming the file."""


def _write_text(path: Path, text: str) -> None:
    """Atomically, as every file the app writes: a failure leaves an older export whole."""
    try:
        atomic_write_text(path, text)
    except OSError as error:
        raise ExportError(f"{path}: {error.strerror or error}") from None


# --- history -----------------------------------------------------------------------------------

def history_csv(columns: Mapping[str, np.ndarray]) -> str:
    """One row per recorded epoch, ``history_columns()`` as the header; missing figures are
    empty cells (pandas reads them as NaN), numbers in full precision (``repr``)."""
    names = history_columns()
    data = [np.asarray(columns[name], float) for name in names]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for i in range(len(data[0]) if data else 0):
        row = []
        for name, column in zip(names, data):
            value = float(column[i])
            if not np.isfinite(value):
                row.append("" if np.isnan(value) else repr(value))
            elif name == "epoch":
                row.append(str(int(value)))
            else:
                row.append(repr(value))
        writer.writerow(row)
    return out.getvalue()


def write_history(path: Path, columns: Mapping[str, np.ndarray]) -> None:
    _write_text(path, history_csv(columns))


# --- model -------------------------------------------------------------------------------------

def plain_model(neuron):  # neuron: core.model.NeuronModel -> keras.Sequential
    """A copy of the live model made of stock Keras layers only, with the same weights and
    statistics (training thread only: it reads the live variables)."""
    import keras

    layers: list = [keras.Input(shape=(2,))]
    stats = neuron.norm_stats()
    if stats is not None:
        mean, variance = stats
        layers.append(keras.layers.Normalization(axis=-1, mean=mean.reshape(2).tolist(),
                                                 variance=variance.reshape(2).tolist()))
    if neuron.batchnorm is not None:
        config = neuron.batchnorm.get_config()
        layers.append(keras.layers.BatchNormalization.from_config(config))
    dense_config = neuron.dense.get_config()
    dense_config["kernel_regularizer"] = None  # the penalty matters only while training
    dense_config["kernel_initializer"] = "glorot_uniform"  # the weights are set below
    layers.append(keras.layers.Dense.from_config(dense_config))
    model = keras.Sequential(layers)
    if neuron.batchnorm is not None:
        model.layers[-2].set_weights(neuron.batchnorm.get_weights())
    model.layers[-1].set_weights(neuron.dense.get_weights())
    return model


def save_model(neuron, path: Path) -> None:
    """Save the plain copy of ``neuron`` to ``path`` (``.keras``); training thread only."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ExportError(_("{file}: a Keras model file must end in .keras").format(file=path))
    if not path.resolve().parent.is_dir():
        raise ExportError(_("{file}: the folder does not exist").format(file=path))
    try:
        plain_model(neuron).save(path)
    except OSError as error:
        raise ExportError(f"{path}: {error.strerror or error}") from None


# --- script ------------------------------------------------------------------------------------

_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad"}


def script_text(config: TrainConfig, xy: np.ndarray, labels: np.ndarray,
                data_file: str | None = None, held_out: np.ndarray | None = None) -> str:
    """A standalone Keras script for this model, config and data. ``data_file``: the points'
    CSV (x,y,label,held_out with a header) beside the script, instead of inline arrays.
    ``held_out``: which points the app holds out (``core.split``); the script holds out the
    same ones and reports their accuracy as fit's validation."""
    xy = np.asarray(xy, float).reshape(-1, 2)
    labels = np.asarray(labels).reshape(-1).astype(int)
    held = np.zeros(len(labels), bool) if held_out is None else np.asarray(held_out, bool)
    if data_file is None:
        points = ",\n    ".join(f"[{x!r}, {y!r}]" for x, y in xy)
        data = (f"x = np.array([\n    {points}\n], dtype=np.float32)\n"
                f"y = np.array({labels.tolist()!r}, dtype=np.float32)\n")
        if held.any():
            data += ("# The points Neuron Lab held out for testing (its split), by index\n"
                     f"held_out = np.isin(np.arange(len(y)), {np.flatnonzero(held).tolist()!r})\n")
        else:
            data += "held_out = np.zeros(len(y), bool)  # nothing held out\n"
    else:
        data = ("here = pathlib.Path(__file__).resolve().parent\n"
                f"table = np.loadtxt(here / {data_file!r}, delimiter=',', skiprows=1, "
                "ndmin=2)\n"
                "x = table[:, :2].astype(np.float32)\n"
                "y = table[:, 2].astype(np.float32)\n"
                "held_out = table[:, 3] > 0  # the points Neuron Lab held out for testing\n")
    if config.start_weights is None:
        init = f"keras.initializers.GlorotUniform(seed={config.seed})"
    else:
        w1, w2 = config.start_weights
        init = f"keras.initializers.Constant(np.array([[{w1!r}], [{w2!r}]], np.float32))"
    layers = ["keras.Input(shape=(2,))"]
    if config.normalize:
        layers.append("normalization")
    if config.batchnorm:
        layers.append("keras.layers.BatchNormalization()")
    regularizer = f"keras.regularizers.L2({config.l2!r})" if config.l2 > 0 else "None"
    layers.append(f"keras.layers.Dense(1, activation='sigmoid', kernel_initializer={init}, "
                  f"kernel_regularizer={regularizer})")
    norm = ("normalization = keras.layers.Normalization(axis=-1)\n"
            "normalization.adapt(x_train)\n") if config.normalize else ""
    epochs = config.epochs if config.epochs > 0 else 100
    split = ("x_train, y_train = x[~held_out], y[~held_out]\n"
             "x_test, y_test = x[held_out], y[held_out]\n")
    layer_lines = ",\n    ".join(layers)
    title = f"one sigmoid neuron, {config.optimizer} at {config.learning_rate:g}"
    return f'''"""Rebuilt by Neuron Lab: {title}.

Plain keras/numpy. model.fit shuffles batches with its own random stream, so the weights
after training differ slightly from Neuron Lab's run; accuracy agrees closely.
"""
import pathlib  # noqa: F401 - used when the points are in a CSV beside this script

import keras
import numpy as np

keras.utils.set_random_seed({config.seed})
{data}{split}{norm}model = keras.Sequential([
    {layer_lines},
])
model.compile(optimizer=keras.optimizers.{_OPTIMIZERS[config.optimizer]}(learning_rate={config.learning_rate!r}),
              loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size={config.batch_size}, epochs={epochs}, verbose=0,
                    validation_data=(x_test, y_test) if len(y_test) else None)
probabilities = model.predict(x_train, verbose=0).reshape(-1)
accuracy = float(np.mean((probabilities > 0.5) == (y_train > 0.5)))
test = ""
if len(y_test):
    test_probabilities = model.predict(x_test, verbose=0).reshape(-1)
    test = f"  test accuracy {{float(np.mean((test_probabilities > 0.5) == (y_test > 0.5))):.4f}}"
print(f"final accuracy {{accuracy:.4f}}  fit accuracy {{history.history['accuracy'][-1]:.4f}}  "
      f"loss {{history.history['loss'][-1]:.4f}}{{test}}")
'''


def write_script(path: Path, config: TrainConfig, xy: np.ndarray, labels: np.ndarray,
                 held_out: np.ndarray | None = None) -> None:
    """The script at ``path``; more than ``INLINE_POINTS`` points go to ``<stem>_points.csv``
    beside it (x, y, label and held_out, which the app reads back as a data file too)."""
    path = Path(path)
    data_file = None
    if len(labels) > INLINE_POINTS:
        data_file = f"{path.stem}_points.csv"
        held = np.zeros(len(labels), bool) if held_out is None else np.asarray(held_out, bool)
        table = np.column_stack([np.asarray(xy, float), labels, held]).astype(float)
        lines = [",".join(repr(float(v)) if i < 2 else str(int(v)) for i, v in enumerate(row))
                 for row in table]
        try:
            atomic_write_text(path.with_name(data_file),
                              "x,y,label,held_out\n" + "\n".join(lines) + "\n")
        except OSError as error:
            raise ExportError(f"{path.with_name(data_file)}: {error.strerror or error}") from None
    _write_text(path, script_text(config, xy, labels, data_file, held_out))
