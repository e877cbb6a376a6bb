"""Neuron Lab's model of the world: data, configuration, the Keras model and its training.

Nothing in this package imports Qt, so it runs headless and is tested without a display.
TensorFlow is imported lazily (only by ``model``, ``engine`` and the trainer's thread) so that
importing ``core`` stays cheap and the window can appear before TensorFlow has loaded.
"""
