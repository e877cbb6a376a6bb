"""Watch every Keras model the trainer builds, to tell whether discarded ones stay alive."""

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import core.model


@contextmanager
def watching_built_models() -> Iterator[list[weakref.ref]]:
    """Within the block, each ``core.model.build_model`` call adds a weak reference to its
    Keras model to the yielded list (the trainer imports build_model when its thread starts,
    so start the trainer inside the block)."""
    built: list[weakref.ref] = []
    original = core.model.build_model

    def build_and_watch(*args, **kwargs):
        neuron = original(*args, **kwargs)
        built.append(weakref.ref(neuron.keras_model))
        return neuron

    core.model.build_model = build_and_watch
    try:
        yield built
    finally:
        core.model.build_model = original


def alive(built: list[weakref.ref]) -> int:
    return sum(ref() is not None for ref in built)
