"""Suite-wide settings: offscreen Qt, quiet TensorFlow, one thread pool per process."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
